import { Resolver } from 'node:dns/promises';
import { CertflowError, ErrorCodes, type ErrorContext } from '../../domain/errors/index.js';

/** One CAA record as node's resolver returns it (RFC 8659 property tags as keys). */
export interface CaaRecord {
  readonly critical: number;
  readonly issue?: string;
  readonly issuewild?: string;
  readonly iodef?: string;
}

/** CAA records at exactly `name`; [] when there are none. Throws when the lookup itself fails. */
export type CaaLookup = (name: string) => Promise<readonly CaaRecord[]>;

const KNOWN_TAGS = new Set(['critical', 'issue', 'issuewild', 'iodef', 'contactemail', 'contactphone']);
const NO_RECORDS = new Set(['ENODATA', 'ENOTFOUND']);

export function systemCaaLookup(timeoutMs = 2000): CaaLookup {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  return async (name) => {
    try {
      return await resolver.resolveCaa(name);
    } catch (error) {
      if (NO_RECORDS.has(String((error as { code?: unknown }).code))) return [];
      throw error;
    }
  };
}

/** The issuer domain of an `issue`/`issuewild` value (`letsencrypt.org; validationmethods=dns-01`). */
const issuerDomain = (value: string) => value.split(';')[0]?.trim().toLowerCase() ?? '';

/**
 * RFC 8659 pre-check: the relevant CAA set of each name is the first non-empty one found climbing
 * from the name towards the root; issuance is allowed when it is empty of issue properties, or
 * one `issue` (`issuewild` for a wildcard, when any is present) names one of the CA's identities.
 * A lookup that fails is not a refusal: the CA checks CAA itself; this only saves an order that
 * would fail.
 */
export async function checkCaa(names: readonly string[], identities: readonly string[], lookup: CaaLookup, context: ErrorContext): Promise<void> {
  const allowed = new Set(identities.map((i) => i.toLowerCase()));
  for (const requested of names) {
    const wildcard = requested.startsWith('*.');
    const labels = requested.replace(/^\*\./, '').toLowerCase().split('.');
    let records: readonly CaaRecord[] = [];
    let at = '';
    for (let i = 0; i < labels.length - 1 && records.length === 0; i++) {
      at = labels.slice(i).join('.');
      try {
        records = await lookup(at);
      } catch {
        return;
      }
    }
    if (records.length === 0) continue;
    const unknownCritical = records.find((r) => r.critical & 128 && Object.keys(r).some((k) => !KNOWN_TAGS.has(k)));
    if (unknownCritical) throw refuse(requested, at, 'a critical CAA property certflow does not understand', context);
    const wild = records.filter((r) => r.issuewild !== undefined);
    const relevant = wildcard && wild.length > 0 ? wild.map((r) => r.issuewild ?? '') : records.filter((r) => r.issue !== undefined).map((r) => r.issue ?? '');
    if (relevant.length === 0) continue;
    if (!relevant.some((v) => allowed.has(issuerDomain(v)))) {
      throw refuse(requested, at, `CAA allows only ${relevant.map((v) => issuerDomain(v) || '(nobody)').join(', ')}`, context);
    }
  }
}

function refuse(name: string, at: string, why: string, context: ErrorContext): CertflowError {
  return new CertflowError(ErrorCodes.ACME_CAA_FORBIDDEN, `CAA at ${at} forbids this CA for ${name}: ${why}`, { retryable: false, context: { ...context, name } });
}
