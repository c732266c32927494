import { describe, expect, it } from 'vitest';
import { parsePemBlocks, pemToDer, splitPemChain, toPem } from '../../../src/crypto/pem.js';
import { ErrorCodes } from '../../../src/domain/errors/index.js';
import { thrown } from '../../support/thrown.js';

const der = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
const secret = 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg';

describe('toPem', () => {
  it('wraps base64 at 64 characters and ends with a newline', () => {
    // Act
    const pem = toPem('CERTIFICATE', der);

    // Assess
    const lines = pem.split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines[1]).toHaveLength(64);
    expect(lines.at(-2)).toBe('-----END CERTIFICATE-----');
    expect(pem.endsWith('\n')).toBe(true);
  });
});

describe('parsePemBlocks', () => {
  it('returns every block in order and ignores text between them', () => {
    // Prepare
    const text = `subject=CN = a\n${toPem('CERTIFICATE', der)}Bag Attributes\r\n${toPem('PRIVATE KEY', der.subarray(0, 10))}`;

    // Act
    const blocks = parsePemBlocks(text);

    // Assess
    expect(blocks.map((b) => b.label)).toEqual(['CERTIFICATE', 'PRIVATE KEY']);
    expect(blocks[0]!.der.equals(der)).toBe(true);
    expect(blocks[1]!.der.equals(der.subarray(0, 10))).toBe(true);
  });

  it.each([
    ['no block', 'hello world'],
    ['a block with no END line', `-----BEGIN PRIVATE KEY-----\n${secret}\n`],
    ['mismatched labels', `-----BEGIN PRIVATE KEY-----\n${secret}\n-----END CERTIFICATE-----\n`],
    ['a body that is not base64', `-----BEGIN PRIVATE KEY-----\n${secret}!!\n-----END PRIVATE KEY-----\n`],
    ['a body with a bad length', `-----BEGIN PRIVATE KEY-----\n${secret}A\n-----END PRIVATE KEY-----\n`],
    ['an empty body', '-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n'],
    ['legacy encryption headers', `-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\n${secret}\n-----END EC PRIVATE KEY-----\n`],
  ])('rejects %s as PEM.MALFORMED without echoing the input', (_, text) => {
    // Act
    const error = thrown(() => parsePemBlocks(text));

    // Assess
    expect(error.code).toBe(ErrorCodes.PEM_MALFORMED);
    expect(error.message).not.toContain(secret.slice(0, 16));
    expect(error.message).not.toContain('hello');
  });
});

describe('pemToDer', () => {
  it('picks the first block with a wanted label', () => {
    // Prepare
    const text = toPem('PRIVATE KEY', Buffer.from([1])) + toPem('CERTIFICATE', der);

    // Act
    const found = pemToDer(text, 'CERTIFICATE');

    // Assess
    expect(found.equals(der)).toBe(true);
  });

  it('throws PEM.MALFORMED when no block has a wanted label', () => {
    // Act
    const error = thrown(() => pemToDer(toPem('PRIVATE KEY', der), 'CERTIFICATE'));

    // Assess
    expect(error.code).toBe(ErrorCodes.PEM_MALFORMED);
    expect(error.message).toBe('no CERTIFICATE PEM block found');
  });
});

describe('splitPemChain', () => {
  it('splits a chain into normalised certificates', () => {
    // Prepare
    const chain = toPem('CERTIFICATE', der).replace(/\n/g, '\r\n') + '\n\n' + toPem('CERTIFICATE', der.subarray(1));

    // Act
    const parts = splitPemChain(chain);

    // Assess
    expect(parts).toEqual([toPem('CERTIFICATE', der), toPem('CERTIFICATE', der.subarray(1))]);
  });

  it('treats blank text as an empty chain', () => {
    // Act
    const parts = splitPemChain(' \n');

    // Assess
    expect(parts).toEqual([]);
  });

  it('rejects a chain holding a private key', () => {
    // Act
    const error = thrown(() => splitPemChain(toPem('CERTIFICATE', der) + toPem('PRIVATE KEY', der)));

    // Assess
    expect(error.code).toBe(ErrorCodes.PEM_MALFORMED);
    expect(error.message).toBe('PEM block 2 of the chain is a PRIVATE KEY, not a CERTIFICATE');
  });
});
