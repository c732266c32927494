import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildCertificate, randomSerialNumber, serialNumberHex, type CertificateTemplate } from '../../../src/crypto/certificate-builder.js';
import { children, decode, decodeOid, Tag } from '../../../src/crypto/der.js';
import { generateKeyPair, keyIdentifier, subjectPublicKeyInfo } from '../../../src/crypto/keys.js';
import { pemToDer } from '../../../src/crypto/pem.js';
import { ErrorCodes } from '../../../src/domain/errors/index.js';

const NOW = new Date('2026-11-01T00:00:00Z');
const DAY = 86_400_000;
const caKey = generateKeyPair();
const signer = { commonName: 'Test CA', organization: 'certflow', privateKey: caKey.privateKey, publicKey: caKey.publicKey };

function aTemplate(overrides: Partial<CertificateTemplate> = {}): CertificateTemplate {
  return {
    subjectPublicKey: generateKeyPair().publicKey,
    subjectCommonName: 'www.example.com',
    issuer: signer,
    serialNumber: randomSerialNumber(),
    notBefore: NOW,
    notAfter: new Date(NOW.getTime() + 90 * DAY),
    names: { dns: ['www.example.com'], ip: [], uri: [] },
    isCA: false,
    ...overrides,
  };
}

/** extnID → critical, for the extensions of a certificate. */
function extensionsOf(pem: string): Map<string, boolean> {
  const [tbs] = children(decode(pemToDer(pem, 'CERTIFICATE')));
  const wrapper = children(tbs!).find((e) => e.tag === 0xa3)!;
  const out = new Map<string, boolean>();
  for (const extension of children(children(wrapper)[0]!)) {
    const [id, second] = children(extension);
    out.set(decodeOid(id!), second!.tag === Tag.BOOLEAN && second!.value[0] === 0xff);
  }
  return out;
}

describe('buildCertificate', () => {
  it('builds a leaf its issuer key verifies, with the leaf profile', () => {
    // Prepare
    const template = aTemplate();

    // Act
    const x509 = new X509Certificate(buildCertificate(template));

    // Assess
    expect(x509.verify(caKey.publicKey)).toBe(true);
    expect(x509.ca).toBe(false);
    expect(x509.issuer).toBe('O=certflow\nCN=Test CA');
    expect(x509.subject).toBe('CN=www.example.com');
    expect(x509.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(x509.serialNumber).toBe(serialNumberHex(template.serialNumber));
    expect(new Date(x509.validFrom)).toEqual(NOW);
    expect(Object.fromEntries(extensionsOf(x509.toString()))).toEqual({
      '2.5.29.19': true, '2.5.29.15': true, '2.5.29.37': false, '2.5.29.14': false, '2.5.29.35': false, '2.5.29.17': false,
    });
  });

  it('writes the subject key identifier and the issuer key identifier as RFC 5280 method 1', () => {
    // Prepare
    const template = aTemplate();

    // Act
    const der = pemToDer(buildCertificate(template), 'CERTIFICATE');

    // Assess
    const subjectKeyId = keyIdentifier(subjectPublicKeyInfo(template.subjectPublicKey));
    const issuerKeyId = keyIdentifier(subjectPublicKeyInfo(caKey.publicKey));
    expect(der.includes(Buffer.concat([Buffer.from([0x04, 0x14]), subjectKeyId]))).toBe(true);
    expect(der.includes(Buffer.concat([Buffer.from([0x80, 0x14]), issuerKeyId]))).toBe(true);
  });

  it('marks the SAN critical when the subject is empty', () => {
    // Act
    const pem = buildCertificate(aTemplate({ subjectCommonName: undefined }));

    // Assess
    expect(new X509Certificate(pem).subject ?? '').toBe('');
    expect(extensionsOf(pem).get('2.5.29.17')).toBe(true);
  });

  it('builds a self-signed CA with a path length', () => {
    // Prepare
    const root = generateKeyPair('EC_P384');

    // Act
    const x509 = new X509Certificate(
      buildCertificate(aTemplate({
        subjectPublicKey: root.publicKey, subjectPrivateKey: root.privateKey, subjectOrganization: 'certflow', subjectCommonName: 'Root',
        issuer: 'self', isCA: true, pathLength: 1, names: { dns: [], ip: [], uri: [] },
      })),
    );

    // Assess
    expect(x509.ca).toBe(true);
    expect(x509.subject).toBe('O=certflow\nCN=Root');
    expect(x509.checkIssued(x509)).toBe(true);
    expect(x509.verify(root.publicKey)).toBe(true);
    expect(extensionsOf(x509.toString()).has('2.5.29.37')).toBe(false);
  });

  it('writes GeneralizedTime for dates from 2050', () => {
    // Act
    const x509 = new X509Certificate(buildCertificate(aTemplate({ notAfter: new Date('2051-06-01T00:00:00Z') })));

    // Assess
    expect(new Date(x509.validTo).toISOString()).toBe('2051-06-01T00:00:00.000Z');
  });

  it('keeps serials with a leading zero byte consistent with X509Certificate', () => {
    // Prepare
    const serial = Buffer.from('000a0102030405060708090a0b0c0d0e', 'hex');

    // Act
    const x509 = new X509Certificate(buildCertificate(aTemplate({ serialNumber: serial })));

    // Assess
    expect(x509.serialNumber).toBe(serialNumberHex(serial));
    expect(serialNumberHex(serial)).toBe('0A0102030405060708090A0B0C0D0E');
  });

  it.each([
    ['a zero serial', { serialNumber: Buffer.alloc(16) }],
    ['a serial over 20 octets', { serialNumber: Buffer.alloc(21, 1) }],
    ['notAfter before notBefore', { notAfter: new Date(NOW.getTime() - 1) }],
    ['a self-signed template without its private key', { issuer: 'self' as const }],
    ['a common name over 64 characters', { subjectCommonName: `${'a'.repeat(60)}.example.com` }],
  ])('rejects %s as INPUT.INVALID', (_, overrides) => {
    // Act
    const act = () => buildCertificate(aTemplate(overrides));

    // Assess
    expect(act).toThrow(expect.objectContaining({ code: ErrorCodes.INPUT_INVALID }));
  });
});

describe('randomSerialNumber', () => {
  it('gives distinct positive 16-byte serials', () => {
    // Act
    const serials = Array.from({ length: 1000 }, () => randomSerialNumber());

    // Assess
    expect(new Set(serials.map((s) => s.toString('hex'))).size).toBe(1000);
    expect(serials.every((s) => s.length === 16 && s[0]! < 0x80 && s.some((b) => b !== 0))).toBe(true);
  });
});
