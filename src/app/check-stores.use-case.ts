import { isCertflowError } from '../domain/errors/index.js';
import { ErrorCodes } from '../domain/errors/index.js';
import type { AppDeps } from './deps.js';
import { CERT_PREFIX, keys, type CertificateRecord } from './records.js';

/** Something a run must not pass over in silence; `critical` makes the run fail (exit 1). */
export interface Attention {
  readonly severity: 'critical' | 'warning';
  readonly code: string;
  readonly message: string;
  readonly certificateId?: string;
  readonly requestId?: string;
}

export interface StoreCheck {
  readonly attention: readonly Attention[];
  /** Certificates whose CURRENT key store version is gone: planned again when configuration allows. */
  readonly missingKeys: ReadonlySet<string>;
  /** Issuers whose CA (trust anchor) is gone while certificates it issued are current: nothing is issued through them. */
  readonly unavailableIssuers: ReadonlySet<string>;
}

const PAGE = 500;

/**
 * Checks the state against the key store and the issuers when a run starts: every managed
 * certificate the state calls issued must have a CURRENT version with a certificate in the key
 * store, and every issuer with current certificates must still have its trust anchor. A lost,
 * truncated or replaced key store therefore never reads as "nothing to do"; a store that cannot
 * be opened fails the run (its error propagates). One read per issued certificate.
 */
export function checkStores(deps: Pick<AppDeps, 'state' | 'keys' | 'issuers'>) {
  return async (): Promise<StoreCheck> => {
    const attention: Attention[] = [];
    const missingKeys = new Set<string>();
    const byIssuer = new Map<string, string[]>();
    let after: string | undefined;
    for (;;) {
      const page = await deps.state.listPartitions(CERT_PREFIX, { limit: PAGE, ...(after ? { after } : {}) });
      for (const pk of page) {
        const record = (await deps.state.get<CertificateRecord>(keys.certificate(pk.slice(CERT_PREFIX.length))))?.data;
        if (!record || record.origin !== 'managed' || record.revision === 0 || !record.current || !record.secretName) continue;
        const issuer = record.spec?.issuer.name;
        if (issuer !== undefined) byIssuer.set(issuer, [...(byIssuer.get(issuer) ?? []), record.id]);
        const current = await deps.keys.getVersion(record.secretName, { label: 'CURRENT' });
        if (current?.material.certificatePem) continue;
        missingKeys.add(record.id);
        attention.push({
          severity: 'critical',
          code: ErrorCodes.KEYSTORE_CURRENT_MISSING,
          certificateId: record.id,
          message: `${record.id} r${record.revision.toString()} is issued in the state, but the key store has no CURRENT version of ${record.secretName} (key store lost, truncated or replaced)`,
        });
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1];
    }
    const unavailableIssuers = new Set<string>();
    for (const [issuer, certificateIds] of byIssuer) {
      try {
        const found = deps.issuers.get(issuer);
        await found.trustAnchorsPem();
        for (const warning of (await found.warnings?.()) ?? []) attention.push({ severity: 'warning', code: ErrorCodes.ISSUER_CA_EXPIRING, message: warning });
      } catch (error) {
        if (!isCertflowError(error)) throw error;
        unavailableIssuers.add(issuer);
        const some = certificateIds.slice(0, 5).join(', ') + (certificateIds.length > 5 ? ` and ${(certificateIds.length - 5).toString()} more` : '');
        attention.push({ severity: 'critical', code: error.code, message: `${error.message}; it issued the current certificates of ${some}` });
      }
    }
    return { attention, missingKeys, unavailableIssuers };
  };
}
