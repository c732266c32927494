import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildCertificate, randomSerialNumber, type CertificateSigner } from '../../../src/crypto/certificate-builder.js';
import { readCertificateFacts, verifyBundle, type BundleToVerify } from '../../../src/crypto/inspect.js';
import { generateKeyPair, type GeneratedKeyPair } from '../../../src/crypto/keys.js';
import { toPem } from '../../../src/crypto/pem.js';
import type { KeyAlgorithm, SubjectNames } from '../../../src/domain/certificate.js';
import { ErrorCodes } from '../../../src/domain/errors/index.js';

const NOW = new Date('2026-11-01T00:00:00Z');
const DAY = 86_400_000;
const none: SubjectNames = { dns: [], ip: [], uri: [] };
const names: SubjectNames = { dns: ['www.example.com'], ip: ['10.0.0.1', '2001:db8::1'], uri: ['spiffe://example.com/www'] };

interface Pki {
  readonly rootPem: string;
  readonly intermediatePem: string;
  readonly signer: CertificateSigner;
}

function aPki(validDays = 3650): Pki {
  const root = generateKeyPair();
  const rootPem = buildCertificate({
    subjectPublicKey: root.publicKey, subjectPrivateKey: root.privateKey, subjectCommonName: 'Root', issuer: 'self',
    serialNumber: randomSerialNumber(), notBefore: NOW, notAfter: new Date(NOW.getTime() + validDays * DAY), names: none, isCA: true,
  });
  const ca = generateKeyPair();
  const intermediatePem = buildCertificate({
    subjectPublicKey: ca.publicKey, subjectCommonName: 'Intermediate', issuer: { commonName: 'Root', privateKey: root.privateKey, publicKey: root.publicKey },
    serialNumber: randomSerialNumber(), notBefore: NOW, notAfter: new Date(NOW.getTime() + validDays * DAY), names: none, isCA: true, pathLength: 0,
  });
  return { rootPem, intermediatePem, signer: { commonName: 'Intermediate', privateKey: ca.privateKey, publicKey: ca.publicKey } };
}

function aLeaf(pki: Pki, algorithm: KeyAlgorithm = 'EC_P256', leafNames: SubjectNames = names): { key: GeneratedKeyPair; pem: string } {
  const key = generateKeyPair(algorithm);
  const pem = buildCertificate({
    subjectPublicKey: key.publicKey, subjectCommonName: 'www.example.com', issuer: pki.signer, serialNumber: randomSerialNumber(),
    notBefore: NOW, notAfter: new Date(NOW.getTime() + 90 * DAY), names: leafNames, isCA: false,
  });
  return { key, pem };
}

const pki = aPki();

function aBundle(overrides: Partial<BundleToVerify> = {}): BundleToVerify {
  const leaf = aLeaf(pki);
  return {
    certificatePem: leaf.pem, chainPem: pki.intermediatePem, privateKeyPem: leaf.key.privateKeyPem, trustAnchorsPem: pki.rootPem,
    expectedNames: names, at: new Date(NOW.getTime() + DAY), ...overrides,
  };
}

