import { X509Certificate, createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { emailsOf } from '../domain/certificate.js';
import { CertflowError, ErrorCodes, isCertflowError } from '../domain/errors/index.js';
import { children, decode, Tag, type DerElement } from './der.js';
import { keyAlgorithmOf } from './keys.js';
import { parsePemBlocks, toPem } from './pem.js';
import { parseCsr } from './csr.js';
import { parseSubjectAltName } from './names.js';

/**
 * What `certflow inspect` reports about PEM or DER files: each certificate, CSR and key, whether
 * each key matches each certificate, and what is wrong with the order of a chain. Pure reading.
 */

export interface Where {
  readonly file: string;
  /** 1-based position in the file. */
  readonly index: number;
}

export interface InspectedCertificate extends Where {
  readonly kind: 'certificate';
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly names: { readonly dns: readonly string[]; readonly ip: readonly string[]; readonly uri: readonly string[]; readonly email: readonly string[] };
  readonly keyAlgorithm: string;
  readonly isCA: boolean;
  readonly selfSigned: boolean;
  readonly fingerprintSha1: string;
  readonly fingerprintSha256: string;
  readonly publicKeySha256: string;
  /** The ACME Renewal Information CertID (RFC 9773): base64url(AKI keyIdentifier) "." base64url(serial); null without an AKI. */
  readonly ariCertId: string | null;
}

export interface InspectedCsr extends Where {
  readonly kind: 'csr';
  readonly commonName: string | null;
  readonly names: { readonly dns: readonly string[]; readonly ip: readonly string[]; readonly uri: readonly string[]; readonly email: readonly string[] };
  readonly keyAlgorithm: string;
  readonly signatureValid: boolean;
  readonly publicKeySha256: string;
}

export interface InspectedKey extends Where {
  readonly kind: 'private-key' | 'public-key';
  readonly keyAlgorithm: string;
  readonly publicKeySha256: string;
}

export type InspectedItem = InspectedCertificate | InspectedCsr | InspectedKey;

export interface Inspection {
  readonly items: readonly InspectedItem[];
  /** For every private key and certificate given together: does the key belong to it? */
  readonly keyMatches: readonly { readonly key: Where; readonly certificate: Where; readonly matches: boolean }[];
  /** Problems of the certificates taken as one chain, leaf first, in the order given. */
  readonly chainProblems: readonly string[];
  /** The certificates read, in order (for further checks such as Roles Anywhere's); not part of the report. */
  readonly certificates: readonly { readonly where: Where; readonly x509: X509Certificate }[];
}

const b64url = (b: Buffer) => b.toString('base64url');
const spkiSha256 = (key: KeyObject) => createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');

function describeKey(key: KeyObject): string {
  const known = keyAlgorithmOf(key);
  if (known !== 'OTHER') return known;
  const details = key.asymmetricKeyDetails;
  return `${key.asymmetricKeyType ?? 'unknown'}${details?.modulusLength ? `_${details.modulusLength.toString()}` : ''}${details?.namedCurve ? `_${details.namedCurve}` : ''}`;
}

/** Serial (raw INTEGER content) and AKI keyIdentifier, read from the certificate's DER. */
function serialAndAki(der: Buffer): { serial: Buffer; aki?: Buffer } {
  const [tbs] = children(decode(der));
  const fields = children(tbs as DerElement);
  let i = 0;
  if (fields[0]?.tag === 0xa0) i++;
  const serial = Buffer.from(fields[i]!.value);
  const extensions = fields.find((f) => f.tag === 0xa3);
  if (!extensions) return { serial };
  for (const ext of children(children(extensions)[0]!)) {
    const parts = children(ext);
    const oid = parts[0]!;
    // 2.5.29.35 authorityKeyIdentifier
    if (oid.value.equals(Buffer.from([0x55, 0x1d, 0x23]))) {
      const octets = parts[parts.length - 1]!;
      if (octets.tag !== Tag.OCTET_STRING) return { serial };
      const keyId = children(decode(Buffer.from(octets.value))).find((e) => e.tag === 0x80);
      return keyId ? { serial, aki: Buffer.from(keyId.value) } : { serial };
    }
  }
  return { serial };
}

function certificateItem(where: Where, der: Buffer): { item: InspectedCertificate; x509: X509Certificate } {
  const x509 = new X509Certificate(der);
  const { serial, aki } = serialAndAki(der);
  const names = parseSubjectAltName(x509.subjectAltName);
  return {
    x509,
    item: {
      kind: 'certificate',
      ...where,
      subject: x509.subject.replace(/\n/g, ', '),
      issuer: x509.issuer.replace(/\n/g, ', '),
      serialNumber: x509.serialNumber,
      notBefore: new Date(x509.validFrom),
      notAfter: new Date(x509.validTo),
      names: { dns: [...names.dns], ip: [...names.ip], uri: [...names.uri], email: [...emailsOf(names)] },
      keyAlgorithm: describeKey(x509.publicKey),
      isCA: x509.ca,
      selfSigned: x509.subject === x509.issuer && x509.verify(x509.publicKey),
      fingerprintSha1: x509.fingerprint,
      fingerprintSha256: x509.fingerprint256,
      publicKeySha256: spkiSha256(x509.publicKey),
      ariCertId: aki ? `${b64url(aki)}.${b64url(serial)}` : null,
    },
  };
}

function csrItem(where: Where, der: Buffer): InspectedCsr {
  const pem = toPem('CERTIFICATE REQUEST', der);
  try {
    const csr = parseCsr(pem);
    return { kind: 'csr', ...where, commonName: csr.commonName ?? null, names: { dns: [...csr.names.dns], ip: [...csr.names.ip], uri: [...csr.names.uri], email: [...emailsOf(csr.names)] }, keyAlgorithm: describeKey(csr.publicKey), signatureValid: true, publicKeySha256: spkiSha256(csr.publicKey) };
  } catch (error) {
    if (isCertflowError(error) && error.code === ErrorCodes.CSR_SIGNATURE_INVALID) {
      return { kind: 'csr', ...where, commonName: null, names: { dns: [], ip: [], uri: [], email: [] }, keyAlgorithm: 'unknown', signatureValid: false, publicKeySha256: '' };
    }
    throw error;
  }
}

function keyItem(where: Where, kind: 'private-key' | 'public-key', key: KeyObject): { item: InspectedKey; key: KeyObject } {
  const pub = kind === 'private-key' ? createPublicKey(key) : key;
  return { key, item: { kind, ...where, keyAlgorithm: describeKey(pub), publicKeySha256: spkiSha256(pub) } };
}

const KEY_LABELS = new Set(['PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY']);

/** Inspects the given files (name and content); PEM.MALFORMED for anything it cannot read. */
export function inspectFiles(files: readonly { readonly name: string; readonly content: Buffer }[]): Inspection {
  const items: InspectedItem[] = [];
  const certificates: { where: Where; x509: X509Certificate }[] = [];
  const privateKeys: { where: Where; key: KeyObject }[] = [];
  for (const { name, content } of files) {
    const text = content.toString('latin1');
    const blocks = text.includes('-----BEGIN ') ? parsePemBlocks(text).map((b) => ({ label: b.label, der: b.der })) : [{ label: undefined, der: content }];
    blocks.forEach(({ label, der }, i) => {
      const where = { file: name, index: i + 1 };
      const asCertificate = () => {
        const { item, x509 } = certificateItem(where, der);
        items.push(item);
        certificates.push({ where, x509 });
      };
      const asPrivateKey = (pem?: string) => {
        const { item, key } = keyItem(where, 'private-key', pem ? createPrivateKey(pem) : createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
        items.push(item);
        privateKeys.push({ where, key });
      };
      try {
        if (label === 'CERTIFICATE') asCertificate();
        else if (label === 'CERTIFICATE REQUEST' || label === 'NEW CERTIFICATE REQUEST') items.push(csrItem(where, der));
        else if (label !== undefined && KEY_LABELS.has(label)) asPrivateKey(toPem(label, der));
        else if (label === 'PUBLIC KEY') items.push(keyItem(where, 'public-key', createPublicKey({ key: der, format: 'der', type: 'spki' })).item);
        else if (label !== undefined) throw new CertflowError(ErrorCodes.PEM_MALFORMED, `${name}: block ${where.index.toString()} is a ${label}, which inspect does not read`);
        else {
          // DER: whichever reading succeeds first.
          const attempts = [asCertificate, () => asPrivateKey(), () => items.push(csrItem(where, der)), () => items.push(keyItem(where, 'public-key', createPublicKey({ key: der, format: 'der', type: 'spki' })).item)];
          if (!attempts.some((attempt) => tryIt(attempt))) throw new CertflowError(ErrorCodes.PEM_MALFORMED, `${name} is neither PEM nor a DER certificate, CSR or key`);
        }
      } catch (error) {
        if (isCertflowError(error)) throw error;
        throw new CertflowError(ErrorCodes.PEM_MALFORMED, `${name}: block ${where.index.toString()}${label ? ` (${label})` : ''} cannot be read`, { cause: error });
      }
    });
  }
  const keyMatches = privateKeys.flatMap((k) => certificates.map((c) => ({ key: k.where, certificate: c.where, matches: c.x509.checkPrivateKey(k.key) })));
  return { items, keyMatches, chainProblems: chainProblems(certificates), certificates };
}

function tryIt(attempt: () => unknown): boolean {
  try {
    attempt();
    return true;
  } catch {
    return false;
  }
}

const label = (c: { where: Where; x509: X509Certificate }) => `${c.where.file}#${c.where.index.toString()} (${c.x509.subject.replace(/\n/g, ', ')})`;

/** Each certificate must be issued (and signed) by the one after it; a self-signed root may end the chain. */
function chainProblems(certs: readonly { where: Where; x509: X509Certificate }[]): string[] {
  const problems: string[] = [];
  for (let i = 0; i + 1 < certs.length; i++) {
    const child = certs[i]!;
    const parent = certs[i + 1]!;
    if (!(child.x509.checkIssued(parent.x509) && child.x509.verify(parent.x509.publicKey))) {
      const actual = certs.findIndex((c) => child.x509.checkIssued(c.x509) && child.x509.verify(c.x509.publicKey));
      problems.push(
        actual >= 0 && actual !== i
          ? `${label(child)} is issued by ${label(certs[actual]!)}, which should come right after it`
          : `${label(parent)} did not issue ${label(child)}: the chain is out of order or incomplete`,
      );
    }
  }
  certs.forEach((c, i) => {
    if (i > 0 && !c.x509.ca) problems.push(`${label(c)} is not a CA certificate but is not first in the chain`);
  });
  return problems;
}
