import { buildCertificate, generateKeyPair, randomSerialNumber, type CertificateSigner } from '../../src/crypto/index.js';
import type { KeyAlgorithm } from '../../src/domain/certificate.js';

const DAY = 86_400_000;

export interface TestCa {
  readonly signer: CertificateSigner;
  readonly pem: string;
  readonly privateKeyPem: string;
}

/** A CA (root when `issuer` is omitted, else an intermediate signed by it). */
export function aCa(commonName: string, issuer?: TestCa, now = new Date()): TestCa {
  const keys = generateKeyPair('EC_P256');
  const signer: CertificateSigner = { commonName, privateKey: keys.privateKey, publicKey: keys.publicKey };
  const pem = buildCertificate({
    subjectPublicKey: keys.publicKey,
    subjectCommonName: commonName,
    issuer: issuer ? issuer.signer : 'self',
    subjectPrivateKey: keys.privateKey,
    serialNumber: randomSerialNumber(),
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + 3650 * DAY),
    names: { dns: [], ip: [], uri: [] },
    isCA: true,
  });
  return { signer, pem, privateKeyPem: keys.privateKeyPem };
}

export interface TestLeaf {
  readonly pem: string;
  readonly privateKeyPem: string;
}

/** A server certificate for `dns` names, signed by `issuer` (or self-signed), valid over the given window. */
export function aLeaf(options: {
  dns: readonly string[];
  ip?: readonly string[];
  issuer?: TestCa;
  notBefore?: Date;
  notAfter?: Date;
  keyAlgorithm?: KeyAlgorithm;
  now?: Date;
}): TestLeaf {
  const now = options.now ?? new Date();
  const keys = generateKeyPair(options.keyAlgorithm ?? 'EC_P256');
  const pem = buildCertificate({
    subjectPublicKey: keys.publicKey,
    subjectCommonName: options.dns[0] ?? 'leaf',
    issuer: options.issuer ? options.issuer.signer : 'self',
    subjectPrivateKey: keys.privateKey,
    serialNumber: randomSerialNumber(),
    notBefore: options.notBefore ?? new Date(now.getTime() - DAY),
    notAfter: options.notAfter ?? new Date(now.getTime() + 90 * DAY),
    names: { dns: [...options.dns], ip: [...(options.ip ?? [])], uri: [] },
    isCA: false,
  });
  return { pem, privateKeyPem: keys.privateKeyPem };
}
