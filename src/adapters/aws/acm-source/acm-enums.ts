import type { KeyAlgorithm } from '../../../domain/certificate.js';

/**
 * Every key type ACM knows. ListCertificates without `Includes.keyTypes` returns only RSA_1024 and
 * RSA_2048 certificates, silently skipping ECDSA and RSA-3072/4096 ones, so discovery names them all.
 */
export const ACM_KEY_TYPES = ['RSA_1024', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1', 'EC_secp521r1'] as const;
export type AcmKeyType = (typeof ACM_KEY_TYPES)[number];

/** Every key-pair origin; without them ListCertificates leaves ACME-origin certificates out. */
export const ACM_KEY_PAIR_ORIGINS = ['AWS_MANAGED', 'CUSTOMER_PROVIDED', 'ACME'] as const;

const byLoose = new Map<string, AcmKeyType>(ACM_KEY_TYPES.map((k) => [loose(k), k]));

function loose(value: string): string {
  return value.replace(/[-_\s]/g, '').toLowerCase();
}

/**
 * The model's spelling of an ACM key type, from either the model enum (`RSA_2048`, `EC_prime256v1`)
 * or the spelling ACM's documentation examples use (`RSA-2048`, `EC-prime256v1`); undefined otherwise.
 */
export function acmKeyType(value: string | undefined): AcmKeyType | undefined {
  return value === undefined ? undefined : byLoose.get(loose(value));
}

/** certflow's name for an ACM key type; types certflow does not generate are `OTHER`. */
export function domainKeyAlgorithm(value: string | undefined): KeyAlgorithm | 'OTHER' {
  switch (acmKeyType(value)) {
    case 'RSA_2048':
      return 'RSA_2048';
    case 'RSA_3072':
      return 'RSA_3072';
    case 'RSA_4096':
      return 'RSA_4096';
    case 'EC_prime256v1':
      return 'EC_P256';
    case 'EC_secp384r1':
      return 'EC_P384';
    default:
      return 'OTHER';
  }
}

/**
 * A timestamp as the SDK hands it over (a Date) or as it travels on the wire in ACM's JSON protocol
 * (epoch seconds, possibly fractional); ISO strings are accepted for hand-written fixtures.
 */
export function acmTime(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(Math.round(value * 1000));
  if (typeof value === 'string' && value !== '') {
    const asNumber = Number(value);
    const d = Number.isFinite(asNumber) ? new Date(Math.round(asNumber * 1000)) : new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}
