import { alertThresholdToSend, daysRemaining, eligibleThresholds, isExpired, renewalDueAt } from '../domain/renewal-policy.js';
import type { AppDeps } from './deps.js';
import { CERT_PREFIX, identityPk, keys, renewalTimingOf, type CertificateRecord } from './records.js';
import type { ItemKey } from '../ports/state-store.port.js';
import { createOnce } from './persistence.js';
import { expired, expiring } from './lifecycle-events.js';

export interface AlertReport {
  readonly certificateId: string;
  readonly locator: string;
  readonly kind: 'expiring' | 'expired';
  readonly thresholdDays?: number;
  readonly daysRemaining: number;
}

const PAGE = 500;

/**
 * Raises each threshold alert once per certificate serial (people hear of it through the
 * `notify` rule on the bus): the alert marker and its event are
 * written together with put-if-absent, so overlapping runs and retries never alert twice.
 */
export function alertExpiringCertificates(deps: Pick<AppDeps, 'state' | 'clock' | 'alertThresholdsDays'>) {
  return async (): Promise<AlertReport[]> => {
    const reports: AlertReport[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await deps.state.listPartitions(CERT_PREFIX, { limit: PAGE, ...(after ? { after } : {}) });
      for (const pk of page) {
        const report = await alertOne(deps, pk.slice(CERT_PREFIX.length));
        if (report) reports.push(report);
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1];
    }
    return reports;
  };
}

async function alertOne(deps: Pick<AppDeps, 'state' | 'clock' | 'alertThresholdsDays'>, id: string): Promise<AlertReport | undefined> {
  const meta = await deps.state.get<CertificateRecord>(keys.certificate(id));
  const facts = meta?.data.current;
  if (!meta || !facts) return undefined;
  // A certificate no longer found where it was is not in use there: no alerts for it.
  if (meta.data.vanishedAt) return undefined;
  const now = deps.clock.now();
  const left = daysRemaining(facts.notAfter, now);
  // Discovered certificates alert once per certificate (by fingerprint), however many places hold
  // it; a managed certificate keeps its markers on its own item.
  const byIdentity = meta.data.origin !== 'managed' && facts.fingerprintSha256 !== '';
  const marker = (m: string): ItemKey => (byIdentity ? keys.identityMarker(facts.fingerprintSha256, `ALERT#${m}`) : keys.alert(id, m));
  const markerPk = byIdentity ? identityPk(facts.fingerprintSha256) : `${CERT_PREFIX}${id}`;
  if (isExpired(facts.notAfter, now)) {
    const { created } = await createOnce(deps.state, marker(`${facts.serialNumber}#expired`), { at: now }, {
      events: [expired(meta.data, facts, now)],
    });
    if (!created) return undefined;
    return { certificateId: id, locator: meta.data.locator, kind: 'expired', daysRemaining: left };
  }
  // A managed certificate is renewed before its thresholds; it alerts only when renewal is overdue.
  const spec = meta.data.spec;
  if (spec && meta.data.origin === 'managed') {
    const due = renewalDueAt(renewalTimingOf(facts, spec));
    if (now.getTime() < due.getTime()) return undefined;
  }
  const thresholds = eligibleThresholds(facts.notBefore, facts.notAfter, deps.alertThresholdsDays);
  const candidate = alertThresholdToSend(facts.notAfter, now, thresholds, []);
  if (candidate === undefined) return undefined;
  const sent = (await deps.state.query(markerPk, { skPrefix: `ALERT#${facts.serialNumber}#` })).map((i) => Number(i.sk.split('#')[2]));
  const threshold = alertThresholdToSend(facts.notAfter, now, thresholds, sent.filter(Number.isFinite));
  if (threshold === undefined) return undefined;
  const { created } = await createOnce(deps.state, marker(`${facts.serialNumber}#${threshold.toString()}`), { at: now }, {
    events: [expiring(meta.data, facts, threshold, left, now)],
  });
  if (!created) return undefined;
  return { certificateId: id, locator: meta.data.locator, kind: 'expiring', thresholdDays: threshold, daysRemaining: left };
}
