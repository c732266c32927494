import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { emptyNames, type KeyAlgorithm, type SubjectNames } from '../domain/certificate.js';
import { CertflowError, ErrorCodes, isCertflowError } from '../domain/errors/index.js';
import { OID, schemeForOid } from './algorithms.js';
import {
  bitString, children, decode, decodeBitString, decodeOid, decodeSmallInteger, expectTag, integer,
  octetString, oid, sequence, setOf, Tag, tlv, type DerElement,
} from './der.js';
import { keyAlgorithmOf, publicKeyOf, rememberSubjectPublicKeyInfo, signatureSchemeOf, subjectPublicKeyInfo } from './keys.js';
import { decodeGeneralNames, encodeGeneralNames } from './names.js';
import { pemToDer, toPem } from './pem.js';
import { decodeNameAttributes, encodeName } from './x509-name.js';

/** What a CSR asks for. */
export interface CsrSubject {
  readonly commonName: string;
  readonly names: SubjectNames;
}

/** A CSR whose self-signature has been verified. */
export interface ParsedCsr {
  readonly commonName?: string;
  readonly names: SubjectNames;
  readonly publicKey: KeyObject;
  readonly keyAlgorithm: KeyAlgorithm | 'OTHER';
  /** The SubjectPublicKeyInfo DER exactly as the CSR carries it. */
  readonly subjectPublicKeyInfo: Buffer;
}

const CSR_LABELS = ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'] as const;

// Importing a public key from DER costs ~150 µs under OpenSSL 3. In the local pipeline the CSR is
// parsed by the process that just made it, so the KeyObject it was made from is reused when the
// CSR carries byte-identical SPKI. The signature is still verified; only the import is skipped.
const recentKeys = new Map<string, KeyObject>();
const RECENT_KEYS_MAX = 1024;

function rememberKey(spki: Buffer, publicKey: KeyObject): void {
  if (recentKeys.size >= RECENT_KEYS_MAX) recentKeys.delete(recentKeys.keys().next().value!);
  recentKeys.set(spki.toString('latin1'), publicKey);
  rememberSubjectPublicKeyInfo(publicKey, spki);
}

function extensionRequest(names: SubjectNames): Buffer {
  const san = sequence(oid(OID.subjectAltName), octetString(encodeGeneralNames(names)));
  return sequence(oid(OID.extensionRequest), setOf(sequence(san)));
}

/**
 * A PKCS#10 CSR (PEM) signed by `privateKey`, with subject CN and a subjectAltName extension
 * request carrying the DNS names, IPs (v4 and v6), URIs and email addresses.
 */
export function createCsr(privateKey: KeyObject, subject: CsrSubject): string {
  const spki = subjectPublicKeyInfo(privateKey);
  const info = sequence(
    integer(0),
    encodeName({ commonName: subject.commonName || undefined }),
    spki,
    tlv(0xa0, extensionRequest(subject.names)),
  );
  const scheme = signatureSchemeOf(privateKey);
  const signature = sign(scheme.hash, info, privateKey);
  rememberKey(spki, publicKeyOf(privateKey));
  return toPem('CERTIFICATE REQUEST', sequence(info, scheme.algorithmIdentifier, bitString(signature)));
}

function malformed(message: string, cause?: unknown): CertflowError {
  return new CertflowError(ErrorCodes.CSR_MALFORMED, message, { cause });
}

function requestedNames(attributes: DerElement | undefined): SubjectNames {
  if (!attributes) return emptyNames;
  for (const attribute of children(attributes)) {
    const [type, values] = children(attribute);
    if (!type || decodeOid(type) !== OID.extensionRequest) continue;
    const extensions = children(expectTag(values, Tag.SET, 'extensionRequest values'))[0];
    for (const extension of children(expectTag(extensions, Tag.SEQUENCE, 'extensions'))) {
      const parts = children(extension);
      if (parts[0] && decodeOid(parts[0]) === OID.subjectAltName) {
        const value = expectTag(parts[parts.length - 1], Tag.OCTET_STRING, 'subjectAltName value').value;
        return decodeGeneralNames(decode(value));
      }
    }
  }
  return emptyNames;
}

