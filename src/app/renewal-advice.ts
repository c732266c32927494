import { isCertflowError } from '../domain/errors/index.js';
import type { CertificateSpec } from '../domain/certificate.js';
import type { CaRenewalAdvice } from '../domain/renewal-policy.js';
import type { StoredItem } from '../ports/state-store.port.js';
import type { AppDeps } from './deps.js';
import { saveOver } from './persistence.js';
import { keys, renewalIndexOf, type CertificateRecord, type RevisionRecord } from './records.js';

/** After a failed ask, the CA is asked again no sooner than this: a CA that is down is not hammered every cycle. */
const RETRY_AFTER_FAILURE_MS = 3_600_000;
const NO_ADVICE_RECHECK_MS = 86_400_000;

/**
 * Keeps the CA's renewal advice (ACME ARI, RFC 9773) on the record of a certificate whose issuer
 * offers it: asked when the record has none for the current certificate, or when the CA's own
 * Retry-After has passed; never more often. A CA that cannot be asked leaves the renewal policy in
 * charge (and the last advice, if any): planning never fails because advice is missing.
 */
export function refreshRenewalAdvice(deps: Pick<AppDeps, 'state' | 'clock'> & Partial<Pick<AppDeps, 'issuers' | 'keys'>>) {
  return async (meta: StoredItem<CertificateRecord>, spec: CertificateSpec): Promise<StoredItem<CertificateRecord>> => {
    const { issuers } = deps;
    const record = meta.data;
    const current = record.current;
    if (!issuers || !current || record.revision === 0) return meta;
    const now = deps.clock.now();
    const held = record.renewalAdvice;
    if (held?.serialNumber === current.serialNumber && held.checkAgainAt.getTime() > now.getTime()) return meta;
    const issuer = lookup(issuers, (record.spec ?? spec).issuer.name);
    if (!issuer?.renewalInfo) return meta;
    const pem = await certificatePemOf(deps, record);
    if (!pem) return meta;
    let advice: CaRenewalAdvice | undefined;
    try {
      const info = await issuer.renewalInfo(pem);
      // A CA without renewal information is asked again a day later, not at every plan.
      advice = !info ? { serialNumber: current.serialNumber, checkAgainAt: new Date(now.getTime() + NO_ADVICE_RECHECK_MS) } : { serialNumber: current.serialNumber, window: info.window, renewAt: info.renewAt, checkAgainAt: info.checkAgainAt };
    } catch (error) {
      if (!isCertflowError(error)) throw error;
      // Keep the last advice on this certificate, if any; ask again later, not at every cycle.
      const kept = held?.serialNumber === current.serialNumber ? held : { serialNumber: current.serialNumber };
      advice = { ...kept, checkAgainAt: new Date(now.getTime() + RETRY_AFTER_FAILURE_MS) };
    }
    const next: CertificateRecord = { ...record, renewalAdvice: advice };
    return saveOver(deps.state, meta, next, renewalIndexOf(next));
  };
}

/**
 * The current certificate's PEM: from its revision record, else (revisions written before the
 * record kept it) from the key store when this process may read it. The AWS planner may not.
 */
async function certificatePemOf(deps: Pick<AppDeps, 'state'> & Partial<Pick<AppDeps, 'keys'>>, record: CertificateRecord): Promise<string | undefined> {
  const revision = await deps.state.get<RevisionRecord>(keys.revision(record.id, record.revision));
  if (revision?.data.certificatePem && revision.data.facts.serialNumber === record.current?.serialNumber) return revision.data.certificatePem;
  if (!deps.keys || !record.secretName) return undefined;
  const version = await deps.keys.getVersion(record.secretName, { label: 'CURRENT' });
  return version?.material.certificatePem;
}

/** The issuer of a certificate, or none when configuration no longer names it (planning reports that elsewhere). */
function lookup(issuers: NonNullable<AppDeps['issuers']>, name: string) {
  try {
    return issuers.get(name);
  } catch (error) {
    if (isCertflowError(error)) return undefined;
    throw error;
  }
}
