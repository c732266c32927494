import {
  createECDH, createHash, createPrivateKey, createPublicKey, generateKeyPair as generateKeyPairCb, generateKeyPairSync,
  type ECDH, type KeyObject,
} from 'node:crypto';
import type { KeyAlgorithm } from '../domain/certificate.js';
import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import { OID, schemeForKey, type SignatureScheme } from './algorithms.js';
import {
  bitString, children, decode, decodeBitString, decodeOid, expectTag, explicit, integer, NULL, octetString, oid, sequence, Tag,
} from './der.js';
import { parsePemBlocks, toPem } from './pem.js';

/** A fresh key pair: the PKCS#8 PEM to store, and KeyObjects to use right away. */
export interface GeneratedKeyPair {
  readonly privateKeyPem: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

interface Curve {
  readonly algorithm: KeyAlgorithm;
  readonly nodeName: string;
  readonly jwkCurve: string;
  readonly oid: string;
  /** Field size in bytes: the length of d, x and y. */
  readonly size: number;
}

const CURVES: readonly Curve[] = [
  { algorithm: 'EC_P256', nodeName: 'prime256v1', jwkCurve: 'P-256', oid: OID.prime256v1, size: 32 },
  { algorithm: 'EC_P384', nodeName: 'secp384r1', jwkCurve: 'P-384', oid: OID.secp384r1, size: 48 },
];
const RSA_BITS: Readonly<Partial<Record<KeyAlgorithm, number>>> = { RSA_2048: 2048, RSA_3072: 3072, RSA_4096: 4096 };

const curveByAlgorithm = (algorithm: KeyAlgorithm) => CURVES.find((c) => c.algorithm === algorithm);
const curveByName = (name: unknown) => CURVES.find((c) => c.nodeName === name);

/** What this module learns about a KeyObject once; OpenSSL 3 makes re-deriving it costly. */
interface KeyFacts {
  spki?: Buffer;
  publicKey?: KeyObject;
  scheme?: SignatureScheme;
}
const facts = new WeakMap<KeyObject, KeyFacts>();

function factsOf(key: KeyObject): KeyFacts {
  let known = facts.get(key);
  if (!known) facts.set(key, (known = {}));
  return known;
}

/** Left-pads to the field size: JWK and ECDH drop leading zero bytes on some versions. */
function fixed(bytes: Buffer, size: number): Buffer {
  if (bytes.length >= size) return bytes;
  return Buffer.concat([Buffer.alloc(size - bytes.length), bytes]);
}

function ecSpki(curve: Curve, point: Buffer): Buffer {
  return sequence(sequence(oid(OID.ecPublicKey), oid(curve.oid)), bitString(point));
}

function ecPkcs8(curve: Curve, d: Buffer, point: Buffer): Buffer {
  const ecPrivateKey = sequence(integer(1), octetString(d), explicit(1, bitString(point)));
  return sequence(integer(0), sequence(oid(OID.ecPublicKey), oid(curve.oid)), octetString(ecPrivateKey));
}

// OpenSSL 3's DER encoders cost 100-300 µs per key; a JWK export costs ~10 µs. So SPKI is
// assembled here from JWK components for EC and RSA keys.
function encodeSpki(key: KeyObject): Buffer {
  const curve = curveByName(key.asymmetricKeyDetails?.namedCurve);
  if (key.asymmetricKeyType === 'ec' && curve) {
    const { x, y } = key.export({ format: 'jwk' });
    const point = Buffer.concat([Uint8Array.of(0x04), fixed(Buffer.from(x ?? '', 'base64url'), curve.size), fixed(Buffer.from(y ?? '', 'base64url'), curve.size)]);
    return ecSpki(curve, point);
  }
  if (key.asymmetricKeyType === 'rsa') {
    const { n, e } = key.export({ format: 'jwk' });
    const rsaPublicKey = sequence(integer(Buffer.from(n ?? '', 'base64url')), integer(Buffer.from(e ?? '', 'base64url')));
    return sequence(sequence(oid(OID.rsaEncryption), NULL), bitString(rsaPublicKey));
  }
  return (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' });
}

/** SubjectPublicKeyInfo DER of a key (public or private), cached per KeyObject. */
export function subjectPublicKeyInfo(key: KeyObject): Buffer {
  const known = factsOf(key);
  return (known.spki ??= encodeSpki(key));
}

/** Lets a caller that already holds a key's exact SPKI bytes skip re-encoding them. */
export function rememberSubjectPublicKeyInfo(key: KeyObject, spki: Buffer): void {
  factsOf(key).spki = spki;
}

/** The public half of a private key (the key itself when public), cached per KeyObject. */
export function publicKeyOf(key: KeyObject): KeyObject {
  if (key.type === 'public') return key;
  const known = factsOf(key);
  return (known.publicKey ??= createPublicKey(key));
}

/** The scheme certflow signs with using this key (see schemeForKey). */
export function signatureSchemeOf(key: KeyObject): SignatureScheme {
  const known = factsOf(key);
  return (known.scheme ??= schemeForKey(key.asymmetricKeyType, key.asymmetricKeyDetails?.namedCurve));
}

function remember(privateKey: KeyObject, publicKey: KeyObject, spki: Buffer): void {
  const scheme = schemeForKey(privateKey.asymmetricKeyType, privateKey.asymmetricKeyDetails?.namedCurve);
  facts.set(privateKey, { spki, publicKey, scheme });
  facts.set(publicKey, { spki, publicKey, scheme });
}

/** KeyObjects from EC components via JWK: ~100 µs, where OpenSSL 3's PKCS#8 decoder takes ~500 µs. */
function importEc(curve: Curve, d: Buffer, point: Buffer): { privateKey: KeyObject; publicKey: KeyObject } {
  const jwk = {
    kty: 'EC',
    crv: curve.jwkCurve,
    d: d.toString('base64url'),
    x: point.toString('base64url', 1, 1 + curve.size),
    y: point.toString('base64url', 1 + curve.size),
  };
  const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  const publicKey = createPublicKey(privateKey);
  remember(privateKey, publicKey, ecSpki(curve, point));
  return { privateKey, publicKey };
}

// ECDH.generateKeys() and setPrivateKey() replace the key each call, so one instance per curve
// is reused (this module is synchronous: no call can interleave).
const generators = new Map<string, ECDH>();

function generatorFor(curveName: string): ECDH {
  let ecdh = generators.get(curveName);
  if (!ecdh) generators.set(curveName, (ecdh = createECDH(curveName)));
  return ecdh;
}

/**
 * Why not generateKeyPairSync for EC: on Node 20 a KeyObject from it shares a mutex with its
 * KeyGenJob, whose GC-time destructor takes that mutex; `export({ format: 'jwk' })` and
 * `asymmetricKeyDetails` hold it while allocating, so a GC at that moment deadlocks the process
 * (reproducible within ~10^5 keys). ECDH generation plus a JWK import never creates a KeyGenJob.
 */
function generateEc(curve: Curve): GeneratedKeyPair {
  const ecdh = generatorFor(curve.nodeName);
  ecdh.generateKeys();
  const d = fixed(ecdh.getPrivateKey(), curve.size);
  const point = ecdh.getPublicKey();
  const { privateKey, publicKey } = importEc(curve, d, point);
  return { privateKeyPem: toPem('PRIVATE KEY', ecPkcs8(curve, d, point)), privateKey, publicKey };
}

/** The curve and scalar of an unencrypted PKCS#8 P-256/P-384 key (the stored public point is ignored). */
export function readEcPrivateKey(pkcs8: Buffer): { readonly curveName: string; readonly d: Buffer } | undefined {
  const [, algorithm, keyOctets] = children(decode(pkcs8));
  const [type, curveOid] = children(expectTag(algorithm, Tag.SEQUENCE, 'algorithm'));
  if (!type || !curveOid || curveOid.tag !== Tag.OID || decodeOid(type) !== OID.ecPublicKey) return undefined;
  const curve = CURVES.find((c) => c.oid === decodeOid(curveOid));
  if (!curve) return undefined;
  const fields = children(decode(expectTag(keyOctets, Tag.OCTET_STRING, 'privateKey').value));
  return { curveName: curve.nodeName, d: fixed(expectTag(fields[1], Tag.OCTET_STRING, 'scalar').value, curve.size) };
}

/**
 * A private KeyObject from PEM. Unencrypted PKCS#8 P-256/P-384 keys (what generateKeyPair
 * writes) take the JWK path (see importEc); anything else goes through createPrivateKey.
 */
export function privateKeyFromPem(pem: string): KeyObject {
  const blocks = parsePemBlocks(pem);
  try {
    const ec = blocks.length === 1 && blocks[0]!.label === 'PRIVATE KEY' ? readEcPrivateKey(blocks[0]!.der) : undefined;
    const curve = ec && curveByName(ec.curveName);
    if (!ec || !curve) return createPrivateKey(pem);
    // The point is derived from d, not read from the file: a JWK import does not check the two agree.
    return importEc(curve, ec.d, ecPublicPoint(curve.nodeName, ec.d)).privateKey;
  } catch (error) {
    if (error instanceof CertflowError) throw error;
    throw new CertflowError(ErrorCodes.INPUT_INVALID, 'private key PEM is unreadable or encrypted', { cause: error });
  }
}

/** d·G for a P-256/P-384 scalar: the public point, derived rather than trusted. */
export function ecPublicPoint(curveName: string, d: Buffer): Buffer {
  const ecdh = generatorFor(curveName);
  ecdh.setPrivateKey(d);
  return ecdh.getPublicKey();
}

function rsaBits(algorithm: KeyAlgorithm): number {
  const bits = RSA_BITS[algorithm];
  if (bits === undefined) throw new CertflowError(ErrorCodes.INPUT_INVALID, `unknown key algorithm ${String(algorithm)}`);
  return bits;
}

// RSA keys are encoded inside the generation job (see generateEc for why not KeyObjects from it).
const SPKI_DER = { type: 'spki', format: 'der' } as const;
const PKCS8_PEM = { type: 'pkcs8', format: 'pem' } as const;

function rsaPair(privateKeyPem: string, spki: Buffer): GeneratedKeyPair {
  const privateKey = createPrivateKey(privateKeyPem);
  const publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  remember(privateKey, publicKey, spki);
  return { privateKeyPem, privateKey, publicKey };
}

/**
 * Generates a key pair (P-256 by default). Synchronous: ~0.15 ms for EC, 0.1-3 s for RSA.
 * Use these keys, not ones from `crypto.generateKeyPairSync`, with this module (see generateEc).
 */
export function generateKeyPair(algorithm: KeyAlgorithm = 'EC_P256'): GeneratedKeyPair {
  const curve = curveByAlgorithm(algorithm);
  if (curve) return generateEc(curve);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: rsaBits(algorithm), publicExponent: 0x10001, publicKeyEncoding: SPKI_DER, privateKeyEncoding: PKCS8_PEM,
  });
  return rsaPair(privateKey, publicKey);
}

