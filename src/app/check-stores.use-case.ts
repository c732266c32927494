import { isCertflowError } from '../domain/errors/index.js';
import { ErrorCodes } from '../domain/errors/index.js';
import { verifyBundle } from '../crypto/index.js';
import type { KeyMaterial } from '../ports/key-store.port.js';
import type { AppDeps } from './deps.js';
import { CERT_PREFIX, currentRevocation, keys, type CertificateRecord } from './records.js';

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
    // One issued bundle per issuer, checked against the issuer's trust anchor below: a CA replaced
    // behind certflow's back is caught at the cost of one verification per issuer, not per certificate.
    const samples = new Map<string, { record: CertificateRecord; material: KeyMaterial }>();
    let after: string | undefined;
    for (;;) {
      const page = await deps.state.listPartitions(CERT_PREFIX, { limit: PAGE, ...(after ? { after } : {}) });
      for (const pk of page) {
        const record = (await deps.state.get<CertificateRecord>(keys.certificate(pk.slice(CERT_PREFIX.length))))?.data;
        if (!record || record.origin !== 'managed' || record.revision === 0 || !record.current || !record.secretName) continue;
        const issuer = record.spec?.issuer.name;
        if (issuer !== undefined) {
          const ids = byIssuer.get(issuer);
          if (ids) ids.push(record.id);
          else byIssuer.set(issuer, [record.id]);
        }
        const current = await deps.keys.getVersion(record.secretName, { label: 'CURRENT' });
        if (current?.material.certificatePem) {
          if (issuer !== undefined && !samples.has(issuer)) samples.set(issuer, { record, material: current.material });
          continue;
        }
        // A revoked certificate has no CURRENT on purpose (the store took the label off): not a loss.
        const revoked = currentRevocation(record);
        if (revoked) {
          if (revoked.replace) missingKeys.add(record.id);
          continue;
        }
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
        const anchors = await found.trustAnchorsPem();
        const mismatch = sampleMismatch(samples.get(issuer), anchors);
        if (mismatch) attention.push({ severity: 'critical', code: ErrorCodes.ISSUER_CA_MISMATCH, certificateId: mismatch.certificateId, message: `issuer ${issuer}: ${mismatch.message}` });
        for (const warning of (await found.warnings?.()) ?? []) attention.push({ severity: 'warning', code: ErrorCodes.ISSUER_CA_EXPIRING, message: warning });
      } catch (error) {
        if (!isCertflowError(error)) throw error;
        // An issuer no longer configured: its certificates move to their new issuer when planned; nothing to guard.
        if (error.code === ErrorCodes.ISSUER_UNKNOWN) continue;
        unavailableIssuers.add(issuer);
        const some = certificateIds.slice(0, 5).join(', ') + (certificateIds.length > 5 ? ` and ${(certificateIds.length - 5).toString()} more` : '');
        attention.push({ severity: 'critical', code: error.code, message: `${error.message}; it issued the current certificates of ${some}` });
      }
    }
    return { attention, missingKeys, unavailableIssuers };
  };
}

/** Why the sample bundle of an issuer does not verify with its trust anchors now, or undefined. */
function sampleMismatch(sample: { record: CertificateRecord; material: KeyMaterial } | undefined, trustAnchorsPem: string): { certificateId: string; message: string } | undefined {
  const current = sample?.record.current;
  if (!sample || !current) return undefined;
  const check = verifyBundle({
    certificatePem: sample.material.certificatePem ?? '',
    chainPem: sample.material.chainPem ?? '',
    privateKeyPem: sample.material.privateKeyPem,
    trustAnchorsPem,
    expectedNames: current.names,
    // Within the certificate's own validity: an expired certificate still tells which CA issued it.
    at: new Date(current.notBefore.getTime() + 60_000),
  });
  if (check.ok) return undefined;
  return {
    certificateId: sample.record.id,
    message: `the current certificate of ${sample.record.id} does not verify with the issuer's CA (${check.reason}); the CA was replaced, or the key store holds another certificate`,
  };
}
