import { X509Certificate } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalCaIssuer } from '../../../src/adapters/local/local-ca/index.js';
import { createCsr, generateKeyPair } from '../../../src/crypto/index.js';
import type { CertificateUsage } from '../../../src/domain/certificate.js';
import { ErrorCodes } from '../../../src/domain/errors/index.js';
import type { IssuerStep } from '../../../src/ports/issuer.port.js';
import { aTempDir, anOrder, openssl, writeFiles } from './support.js';

const HOUR = 3_600_000;
let dir: ReturnType<typeof aTempDir>;
const now = new Date('2026-11-01T00:00:00Z');
let issuer: LocalCaIssuer;

beforeEach(() => {
  dir = aTempDir();
  issuer = new LocalCaIssuer({ dataDir: dir.path, clock: { now: () => now } }, 'local');
});

afterEach(() => {
  issuer.close();
  dir.remove();
});

function pemOf(step: IssuerStep): string {
  if (step.status !== 'issued') throw new Error(`expected issued, got ${step.status}: ${step.status === 'failed' ? step.error.message : ''}`);
  return step.certificate.certificatePem;
}

const noNames = { dns: [], ip: [], uri: [] };

describe('LocalCaIssuer usages', () => {
  it.each([
    ['server', 'EC_P256', 'TLS Web Server Authentication', 'Digital Signature'],
    ['server', 'RSA_2048', 'TLS Web Server Authentication', 'Digital Signature, Key Encipherment'],
    ['client', 'RSA_2048', 'TLS Web Client Authentication', 'Digital Signature'],
    ['both', 'RSA_2048', 'TLS Web Server Authentication, TLS Web Client Authentication', 'Digital Signature, Key Encipherment'],
  ] as const)('gives a %s certificate with a %s key the EKU %s and key usage %s', async (usage: CertificateUsage, keyAlgorithm, eku, ku) => {
    // Prepare
    const { order } = anOrder({ spec: { usage, keyAlgorithm, commonName: usage === 'server' ? 'www.example.com' : 'Build-Runner' } });
    // Act
    const pem = pemOf(await issuer.submit(order));
    // Assess
    writeFiles(dir.path, { 'leaf.pem': pem });
    const { output } = openssl(['x509', '-in', 'leaf.pem', '-noout', '-text'], dir.path);
    expect(output).toMatch(new RegExp(`Extended Key Usage: \\n\\s+${eku}\\n`));
    expect(output).toMatch(new RegExp(`Key Usage: critical\\n\\s+${ku}\\n`));
  });

  it('issues a client certificate with only a CN, kept with its case, for the hours asked', async () => {
    // Prepare
    const key = generateKeyPair('EC_P256');
    const { order } = anOrder({ key, spec: { usage: 'client', commonName: 'Build-Runner@ci', names: noNames, validityDays: undefined, validityHours: 24 } });
    // Act
    const cert = new X509Certificate(pemOf(await issuer.submit(order)));
    // Assess
    expect(cert.subject).toBe('CN=Build-Runner@ci');
    expect(cert.subjectAltName).toBeUndefined();
    expect(new Date(cert.validTo).getTime()).toBe(now.getTime() + 24 * HOUR);
  });

  it('refuses a client order whose CSR names another workload than the spec', async () => {
    // Prepare
    const key = generateKeyPair('EC_P256');
    const { order } = anOrder({ key, spec: { usage: 'client', commonName: 'build-runner', names: noNames } });
    const forged = { ...order, csrPem: createCsr(key.privateKey, { commonName: 'deploy-bot', names: noNames }) };
    // Act
    const step = await issuer.submit(forged);
    // Assess
    expect(step).toMatchObject({ status: 'failed', error: { code: ErrorCodes.ISSUER_REJECTED, message: 'the CSR common name differs from the client certificate spec common name' } });
  });
});
