import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { discovered } from '../../src/app/lifecycle-events.js';
import type { CertificateRecord } from '../../src/app/records.js';
import { buildCertificate, generateKeyPair, parsePemBlocks, pemToDer, randomSerialNumber, readCertificateFacts, toPem } from '../../src/crypto/index.js';
import { formatIssues, validateDetail } from '../../src/domain/events/validate.js';
import { outcomeOf, RUNS } from './support.js';

const NOW = new Date('2026-11-01T00:00:00Z');
const key = generateKeyPair();
const VALID_PEM = buildCertificate({
  subjectPublicKey: key.publicKey, subjectPrivateKey: key.privateKey, subjectCommonName: 'pem.example.com', issuer: 'self',
  serialNumber: randomSerialNumber(), notBefore: NOW, notAfter: new Date(NOW.getTime() + 30 * 86_400_000),
  names: { dns: ['pem.example.com', 'b.example.com'], ip: ['10.0.0.1', '2001:db8::1'], uri: ['spiffe://td/x'] }, isCA: false,
});
const VALID_DER = pemToDer(VALID_PEM, 'CERTIFICATE');

/** The valid DER with bytes flipped, cut, or spliced in: what a corrupted or hostile file holds. */
const mutatedDer = fc
  .tuple(
    fc.array(fc.tuple(fc.nat(VALID_DER.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    fc.option(fc.nat(VALID_DER.length), { nil: undefined }),
    fc.option(fc.tuple(fc.nat(VALID_DER.length), fc.uint8Array({ maxLength: 40 })), { nil: undefined }),
  )
  .map(([flips, cut, splice]) => {
    let der = Buffer.from(VALID_DER);
    for (const [at, byte] of flips) der[at] = byte;
    if (splice) der = Buffer.concat([der.subarray(0, splice[0]), Buffer.from(splice[1]), der.subarray(splice[0])]);
    if (cut !== undefined) der = der.subarray(0, cut);
    return der;
  });

/** PEM-looking text: armour lines, base64 and noise in any order. */
const pemText = fc
  .array(
    fc.oneof(
      fc.constantFrom('-----BEGIN CERTIFICATE-----', '-----END CERTIFICATE-----', '-----BEGIN PRIVATE KEY-----', '-----END PRIVATE KEY-----', '-----BEGIN -----', VALID_PEM, '\r', '===='),
      fc.base64String({ maxLength: 120 }),
      fc.string({ maxLength: 40 }),
    ),
    { maxLength: 12 },
  )
  .map((lines) => lines.join('\n'));

describe('PEM files (property tier)', () => {
  it(`parses any PEM-looking text to blocks or PEM.MALFORMED, and reads any block or PEM.MALFORMED (${RUNS.pemText.toString()} cases)`, () => {
    fc.assert(
      fc.property(pemText, (text) => {
        const outcome = outcomeOf(() => {
          for (const block of parsePemBlocks(text)) if (block.label === 'CERTIFICATE') readCertificateFacts(block.der);
        });
        expect(['ok', 'PEM.MALFORMED']).toContain(outcome);
      }),
      { numRuns: RUNS.pemText },
    );
  });

  it(`reads a corrupted certificate as facts or PEM.MALFORMED, and its facts always make a valid event (${RUNS.pemMutations.toString()} cases)`, () => {
    fc.assert(
      fc.property(mutatedDer, (der) => {
        let facts: ReturnType<typeof readCertificateFacts> | undefined;
        const outcome = outcomeOf(() => (facts = readCertificateFacts(toPem('CERTIFICATE', der))));
        expect(['ok', 'PEM.MALFORMED']).toContain(outcome);
        if (!facts) return;
        const record: CertificateRecord = { id: 'file-1', origin: 'file', locator: '/certs/a.pem', revision: 0, firstSeenAt: NOW, lastSeenAt: NOW };
        const result = validateDetail('Certificate Discovered', discovered(record, facts, NOW).detail);
        expect(result.ok ? [] : formatIssues(result.issues)).toEqual([]);
      }),
      { numRuns: RUNS.pemMutations },
    );
  });
});

describe('PEM files (regressions the property tier found)', () => {
  it.each([
    ['a public key that cannot be decoded', (der: Buffer) => der.indexOf(Buffer.from([0x03, 0x42, 0x00, 0x04])) + 3],
    ['a notBefore that is not a date', (der: Buffer) => der.indexOf(Buffer.from([0x17, 0x0d])) + 2],
  ])('reads a certificate with %s as PEM.MALFORMED', (_what, at) => {
    // Prepare
    const der = Buffer.from(VALID_DER);
    der[at(der)] = 0;
    // Act
    const outcome = outcomeOf(() => readCertificateFacts(toPem('CERTIFICATE', der)));
    // Assess
    expect(outcome).toBe('PEM.MALFORMED');
  });
});
