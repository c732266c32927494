import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KeyAlgorithm } from '../../../src/domain/certificate.js';
import { parseCertificateDer } from '../../../src/crypto/certificate-parser.js';
import { buildCertificate, generateKeyPair, pemToDer, randomSerialNumber, readCertificateFacts } from '../../../src/crypto/index.js';
import { thrown } from '../../support/thrown.js';

const names = { dns: ['api.example.com', 'www.example.com'], ip: ['10.0.0.1', '2001:db8::1'], uri: ['spiffe://example.com/api'] };

function aCertificate(algorithm: KeyAlgorithm, issuerAlgorithm: KeyAlgorithm = 'EC_P256'): string {
  const ca = generateKeyPair(issuerAlgorithm);
  const leaf = generateKeyPair(algorithm);
  return buildCertificate({
    subjectPublicKey: leaf.publicKey,
    subjectCommonName: 'api.example.com',
    subjectOrganization: 'certflow test',
    issuer: { commonName: 'certflow test CA', organization: 'certflow test', privateKey: ca.privateKey, publicKey: ca.publicKey },
    serialNumber: randomSerialNumber(),
    notBefore: new Date('2026-11-01T00:00:00Z'),
    notAfter: new Date('2051-02-01T12:30:45Z'),
    names,
    isCA: false,
  });
}

describe('parseCertificateDer', () => {
  it.each(['EC_P256', 'EC_P384', 'RSA_2048'] as const)('reads the same facts as node from a %s leaf', (algorithm) => {
    // Prepare
    const pem = aCertificate(algorithm, algorithm === 'RSA_2048' ? 'RSA_2048' : 'EC_P384');
    // Act
    const parsed = parseCertificateDer(pemToDer(pem, 'CERTIFICATE'));
    // Assess
    expect(parsed.facts).toEqual(readCertificateFacts(pem));
    expect(parsed.facts.keyAlgorithm).toBe(algorithm);
    expect(parsed.facts.notAfter.toISOString()).toBe('2051-02-01T12:30:45.000Z');
  });

  it('reads the same facts as node from a certificate openssl made', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'certflow-parse-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '30',
      '-subj', '/C=DE/O=Example/OU=Ops/CN=legacy.example.com',
      '-addext', 'subjectAltName=DNS:legacy.example.com,IP:192.168.1.1,IP:::1,URI:https://example.com/x',
      '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'),
    ], { stdio: 'ignore' });
    const pem = readFileSync(join(dir, 'c.pem'), 'utf8');
    // Act
    const parsed = parseCertificateDer(pemToDer(pem, 'CERTIFICATE'));
    // Assess
    expect(parsed.facts).toEqual(readCertificateFacts(pem));
  });

  it('refuses bytes that are not a certificate with PEM.MALFORMED', () => {
    // Prepare
    const der = pemToDer(aCertificate('EC_P256'), 'CERTIFICATE');
    // Act
    const truncated = thrown(() => parseCertificateDer(der.subarray(0, der.length - 10)));
    const garbage = thrown(() => parseCertificateDer(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01])));
    // Assess
    expect(truncated).toMatchObject({ code: 'PEM.MALFORMED', message: 'CERTIFICATE block is not a valid X.509 certificate' });
    expect(garbage).toMatchObject({ code: 'PEM.MALFORMED' });
  });
});
