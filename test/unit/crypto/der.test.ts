import { describe, expect, it } from 'vitest';
import {
  boolean, children, decode, decodeBitString, decodeOid, decodeSmallInteger, decodeString, explicit, implicit, integer, namedBits,
  NULL, octetString, oid, printableString, readElement, sequence, setOf, Tag, time, tlv, utf8String,
} from '../../../src/crypto/der.js';
import { ErrorCodes } from '../../../src/domain/errors/index.js';

const hex = (b: Buffer) => b.toString('hex');

describe('DER encoder', () => {
  it('encodes a serial with its top bit set as a positive INTEGER', () => {
    // Prepare
    const serial = Buffer.from('80ff', 'hex');

    // Act
    const encoded = integer(serial);

    // Assess
    expect(hex(encoded)).toBe('02030080ff');
  });

  it('drops leading zero bytes of an INTEGER magnitude but keeps a lone zero', () => {
    // Prepare
    const padded = Buffer.from('00007f', 'hex');

    // Act
    const results = [integer(padded), integer(Buffer.alloc(3)), integer(0), integer(2), integer(300)];

    // Assess
    expect(results.map(hex)).toEqual(['02017f', '020100', '020100', '020102', '0202012c']);
  });

  it('encodes object identifiers with multi-byte arcs', () => {
    // Act
    const ecPublicKey = oid('1.2.840.10045.2.1');

    // Assess
    expect(hex(ecPublicKey)).toBe('06072a8648ce3d0201');
  });

  it('uses long-form lengths above 127 bytes', () => {
    // Prepare
    const content200 = Buffer.alloc(200, 1);
    const content300 = Buffer.alloc(300, 1);

    // Act
    const short = octetString(Buffer.alloc(127));
    const one = octetString(content200);
    const two = octetString(content300);

    // Assess
    expect(hex(short.subarray(0, 2))).toBe('047f');
    expect(hex(one.subarray(0, 3))).toBe('0481c8');
    expect(hex(two.subarray(0, 4))).toBe('0482012c');
  });

  it('writes UTCTime before 2050 and GeneralizedTime from 2050', () => {
    // Act
    const utc = time(new Date('2049-12-31T23:59:59.999Z'));
    const generalized = time(new Date('2050-01-01T00:00:00Z'));

    // Assess
    expect(utc[0]).toBe(Tag.UTC_TIME);
    expect(utc.subarray(2).toString('latin1')).toBe('491231235959Z');
    expect(generalized[0]).toBe(Tag.GENERALIZED_TIME);
    expect(generalized.subarray(2).toString('latin1')).toBe('20500101000000Z');
  });

  it('encodes named bits with trailing zero bits removed', () => {
    // Act
    const digitalSignature = namedBits([0]);
    const withKeyEncipherment = namedBits([0, 2]);
    const caBits = namedBits([5, 6]);

    // Assess
    expect(hex(digitalSignature)).toBe('03020780');
    expect(hex(withKeyEncipherment)).toBe('030205a0');
    expect(hex(caBits)).toBe('03020106');
  });

  it('sorts SET OF elements by their encoding', () => {
    // Act
    const set = setOf(integer(5), integer(1));

    // Assess
    expect(hex(set)).toBe('3106020101020105');
  });

  it('encodes booleans, NULL, strings and context tags', () => {
    // Act
    const parts = [boolean(true), NULL, utf8String('é'), printableString('A'), explicit(0, integer(2)), implicit(2, Buffer.from('a'))];

    // Assess
    expect(parts.map(hex)).toEqual(['0101ff', '0500', '0c02c3a9', '130141', 'a003020102', '820161']);
  });
});

describe('DER decoder', () => {
  it('reads back what the encoder writes', () => {
    // Prepare
    const encoded = sequence(oid('2.5.29.17'), boolean(true), octetString(Buffer.from('x')), tlv(Tag.BIT_STRING, Buffer.from([0, 0xaa])), integer(7));

    // Act
    const [id, critical, value, bits, seven] = children(decode(encoded));

    // Assess
    expect(decodeOid(id!)).toBe('2.5.29.17');
    expect(critical!.value[0]).toBe(0xff);
    expect(value!.value.toString()).toBe('x');
    expect(decodeBitString(bits!).bytes[0]).toBe(0xaa);
    expect(decodeSmallInteger(seven!)).toBe(7);
  });

  it('decodes OIDs whose first arc is 2 with a large second arc', () => {
    // Act
    const decoded = decodeOid(decode(oid('2.999.3')));

    // Assess
    expect(decoded).toBe('2.999.3');
  });

  it('decodes BMPString text', () => {
    // Prepare
    const bmp = tlv(Tag.BMP_STRING, Buffer.from('0048006900', 'hex').subarray(0, 4));

    // Act
    const text = decodeString(decode(bmp));

    // Assess
    expect(text).toBe('Hi');
  });

  it.each([
    ['a truncated header', '30'],
    ['a length past the end', '3005020101'],
    ['an indefinite length', '30800000'],
    ['trailing bytes', '020101ff'],
    ['a high tag number', '1f0100'],
  ])('rejects %s as INPUT.INVALID', (_, input) => {
    // Act
    const act = () => decode(Buffer.from(input, 'hex'));

    // Assess
    expect(act).toThrow(expect.objectContaining({ code: ErrorCodes.INPUT_INVALID }));
  });

  it('reports where the next element starts', () => {
    // Prepare
    const two = Buffer.concat([integer(1), integer(2)]);

    // Act
    const first = readElement(two);

    // Assess
    expect(first.next).toBe(3);
    expect(readElement(two, first.next).value[0]).toBe(2);
  });
});