interface CsrParts {
  readonly info: DerElement;
  readonly subject: DerElement;
  readonly spki: DerElement;
  readonly attributes: DerElement | undefined;
  readonly algorithm: string;
  readonly signature: Buffer;
}

function splitCsr(der: Buffer): CsrParts {
  const [info, algorithmId, signatureBits] = children(expectTag(decode(der), Tag.SEQUENCE, 'CertificationRequest'));
  const [version, subject, spki, attributes] = children(expectTag(info, Tag.SEQUENCE, 'CertificationRequestInfo'));
  if (decodeSmallInteger(expectTag(version, Tag.INTEGER, 'version')) !== 0) throw malformed('CSR version is not 1');
  const algorithm = decodeOid(expectTag(children(expectTag(algorithmId, Tag.SEQUENCE, 'signatureAlgorithm'))[0], Tag.OID, 'algorithm'));
  const signature = decodeBitString(expectTag(signatureBits, Tag.BIT_STRING, 'signature'));
  if (signature.unusedBits !== 0) throw malformed('CSR signature has unused bits');
  if (attributes && attributes.tag !== 0xa0) throw malformed('CSR attributes have an unexpected tag');
  return {
    info: info!,
    subject: expectTag(subject, Tag.SEQUENCE, 'subject'),
    spki: expectTag(spki, Tag.SEQUENCE, 'subjectPKInfo'),
    attributes,
    algorithm,
    signature: signature.bytes,
  };
}

function readCsrDer(pem: string): Buffer {
  try {
    return pemToDer(pem, ...CSR_LABELS);
  } catch (error) {
    throw malformed(`CSR is not valid PEM: ${isCertflowError(error) ? error.message : 'unreadable'}`, error);
  }
}

function importKey(spki: Buffer): KeyObject {
  const known = recentKeys.get(spki.toString('latin1'));
  if (known) return known;
  try {
    const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    rememberSubjectPublicKeyInfo(key, spki);
    return key;
  } catch (error) {
    throw malformed('CSR public key is not a supported key', error);
  }
}

function verifySignature(parts: CsrParts, publicKey: KeyObject): void {
  const scheme = schemeForOid(parts.algorithm);
  if (!scheme) throw malformed(`CSR signature algorithm ${parts.algorithm} is not supported`);
  if (scheme.keyType !== publicKey.asymmetricKeyType) throw malformed('CSR signature algorithm does not match its key type');
  let valid = false;
  try {
    valid = verify(scheme.hash, parts.info.raw, publicKey, parts.signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new CertflowError(ErrorCodes.CSR_SIGNATURE_INVALID, 'CSR signature does not verify against its public key');
}

/**
 * Parses a PEM PKCS#10 CSR and verifies its self-signature.
 * Throws CSR.MALFORMED for anything unreadable, CSR.SIGNATURE_INVALID when the signature fails.
 */
export function parseCsr(pem: string): ParsedCsr {
  const der = readCsrDer(pem);
  let parts: CsrParts;
  let commonName: string | undefined;
  let names: SubjectNames;
  try {
    parts = splitCsr(der);
    commonName = decodeNameAttributes(parts.subject).commonName;
    names = requestedNames(parts.attributes);
  } catch (error) {
    if (isCertflowError(error) && error.code === ErrorCodes.CSR_MALFORMED) throw error;
    throw malformed(`CSR is not a valid PKCS#10 request: ${isCertflowError(error) ? error.message : 'unreadable'}`, error);
  }
  const spki = Buffer.from(parts.spki.raw);
  const publicKey = importKey(spki);
  verifySignature(parts, publicKey);
  return {
    ...(commonName === undefined ? {} : { commonName }),
    names,
    publicKey,
    keyAlgorithm: keyAlgorithmOf(publicKey),
    subjectPublicKeyInfo: spki,
  };
}

/** SHA-256 (hex) of the CSR's SubjectPublicKeyInfo, read without verifying the CSR. */
export function csrPublicKeyDigest(pem: string): string {
  const der = readCsrDer(pem);
  try {
    return createHash('sha256').update(splitCsr(der).spki.raw).digest('hex');
  } catch (error) {
    throw malformed('CSR is not a valid PKCS#10 request', error);
  }
}
