import { randomFillSync, sign, type KeyObject } from 'node:crypto';
import type { SubjectNames } from '../domain/certificate.js';
import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import { OID, type SignatureScheme } from './algorithms.js';
import { bitString, boolean, explicit, implicit, integer, namedBits, octetString, oid, sequence, time } from './der.js';
import { keyIdentifier, signatureSchemeOf, subjectPublicKeyInfo } from './keys.js';
import { countNames, encodeGeneralNames } from './names.js';
import { toPem } from './pem.js';
import { encodeName } from './x509-name.js';

/** Key usage bits (RFC 5280 §4.2.1.3). */
export type KeyUsage = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement' | 'keyCertSign' | 'cRLSign';
/** Extended key usage purposes (RFC 5280 §4.2.1.12). */
export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth' | 'codeSigning' | 'emailProtection' | 'timeStamping' | 'OCSPSigning';

const KEY_USAGE_BIT: Readonly<Record<KeyUsage, number>> = {
  digitalSignature: 0, nonRepudiation: 1, keyEncipherment: 2, dataEncipherment: 3, keyAgreement: 4, keyCertSign: 5, cRLSign: 6,
};
const EKU_OID: Readonly<Record<ExtendedKeyUsage, string>> = {
  serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2', codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4', timeStamping: '1.3.6.1.5.5.7.3.8', OCSPSigning: '1.3.6.1.5.5.7.3.9',
};

/** The CA that signs: its subject attributes (written as the issuer name) and its key pair. */
export interface CertificateSigner {
  readonly commonName: string;
  readonly organization?: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** Everything a certificate says. Omitted usages default to the leaf or CA profile. */
export interface CertificateTemplate {
  readonly subjectPublicKey: KeyObject;
  /** Omit for an empty subject (the SAN extension then becomes critical). */
  readonly subjectCommonName?: string;
  readonly subjectOrganization?: string;
  /** `'self'` makes a self-signed certificate; `subjectPrivateKey` is then required. */
  readonly issuer: CertificateSigner | 'self';
  readonly subjectPrivateKey?: KeyObject;
  /** Unsigned big-endian; see {@link randomSerialNumber}. */
  readonly serialNumber: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly names: SubjectNames;
  readonly isCA: boolean;
  readonly pathLength?: number;
  /** Default: CAs keyCertSign+cRLSign; leaves digitalSignature, plus keyEncipherment for RSA keys. */
  readonly keyUsage?: readonly KeyUsage[];
  /** Default: none for CAs; serverAuth+clientAuth for leaves. */
  readonly extendedKeyUsage?: readonly ExtendedKeyUsage[];
}

// One CSPRNG call per 256 serials instead of one per serial.
const randomPool = Buffer.alloc(4096);
let randomOffset = randomPool.length;

function randomChunk(length: number): Buffer {
  if (randomOffset + length > randomPool.length) {
    randomFillSync(randomPool);
    randomOffset = 0;
  }
  const chunk = Buffer.from(randomPool.subarray(randomOffset, randomOffset + length));
  randomOffset += length;
  return chunk;
}

/** A positive 128-bit serial (top bit cleared), never zero. */
export function randomSerialNumber(): Buffer {
  for (;;) {
    const serial = randomChunk(16);
    serial[0]! &= 0x7f;
    if (serial.some((b) => b !== 0)) return serial;
  }
}

/** Serial as certflow reports it: upper-case hex of the positive value, whole bytes, as X509Certificate.serialNumber. */
export function serialNumberHex(serial: Buffer): string {
  const start = serial.findIndex((b) => b !== 0);
  return start < 0 ? '00' : serial.subarray(start).toString('hex').toUpperCase();
}

interface SignerFacts {
  readonly name: Buffer;
  readonly keyId: Buffer;
  readonly scheme: SignatureScheme;
}

// The signer's name, key identifier and scheme are the same for every leaf it signs.
const signerCache = new WeakMap<KeyObject, SignerFacts & { readonly commonName: string; readonly organization?: string | undefined }>();

function signerFacts(signer: CertificateSigner): SignerFacts {
  const cached = signerCache.get(signer.privateKey);
  if (cached && cached.commonName === signer.commonName && cached.organization === signer.organization) return cached;
  const facts = {
    commonName: signer.commonName,
    organization: signer.organization,
    name: encodeName({ organization: signer.organization, commonName: signer.commonName }),
    keyId: keyIdentifier(subjectPublicKeyInfo(signer.publicKey)),
    scheme: signatureSchemeOf(signer.privateKey),
  };
  signerCache.set(signer.privateKey, facts);
  return facts;
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

function defaultKeyUsage(template: CertificateTemplate): readonly KeyUsage[] {
  if (template.isCA) return ['keyCertSign', 'cRLSign'];
  return template.subjectPublicKey.asymmetricKeyType === 'rsa' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'];
}

function extensions(template: CertificateTemplate, subjectKeyId: Buffer, issuerKeyId: Buffer, subjectEmpty: boolean): Buffer {
  const constraints = template.isCA
    ? sequence(boolean(true), ...(template.pathLength === undefined ? [] : [integer(template.pathLength)]))
    : sequence();
  const usage = template.keyUsage ?? defaultKeyUsage(template);
  const purposes = template.extendedKeyUsage ?? (template.isCA ? [] : ['serverAuth', 'clientAuth']);
  const hasNames = countNames(template.names) > 0;
  return sequence(
    extension(OID.basicConstraints, true, constraints),
    extension(OID.keyUsage, true, namedBits(usage.map((u) => KEY_USAGE_BIT[u]))),
    ...(purposes.length > 0 ? [extension(OID.extKeyUsage, false, sequence(...purposes.map((p) => oid(EKU_OID[p]))))] : []),
    extension(OID.subjectKeyIdentifier, false, octetString(subjectKeyId)),
    extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, issuerKeyId))),
    // RFC 5280 §4.2.1.6: the SAN must be critical when the subject is empty.
    ...(hasNames ? [extension(OID.subjectAltName, subjectEmpty, encodeGeneralNames(template.names))] : []),
  );
}

