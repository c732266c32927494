import { X509Certificate } from 'node:crypto';
import { buildCertificate, generateKeyPair, parseCsr, randomSerialNumber, type CertificateSigner } from '../../src/crypto/index.js';
import type { KeyMaterial } from '../../src/ports/key-store.port.js';

const noNames = { dns: [], ip: [], uri: [] };
const DAY = 86_400_000;

/** A root and an intermediate, for fakes of CAs (Private CA) and for bundles in tests. */
export class TestCa {
  readonly rootPem: string;
  readonly intermediatePem: string;
  private readonly signer: CertificateSigner;

  constructor(label = 'Test', now = new Date()) {
    const root = generateKeyPair('EC_P256');
    const rootName = { commonName: `${label} Root CA`, organization: 'certflow tests' };
    this.rootPem = buildCertificate({
      subjectPublicKey: root.publicKey, subjectCommonName: rootName.commonName, subjectOrganization: rootName.organization,
      issuer: 'self', subjectPrivateKey: root.privateKey, serialNumber: randomSerialNumber(),
      notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 3650 * DAY), names: noNames, isCA: true,
    });
    const intermediate = generateKeyPair('EC_P256');
    const name = { commonName: `${label} Intermediate CA`, organization: 'certflow tests' };
    this.intermediatePem = buildCertificate({
      subjectPublicKey: intermediate.publicKey, subjectCommonName: name.commonName, subjectOrganization: name.organization,
      issuer: { ...rootName, privateKey: root.privateKey, publicKey: root.publicKey }, serialNumber: randomSerialNumber(),
      notBefore: new Date(now.getTime() - DAY), notAfter: new Date(now.getTime() + 1825 * DAY), names: noNames, isCA: true, pathLength: 0,
    });
    this.signer = { ...name, privateKey: intermediate.privateKey, publicKey: intermediate.publicKey };
  }

  /** Signs a CSR as the intermediate, as a CA would: names from the CSR, validity as asked. */
  sign(csrPem: string, notBefore: Date, notAfter: Date): string {
    const csr = parseCsr(csrPem);
    return buildCertificate({
      subjectPublicKey: csr.publicKey, ...(csr.commonName ? { subjectCommonName: csr.commonName } : {}),
      issuer: this.signer, serialNumber: randomSerialNumber(), notBefore, notAfter, names: csr.names, isCA: false,
    });
  }
}

let shared: TestCa | undefined;

/** A real certificate, chain and key for `name`, signed by a shared test CA. */
export function aBundle(name: string, days = 30): { material: Required<KeyMaterial>; serialNumber: string; notAfter: Date; ca: TestCa } {
  shared ??= new TestCa();
  const key = generateKeyPair('EC_P256');
  const now = new Date();
  const certificatePem = buildCertificate({
    subjectPublicKey: key.publicKey, subjectCommonName: name, issuer: (shared as unknown as { signer: CertificateSigner }).signer,
    serialNumber: randomSerialNumber(), notBefore: new Date(now.getTime() - 60_000), notAfter: new Date(now.getTime() + days * DAY),
    names: { dns: [name], ip: [], uri: [] }, isCA: false,
  });
  const cert = new X509Certificate(certificatePem);
  return {
    material: { privateKeyPem: key.privateKeyPem, certificatePem, chainPem: shared.intermediatePem },
    serialNumber: cert.serialNumber,
    notAfter: new Date(cert.validTo),
    ca: shared,
  };
}
