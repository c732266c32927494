import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { splitPemChain } from '../crypto/pem.js';
import { CertflowError, ErrorCodes, isCertflowError } from '../domain/errors/index.js';
import type { KeyStore } from '../ports/key-store.port.js';
import { decimalSerial, type SigningAlgorithm, type SigningIdentity } from './sign-request.js';

/**
 * Where the certificate and key come from. Each is read again at every refresh, so a rotation is
 * picked up without a restart: files replaced in a directory (certflow's directory destination
 * renames them into place), or a new CURRENT version in a key store.
 */
export type KeySource =
  | {
      /** PEM text, or a path to a PEM file (a leaf, or a leaf followed by its intermediates). */
      readonly certificate: string;
      /** PEM text or a path: PKCS#8, SEC1 (EC PRIVATE KEY) or PKCS#1 (RSA PRIVATE KEY), unencrypted. */
      readonly privateKey: string;
      /** Intermediates as PEM text or a path, when `certificate` holds only the leaf. */
      readonly chain?: string;
    }
  | {
      readonly keyStore: KeyStore;
      readonly secretName: string;
    };

const isPem = (value: string): boolean => value.includes('-----BEGIN ');

/** Messages name the file or the role of the input, never its content (it may be key material). */
async function pemOf(value: string, what: string): Promise<string> {
  if (isPem(value)) return value;
  try {
    return await readFile(value, 'utf8');
  } catch (error) {
    // A rotation that replaces files by rename never leaves the path missing; a missing file is
    // a configuration problem, but a transient one on network file systems, so retryable.
    throw new CertflowError(ErrorCodes.PEM_MALFORMED, `the ${what} file could not be read`, {
      retryable: true,
      context: { path: value },
      cause: error,
    });
  }
}

function certificatesOf(pem: string, what: string): X509Certificate[] {
  const blocks = splitPemChain(pem);
  try {
    return blocks.map((block) => new X509Certificate(block));
  } catch (error) {
    throw new CertflowError(ErrorCodes.PEM_MALFORMED, `the ${what} is not a valid X.509 certificate`, { cause: error });
  }
}

function privateKeyOf(pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new CertflowError(ErrorCodes.PEM_MALFORMED, 'the private key could not be read (unencrypted PKCS#8, SEC1 or PKCS#1 PEM expected)', {
      cause: error,
    });
  }
}

/**
 * RSA signs with PKCS#1 v1.5, EC with ECDSA; both over SHA-256 whatever the curve (the helper's
 * FileSystemSigner hashes with SHA-256 for AWS4-X509-ECDSA-SHA256 on P-384 too).
 */
function algorithmOf(key: KeyObject): SigningAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'AWS4-X509-RSA-SHA256';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ec' && (curve === 'prime256v1' || curve === 'secp384r1')) return 'AWS4-X509-ECDSA-SHA256';
  throw new CertflowError(
    ErrorCodes.ROLES_ANYWHERE_KEY_UNSUPPORTED,
    `a ${key.asymmetricKeyType ?? 'unknown'}${curve ? ` ${curve}` : ''} key cannot sign for Roles Anywhere (RSA, EC P-256 or P-384 expected)`,
  );
}

function identityOf(certificatePem: string, privateKeyPem: string, chainPem: string | undefined): SigningIdentity {
  const [leaf, ...bundled] = certificatesOf(certificatePem, 'certificate');
  if (!leaf) throw new CertflowError(ErrorCodes.PEM_MALFORMED, 'the certificate PEM holds no certificate');
  const chain = chainPem === undefined || chainPem.trim() === '' ? bundled : certificatesOf(chainPem, 'chain');
  const privateKey = privateKeyOf(privateKeyPem);
  const algorithm = algorithmOf(privateKey);
  const spki = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });
  if (!spki(createPublicKey(privateKey)).equals(spki(leaf.publicKey))) {
    throw new CertflowError(ErrorCodes.ROLES_ANYWHERE_KEY_MISMATCH, 'the private key does not belong to the certificate (read during a rotation?)', {
      retryable: true,
      context: { serialNumber: decimalSerial(leaf) },
    });
  }
  return { certificate: leaf, chain, privateKey, algorithm, serialNumber: decimalSerial(leaf) };
}

/**
 * Files that share one directory are read from that directory's real path, resolved once: when the
 * directory is a symlink swapped at each rotation (certflow's rolesanywhere destination publishes
 * `current -> v<N>`), certificate and key then come from one version even if the swap lands between
 * the reads. PEM text, files in different directories and unresolvable directories are left as given.
 */
export async function pinDirectory(values: readonly (string | undefined)[]): Promise<(string | undefined)[]> {
  const files = values.filter((v): v is string => v !== undefined && !isPem(v));
  const directories = new Set(files.map((f) => dirname(f)));
  const [directory] = directories;
  if (files.length < 2 || directories.size !== 1 || directory === undefined) return [...values];
  const real = await realpath(directory).catch(() => undefined);
  if (real === undefined) return [...values];
  return values.map((v) => (v === undefined || isPem(v) ? v : join(real, basename(v))));
}

/** Reads the source as it is now: the current files, or the key store's CURRENT version. */
export async function loadIdentity(source: KeySource): Promise<SigningIdentity> {
  if ('keyStore' in source) {
    const version = await source.keyStore.getVersion(source.secretName, { label: 'CURRENT' });
    const material = version?.material;
    if (!material?.certificatePem) {
      throw new CertflowError(ErrorCodes.KEYSTORE_CURRENT_MISSING, 'the key store holds no CURRENT version with a certificate', {
        context: { secretName: source.secretName },
      });
    }
    // One version gives certificate, chain and key together: never a new certificate with an old key.
    return identityOf(material.certificatePem, material.privateKeyPem, material.chainPem);
  }
  try {
    const chainGiven = source.chain === undefined || source.chain.trim() === '' ? undefined : source.chain;
    const [certificate, privateKey, chain] = await pinDirectory([source.certificate, source.privateKey, chainGiven]);
    const [certificatePem, privateKeyPem, chainPem] = await Promise.all([
      pemOf(certificate ?? source.certificate, 'certificate'),
      pemOf(privateKey ?? source.privateKey, 'private key'),
      chain === undefined ? Promise.resolve(undefined) : pemOf(chain, 'chain'),
    ]);
    return identityOf(certificatePem, privateKeyPem, chainPem);
  } catch (error) {
    if (isCertflowError(error)) throw error;
    throw new CertflowError(ErrorCodes.PEM_MALFORMED, 'the certificate or key could not be read', { cause: error });
  }
}