function invalid(message: string): CertflowError {
  return new CertflowError(ErrorCodes.INPUT_INVALID, message);
}

function checkTemplate(template: CertificateTemplate): void {
  const magnitude = template.serialNumber.subarray(template.serialNumber.findIndex((b) => b !== 0));
  if (!template.serialNumber.some((b) => b !== 0)) throw invalid('serial number must not be zero');
  if (magnitude.length > 20) throw invalid('serial number must fit in 20 octets');
  if (!(template.notAfter.getTime() > template.notBefore.getTime())) throw invalid('notAfter must be later than notBefore');
  if (template.issuer === 'self' && !template.subjectPrivateKey) throw invalid('a self-signed certificate needs subjectPrivateKey');
}

function selfSigner(template: CertificateTemplate): CertificateSigner {
  return {
    commonName: template.subjectCommonName ?? '',
    ...(template.subjectOrganization === undefined ? {} : { organization: template.subjectOrganization }),
    privateKey: template.subjectPrivateKey!,
    publicKey: template.subjectPublicKey,
  };
}

/** Builds and signs an X.509 v3 certificate; returns its PEM. Throws INPUT.INVALID for a bad template. */
export function buildCertificate(template: CertificateTemplate): string {
  return toPem('CERTIFICATE', buildCertificateDer(template));
}

/** {@link buildCertificate}, returning DER. */
export function buildCertificateDer(template: CertificateTemplate): Buffer {
  checkTemplate(template);
  const signer = template.issuer === 'self' ? selfSigner(template) : template.issuer;
  const { name: issuerName, keyId: issuerKeyId, scheme } = signerFacts(signer);
  const spki = subjectPublicKeyInfo(template.subjectPublicKey);
  const subjectName = encodeName({ organization: template.subjectOrganization, commonName: template.subjectCommonName });
  const subjectEmpty = !template.subjectOrganization && !template.subjectCommonName;
  const tbs = sequence(
    explicit(0, integer(2)),
    integer(template.serialNumber),
    scheme.algorithmIdentifier,
    issuerName,
    sequence(time(template.notBefore), time(template.notAfter)),
    subjectName,
    spki,
    explicit(3, extensions(template, keyIdentifier(spki), issuerKeyId, subjectEmpty)),
  );
  const signature = sign(scheme.hash, tbs, signer.privateKey);
  return sequence(tbs, scheme.algorithmIdentifier, bitString(signature));
}
