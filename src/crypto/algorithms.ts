import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import { NULL, oid, sequence } from './der.js';

/** Object identifiers certflow reads or writes. */
export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  extensionRequest: '1.2.840.113549.1.9.14',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
} as const;

export type HashName = 'sha256' | 'sha384' | 'sha512';

/** How to sign with a key: the hash for crypto.sign and the AlgorithmIdentifier to write. */
export interface SignatureScheme {
  readonly hash: HashName;
  readonly keyType: 'ec' | 'rsa';
  readonly algorithmIdentifier: Buffer;
}

// ECDSA identifiers carry no parameters; the RSA PKCS#1 v1.5 ones carry NULL (RFC 5754, RFC 4055).
const schemes: Readonly<Record<string, SignatureScheme>> = {
  [OID.ecdsaWithSha256]: { hash: 'sha256', keyType: 'ec', algorithmIdentifier: sequence(oid(OID.ecdsaWithSha256)) },
  [OID.ecdsaWithSha384]: { hash: 'sha384', keyType: 'ec', algorithmIdentifier: sequence(oid(OID.ecdsaWithSha384)) },
  [OID.ecdsaWithSha512]: { hash: 'sha512', keyType: 'ec', algorithmIdentifier: sequence(oid(OID.ecdsaWithSha512)) },
  [OID.sha256WithRsa]: { hash: 'sha256', keyType: 'rsa', algorithmIdentifier: sequence(oid(OID.sha256WithRsa), NULL) },
  [OID.sha384WithRsa]: { hash: 'sha384', keyType: 'rsa', algorithmIdentifier: sequence(oid(OID.sha384WithRsa), NULL) },
  [OID.sha512WithRsa]: { hash: 'sha512', keyType: 'rsa', algorithmIdentifier: sequence(oid(OID.sha512WithRsa), NULL) },
};

/** The scheme a signature AlgorithmIdentifier OID names, if certflow supports it. */
export function schemeForOid(algorithm: string): SignatureScheme | undefined {
  return schemes[algorithm];
}

/**
 * The scheme certflow signs with for a key: SHA-384 for P-384 (hash strength matching the curve,
 * as the CA/Browser Forum requires), SHA-256 otherwise.
 */
export function schemeForKey(keyType: string | undefined, namedCurve?: string): SignatureScheme {
  if (keyType === 'ec') return schemes[namedCurve === 'secp384r1' ? OID.ecdsaWithSha384 : OID.ecdsaWithSha256]!;
  if (keyType === 'rsa') return schemes[OID.sha256WithRsa]!;
  throw new CertflowError(ErrorCodes.INPUT_INVALID, `cannot sign with a ${String(keyType)} key: only EC and RSA keys are supported`);
}