/** Like {@link generateKeyPair}, but RSA keys are generated on the libuv thread pool (for servers). */
export async function generateKeyPairAsync(algorithm: KeyAlgorithm = 'EC_P256'): Promise<GeneratedKeyPair> {
  const curve = curveByAlgorithm(algorithm);
  if (curve) return generateEc(curve);
  const modulusLength = rsaBits(algorithm);
  return new Promise((resolve, reject) => {
    generateKeyPairCb(
      'rsa',
      { modulusLength, publicExponent: 0x10001, publicKeyEncoding: SPKI_DER, privateKeyEncoding: PKCS8_PEM },
      (error, publicKey, privateKey) => (error ? reject(error) : resolve(rsaPair(privateKey, publicKey))),
    );
  });
}

/** The certflow key algorithm of a key, or 'OTHER' (e.g. P-521, Ed25519, RSA-1024). */
export function keyAlgorithmOf(key: KeyObject): KeyAlgorithm | 'OTHER' {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'ec') return curveByName(details?.namedCurve)?.algorithm ?? 'OTHER';
  if (key.asymmetricKeyType !== 'rsa') return 'OTHER';
  switch (details?.modulusLength) {
    case 2048:
      return 'RSA_2048';
    case 3072:
      return 'RSA_3072';
    case 4096:
      return 'RSA_4096';
    default:
      return 'OTHER';
  }
}

/** True when both keys (public or private) have the same public key, compared as SPKI DER. */
export function publicKeysEqual(a: KeyObject, b: KeyObject): boolean {
  return subjectPublicKeyInfo(a).equals(subjectPublicKeyInfo(b));
}

/** The subjectPublicKey BIT STRING contents of an SPKI (for EC keys: the uncompressed point). */
export function subjectPublicKeyBits(spki: Buffer): Buffer {
  return decodeBitString(children(decode(spki))[1] ?? expectTag(undefined, Tag.BIT_STRING, 'subjectPublicKey')).bytes;
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spki: Buffer): Buffer {
  return createHash('sha1').update(subjectPublicKeyBits(spki)).digest();
}
