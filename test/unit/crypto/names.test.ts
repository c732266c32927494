import { describe, expect, it } from 'vitest';
import { bytesToIp, canonicalIp, canonicalNames, ipToBytes, parseSubjectAltName } from '../../../src/crypto/names.js';
import { ErrorCodes } from '../../../src/domain/errors/index.js';

describe('IP addresses', () => {
  it.each([
    ['10.0.0.1', '0a000001'],
    ['2001:db8::1', '20010db8000000000000000000000001'],
    ['::', '00000000000000000000000000000000'],
    ['::ffff:192.0.2.1', '00000000000000000000ffffc0000201'],
    ['fe80:0:0:1::', 'fe800000000000010000000000000000'],
  ])('encodes %s as octets', (ip, octets) => {
    // Act
    const bytes = ipToBytes(ip);

    // Assess
    expect(bytes.toString('hex')).toBe(octets);
  });

  it.each([
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['0:0:0:0:0:0:0:0', '::'],
    [' 10.1.2.3 ', '10.1.2.3'],
  ])('writes %s canonically as %s', (input, canonical) => {
    // Act
    const text = canonicalIp(input);

    // Assess
    expect(text).toBe(canonical);
  });

  it('rejects text that is not an IP', () => {
    // Act
    const act = () => ipToBytes('fe80::1%eth0');

    // Assess
    expect(act).toThrow(expect.objectContaining({ code: ErrorCodes.INPUT_INVALID }));
  });

  it('rejects octets of the wrong length', () => {
    // Act
    const act = () => bytesToIp(Buffer.alloc(5));

    // Assess
    expect(act).toThrow(expect.objectContaining({ code: ErrorCodes.INPUT_INVALID }));
  });
});

describe('parseSubjectAltName', () => {
  it('reads DNS, IP, URI and email entries and skips the rest', () => {
    // Prepare
    const text = 'DNS:B.example.com, DNS:a.example.com, IP Address:2001:DB8:0:0:0:0:0:1, IP Address:10.0.0.1, URI:spiffe://x/y, email:Ops@B.C, othername:<unsupported>';

    // Act
    const names = parseSubjectAltName(text);

    // Assess: the email's domain lower-cased, its local part kept
    expect(names).toEqual({ dns: ['a.example.com', 'b.example.com'], ip: ['10.0.0.1', '2001:db8::1'], uri: ['spiffe://x/y'], email: ['Ops@b.c'] });
  });

  it('leaves email out of a name set that has none, so it keeps the shape it had before email SANs', () => {
    // Act
    const names = parseSubjectAltName('DNS:a.example.com');

    // Assess
    expect(Object.keys(names)).toEqual(['dns', 'ip', 'uri']);
  });

  it('reads values node quotes because they hold separators', () => {
    // Prepare
    const text = 'URI:"https://x.example/a, b", DNS:c.example.com';

    // Act
    const names = parseSubjectAltName(text);

    // Assess
    expect(names).toEqual({ dns: ['c.example.com'], ip: [], uri: ['https://x.example/a, b'] });
  });

  it('gives no names for a certificate without a SAN', () => {
    // Act
    const names = parseSubjectAltName(undefined);

    // Assess
    expect(names).toEqual({ dns: [], ip: [], uri: [] });
  });
});

describe('canonicalNames', () => {
  it('makes equal sets compare equal', () => {
    // Act
    const a = canonicalNames({ dns: ['A.example.com', 'a.example.com'], ip: ['2001:DB8::0:1'] });
    const b = canonicalNames({ dns: ['a.example.com'], ip: ['2001:db8::1'], uri: [] });

    // Assess
    expect(a).toEqual(b);
  });
});