describe('readCertificateFacts', () => {
  it('reads serial, names, dates, fingerprint and key algorithm', () => {
    // Prepare
    const { pem } = aLeaf(pki, 'EC_P384');
    const x509 = new X509Certificate(pem);

    // Act
    const facts = readCertificateFacts(pem + pki.intermediatePem);

    // Assess
    expect(facts).toEqual({
      serialNumber: x509.serialNumber,
      subject: 'CN=www.example.com',
      issuerName: 'CN=Intermediate',
      names: { dns: ['www.example.com'], ip: ['10.0.0.1', '2001:db8::1'], uri: ['spiffe://example.com/www'] },
      notBefore: NOW,
      notAfter: new Date(NOW.getTime() + 90 * DAY),
      fingerprintSha256: x509.fingerprint256,
      keyAlgorithm: 'EC_P384',
    });
    expect(facts.serialNumber).toMatch(/^[0-9A-F]{1,64}$/);
    expect(facts.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('reads URIs holding commas', () => {
    // Prepare
    const { pem } = aLeaf(pki, 'EC_P256', { dns: ['a.example.com'], ip: [], uri: ['https://x.example/a,b?c=d'] });

    // Act
    const facts = readCertificateFacts(pem);

    // Assess
    expect(facts.names.uri).toEqual(['https://x.example/a,b?c=d']);
  });

  it('throws PEM.MALFORMED for a CERTIFICATE block that is not a certificate', () => {
    // Act
    const act = () => readCertificateFacts(toPem('CERTIFICATE', Buffer.from('300302010a', 'hex')));

    // Assess
    expect(act).toThrow(expect.objectContaining({ code: ErrorCodes.PEM_MALFORMED }));
  });
});

describe('verifyBundle', () => {
  it('accepts a good bundle and returns its facts', () => {
    // Prepare
    const bundle = aBundle();

    // Act
    const result = verifyBundle(bundle);

    // Assess
    expect(result).toEqual({ ok: true, facts: readCertificateFacts(bundle.certificatePem) });
  });

  it('accepts the private key as a KeyObject and RSA leaves', () => {
    // Prepare
    const leaf = aLeaf(pki, 'RSA_2048');

    // Act
    const result = verifyBundle(aBundle({ certificatePem: leaf.pem, privateKeyPem: leaf.key.privateKey }));

    // Assess
    expect(result.ok).toBe(true);
  });

  it('accepts names given in another order and IP spelling', () => {
    // Act
    const result = verifyBundle(aBundle({ expectedNames: { dns: ['WWW.example.com'], ip: ['2001:DB8:0::1', '10.0.0.1'], uri: ['spiffe://example.com/www'] } }));

    // Assess
    expect(result.ok).toBe(true);
  });

  it.each<[string, () => Partial<BundleToVerify>, string]>([
    ['another key', () => ({ privateKeyPem: generateKeyPair().privateKeyPem }), 'private key does not match the certificate'],
    ['another key object', () => ({ privateKeyPem: generateKeyPair().privateKey }), 'private key does not match the certificate'],
    ['an unreadable key', () => ({ privateKeyPem: 'garbage' }), 'private key is unreadable'],
    ['a chain from another CA', () => ({ chainPem: aPki().intermediatePem }), 'certificate is not signed by the first chain certificate'],
    ['an anchor from another CA', () => ({ trustAnchorsPem: aPki().rootPem }), 'chain does not lead to a trust anchor'],
    ['a missing chain', () => ({ chainPem: '' }), 'certificate is not signed by a trust anchor'],
    ['a time after expiry', () => ({ at: new Date(NOW.getTime() + 91 * DAY) }), 'certificate is not valid at the verification time'],
    ['other names', () => ({ expectedNames: { dns: ['www.example.com'], ip: [], uri: [] } }), 'certificate names differ from the expected names'],
    ['a malformed certificate', () => ({ certificatePem: 'junk' }), 'certificate PEM is malformed: no PEM block found'],
    ['a malformed chain', () => ({ chainPem: 'junk' }), 'chain PEM is malformed: no PEM block found'],
    ['no trust anchor', () => ({ trustAnchorsPem: '' }), 'trust anchors PEM is malformed: no trust anchor given'],
  ])('rejects a bundle with %s', (_, overrides, reason) => {
    // Prepare
    const bundle = aBundle(overrides());

    // Act
    const result = verifyBundle(bundle);

    // Assess
    expect(result).toEqual({ ok: false, reason });
  });

  it('rejects a chain certificate that is not a CA', () => {
    // Prepare
    const notCa = aLeaf(pki).pem;

    // Act
    const result = verifyBundle(aBundle({ chainPem: notCa }));

    // Assess
    expect(result).toEqual({ ok: false, reason: 'chain certificate 1 is not a CA' });
  });

  it('rejects an expired intermediate', () => {
    // Prepare
    const shortLived = aPki(30);
    const leaf = aLeaf(shortLived);

    // Act
    const result = verifyBundle(aBundle({
      certificatePem: leaf.pem, privateKeyPem: leaf.key.privateKeyPem, chainPem: shortLived.intermediatePem,
      trustAnchorsPem: shortLived.rootPem, at: new Date(NOW.getTime() + 45 * DAY),
    }));

    // Assess
    expect(result).toEqual({ ok: false, reason: 'chain certificate 1 is not valid at the verification time' });
  });
});
