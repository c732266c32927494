import { createHash } from 'node:crypto';
import type { CertificateFacts, KeyAlgorithm } from '../domain/certificate.js';
import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import { OID } from './algorithms.js';
import { children, decode, decodeBitString, decodeOid, decodeString, expectTag, Tag, type DerElement } from './der.js';
import { decodeGeneralNames } from './names.js';

/**
 * A certificate read with certflow's own DER decoder. node's X509Certificate costs ~200 µs to
 * construct; this costs a tenth of that, and the issuance path reads one leaf per renewal.
 * Only what verification and the inventory need is read; anything unexpected is PEM.MALFORMED.
 */
export interface ParsedCertificate {
  readonly der: Buffer;
  /** The signed part, exactly as signed. */
  readonly tbs: Buffer;
  readonly signatureAlgorithm: string;
  readonly signature: Buffer;
  /** Raw DER of the issuer and subject names: a link holds when they are byte-equal. */
  readonly issuerDer: Buffer;
  readonly subjectDer: Buffer;
  readonly subjectPublicKeyInfo: Buffer;
  readonly facts: CertificateFacts;
}

const SHORT_NAMES: Readonly<Record<string, string>> = {
  [OID.commonName]: 'CN',
  [OID.organization]: 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
};

/** `O=…, CN=…` in DER order, as readCertificateFacts prints node's names. */
function nameText(name: DerElement): string {
  return children(name)
    .flatMap((rdn) => children(rdn))
    .map((attribute) => {
      const [type, value] = children(attribute);
      const oid = decodeOid(expectTag(type, Tag.OID, 'attribute type'));
      return `${SHORT_NAMES[oid] ?? oid}=${decodeString(value ?? expectTag(undefined, Tag.UTF8_STRING, 'attribute value'))}`;
    })
    .join(', ');
}

function timeOf(element: DerElement | undefined): Date {
  const text = expectTag(element, element?.tag === Tag.GENERALIZED_TIME ? Tag.GENERALIZED_TIME : Tag.UTC_TIME, 'time').value.toString('latin1');
  const full = element?.tag === Tag.UTC_TIME ? `${Number(text.slice(0, 2)) >= 50 ? '19' : '20'}${text}` : text;
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(full);
  if (!match) throw new CertflowError(ErrorCodes.PEM_MALFORMED, 'certificate validity time is malformed');
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

function keyAlgorithmOfSpki(spki: DerElement): KeyAlgorithm | 'OTHER' {
  const [algorithm, bits] = children(spki);
  const [type, parameter] = children(expectTag(algorithm, Tag.SEQUENCE, 'key algorithm'));
  const typeOid = decodeOid(expectTag(type, Tag.OID, 'key type'));
  if (typeOid === OID.ecPublicKey && parameter?.tag === Tag.OID) {
    const curve = decodeOid(parameter);
    return curve === OID.prime256v1 ? 'EC_P256' : curve === OID.secp384r1 ? 'EC_P384' : 'OTHER';
  }
  if (typeOid === OID.rsaEncryption && bits) {
    const modulus = children(decode(decodeBitString(bits).bytes))[0]?.value ?? Buffer.alloc(0);
    const size = (modulus[0] === 0 ? modulus.length - 1 : modulus.length) * 8;
    return size === 2048 ? 'RSA_2048' : size === 3072 ? 'RSA_3072' : size === 4096 ? 'RSA_4096' : 'OTHER';
  }
  return 'OTHER';
}

function subjectAltNames(extensions: DerElement | undefined) {
  for (const extension of extensions ? children(children(extensions)[0] ?? expectTag(undefined, Tag.SEQUENCE, 'extensions')) : []) {
    const parts = children(extension);
    if (decodeOid(expectTag(parts[0], Tag.OID, 'extension id')) !== OID.subjectAltName) continue;
    const value = expectTag(parts[parts.length - 1], Tag.OCTET_STRING, 'extension value').value;
    return decodeGeneralNames(decode(value));
  }
  return decodeGeneralNames({ tag: Tag.SEQUENCE, value: Buffer.alloc(0), raw: Buffer.from([Tag.SEQUENCE, 0]) });
}

/** Parses a DER certificate; PEM.MALFORMED when it is not one certflow can read. */
export function parseCertificateDer(der: Buffer): ParsedCertificate {
  try {
    const [tbs, signatureAlgorithm, signature] = children(expectTag(decode(der), Tag.SEQUENCE, 'certificate'));
    const fields = children(expectTag(tbs, Tag.SEQUENCE, 'tbsCertificate'));
    const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
    const [serial, , issuer, validity, subject, spki] = fields.slice(offset);
    const extensions = fields.slice(offset + 6).find((f) => f.tag === 0xa3);
    const [notBefore, notAfter] = children(expectTag(validity, Tag.SEQUENCE, 'validity'));
    const serialBytes = expectTag(serial, Tag.INTEGER, 'serial number').value;
    const issuerName = expectTag(issuer, Tag.SEQUENCE, 'issuer');
    const subjectName = expectTag(subject, Tag.SEQUENCE, 'subject');
    const keyInfo = expectTag(spki, Tag.SEQUENCE, 'subjectPublicKeyInfo');
    const fingerprint = createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)?.join(':') ?? '';
    return {
      der,
      tbs: tbs!.raw,
      signatureAlgorithm: decodeOid(expectTag(children(expectTag(signatureAlgorithm, Tag.SEQUENCE, 'signature algorithm'))[0], Tag.OID, 'algorithm')),
      signature: decodeBitString(expectTag(signature, Tag.BIT_STRING, 'signature')).bytes,
      issuerDer: issuerName.raw,
      subjectDer: subjectName.raw,
      subjectPublicKeyInfo: keyInfo.raw,
      facts: {
        serialNumber: (serialBytes[0] === 0 && serialBytes.length > 1 ? serialBytes.subarray(1) : serialBytes).toString('hex').toUpperCase(),
        subject: nameText(subjectName),
        issuerName: nameText(issuerName),
        names: subjectAltNames(extensions),
        notBefore: timeOf(notBefore),
        notAfter: timeOf(notAfter),
        fingerprintSha256: fingerprint,
        keyAlgorithm: keyAlgorithmOfSpki(keyInfo),
      },
    };
  } catch (error) {
    if (error instanceof CertflowError && error.code === ErrorCodes.PEM_MALFORMED) throw error;
    throw new CertflowError(ErrorCodes.PEM_MALFORMED, 'CERTIFICATE block is not a valid X.509 certificate', { cause: error });
  }
}
