import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../../src/adapters/local/sqlite.state-store.js';
import { alertExpiringCertificates } from '../../../src/app/alert-expiry.use-case.js';
import { discoverCertificates } from '../../../src/app/discover-certificates.use-case.js';
import { buildInventoryReport } from '../../../src/app/inventory-report.use-case.js';
import { readCertificateFacts } from '../../../src/crypto/index.js';
import { DEFAULT_ALERT_THRESHOLDS_DAYS } from '../../../src/domain/renewal-policy.js';
import type { CertificateSource } from '../../../src/ports/certificate-source.port.js';
import type { OutboxEvent } from '../../../src/ports/state-store.port.js';
import { aLeaf } from '../../support/certs.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOT_AFTER = new Date('2026-12-31T12:00:00Z');

let state: SqliteStateStore;
beforeEach(() => {
  state = SqliteStateStore.open(':memory:');
});
afterEach(async () => {
  await state.close();
});

const walked = readCertificateFacts(aLeaf({ dns: ['walk.example.com'], notBefore: new Date(NOT_AFTER.getTime() - 90 * DAY), notAfter: NOT_AFTER }).pem);

/** A source that always sees the same certificate at the same endpoint. */
function oneCertificateSource(): CertificateSource {
  const scope = { id: 'endpoints:edge', description: 'edge' };
  return {
    name: 'edge',
    listScopes: async () => [scope],
    scan: async () => ({ scope, ok: true, certificates: [{ origin: 'endpoint', locator: 'walk.example.com:443', facts: walked, inUse: true }], problems: [] }),
  };
}

/** ACM in one account-region, holding the very certificate the endpoint serves. */
function acmHoldingTheSame(): CertificateSource {
  const scope = { id: 'acm:111111111111:eu-west-1', description: 'acm', account: '111111111111', region: 'eu-west-1' };
  const arn = 'arn:aws:acm:eu-west-1:111111111111:certificate/0a0a0a0a-0000-4000-8000-000000000001';
  return {
    name: 'acm',
    listScopes: async () => [scope],
    scan: async () => ({ scope, ok: true, certificates: [{ origin: 'acm', locator: arn, facts: walked, inUse: true }], problems: [] }),
  };
}

async function drain(): Promise<OutboxEvent[]> {
  const events = await state.pending(10_000);
  await state.acknowledge(events.map((e) => e.id));
  return events;
}

describe('threshold walk', () => {
  it('raises Expiring at 30, 14, 7 and 1 days once each and Expired once, over sweeps every 6 hours from 31 days to past expiry', async () => {
    // Prepare
    let now = new Date(NOT_AFTER.getTime() - 31 * DAY);
    const clock = { now: () => now };
    const deps = { state, clock, sources: [oneCertificateSource()], alertThresholdsDays: DEFAULT_ALERT_THRESHOLDS_DAYS };
    const discover = discoverCertificates(deps);
    const alert = alertExpiringCertificates(deps);
    const seen: { detailType: string; thresholdDays?: unknown; daysLeft: number }[] = [];
    // Act: 31 days → 3 days past notAfter, two sweeps at each step (a retry or an overlapping run)
    for (let step = 0; now.getTime() <= NOT_AFTER.getTime() + 3 * DAY && step < 1000; step++) {
      for (let sweep = 0; sweep < 2; sweep++) {
        await discover();
        await alert();
      }
      for (const e of await drain()) seen.push({ detailType: e.detailType, thresholdDays: e.detail.thresholdDays, daysLeft: (NOT_AFTER.getTime() - now.getTime()) / DAY });
      now = new Date(now.getTime() + 6 * HOUR);
    }
    // Assess
    expect(seen.map((e) => [e.detailType, e.thresholdDays])).toEqual([
      ['Certificate Discovered', undefined],
      ['Certificate Expiring', 30],
      ['Certificate Expiring', 14],
      ['Certificate Expiring', 7],
      ['Certificate Expiring', 1],
      ['Certificate Expired', undefined],
    ]);
    // Each alert fires in the first sweep at or past its threshold, not before.
    expect(seen.slice(1, 5).map((e) => e.daysLeft)).toEqual([30, 14, 7, 1]);
    expect(seen[5]?.daysLeft).toBeLessThan(0);
    expect(seen[5]?.daysLeft).toBeGreaterThanOrEqual(-0.25);
  });

  it('alerts once per certificate when the same certificate is in ACM and on an endpoint, and reports it as one entry with two locations', async () => {
    // Prepare
    let now = new Date(NOT_AFTER.getTime() - 31 * DAY);
    const clock = { now: () => now };
    const deps = { state, clock, sources: [oneCertificateSource(), acmHoldingTheSame()], alertThresholdsDays: DEFAULT_ALERT_THRESHOLDS_DAYS };
    const discover = discoverCertificates(deps);
    const alert = alertExpiringCertificates(deps);
    const types: string[] = [];
    // Act
    for (let step = 0; now.getTime() <= NOT_AFTER.getTime() + DAY && step < 200; step++) {
      await discover();
      await alert();
      for (const e of await drain()) types.push(`${e.detailType}${e.detail.thresholdDays === undefined ? '' : ` ${String(e.detail.thresholdDays)}`}`);
      now = new Date(now.getTime() + 12 * HOUR);
    }
    now = new Date(NOT_AFTER.getTime() - 10 * DAY);
    const report = await buildInventoryReport(deps)();
    // Assess
    expect(types).toEqual(['Certificate Discovered', 'Certificate Expiring 30', 'Certificate Expiring 14', 'Certificate Expiring 7', 'Certificate Expiring 1', 'Certificate Expired']);
    expect(report.totals.certificates).toBe(1);
    expect(report.soonest[0]?.locations).toEqual(['arn:aws:acm:eu-west-1:111111111111:certificate/0a0a0a0a-0000-4000-8000-000000000001', 'walk.example.com:443']);
    expect(report.byAccount).toEqual([{ key: '111111111111', count: 1 }]);
  });
});
