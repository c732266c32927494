import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../../src/adapters/local/sqlite.state-store.js';
import { discoverCertificates, type DiscoveryProgress } from '../../../src/app/discover-certificates.use-case.js';
import { keys, type CertificateRecord } from '../../../src/app/records.js';
import { discoveredCertificateId } from '../../../src/domain/certificate.js';
import { readCertificateFacts } from '../../../src/crypto/index.js';
import type { CertificateSource, ObservedCertificate, SourceScope } from '../../../src/ports/certificate-source.port.js';
import { aLeaf } from '../../support/certs.js';

const NOW = new Date('2026-11-01T00:00:00Z');
const clock = { now: () => NOW };
let state: SqliteStateStore;
beforeEach(() => {
  state = SqliteStateStore.open(':memory:');
});
afterEach(async () => {
  await state.close();
});

const observed = (locator: string): ObservedCertificate => ({ origin: 'acm', locator, facts: readCertificateFacts(aLeaf({ dns: ['x.example.com'], now: NOW }).pem), changeTag: 't1' });

/** Two account-regions; `held` decides what each holds on the next scan; `fail` fails a scope. */
function twoRegions(held: Record<string, ObservedCertificate[]>, fail: Set<string>): CertificateSource {
  const scopes: SourceScope[] = ['eu-west-1', 'us-east-1'].map((region) => ({ id: `acm:111111111111:${region}`, description: region, account: '111111111111', region }));
  return {
    name: 'acm',
    listScopes: async () => scopes,
    scan: async (scope) => (fail.has(scope.id) ? { scope, ok: false, code: 'SOURCE.UNAVAILABLE', message: 'down' } : { scope, ok: true, certificates: held[scope.id] ?? [], problems: [] }),
  };
}

describe('discoverCertificates', () => {
  it('marks a certificate vanished when a successful scan of its scope no longer finds it, and not when the scan failed', async () => {
    // Prepare
    const a = observed('arn:aws:acm:eu-west-1:111111111111:certificate/a');
    const b = observed('arn:aws:acm:us-east-1:111111111111:certificate/b');
    const held = { 'acm:111111111111:eu-west-1': [a], 'acm:111111111111:us-east-1': [b] };
    const fail = new Set<string>();
    const discover = discoverCertificates({ state, clock, sources: [twoRegions(held, fail)] });
    await discover();
    // Act: a is gone from a region that scans fine; b's region fails
    held['acm:111111111111:eu-west-1'] = [];
    fail.add('acm:111111111111:us-east-1');
    await discover();
    // Assess
    const get = async (o: ObservedCertificate) => (await state.get<CertificateRecord>(keys.certificate(discoveredCertificateId('acm', o.locator))))?.data;
    expect((await get(a))?.vanishedAt).toEqual(NOW);
    expect((await get(b))?.vanishedAt).toBeUndefined();
    expect(await get(b)).toMatchObject({ account: '111111111111', region: 'us-east-1', source: 'acm', changeTag: 't1' });
  });

  it('reports progress per scope and one failing scope without stopping the other', async () => {
    // Prepare
    const held = { 'acm:111111111111:eu-west-1': [observed('arn:aws:acm:eu-west-1:111111111111:certificate/a')] };
    const progress: DiscoveryProgress[] = [];
    // Act
    const reports = await discoverCertificates({ state, clock, sources: [twoRegions(held, new Set(['acm:111111111111:us-east-1']))] })({ onProgress: (p) => progress.push(p) });
    // Assess
    expect(reports.map((r) => [r.scope, r.ok, r.seen])).toEqual([
      ['acm:111111111111:eu-west-1', true, 1],
      ['acm:111111111111:us-east-1', false, 0],
    ]);
    expect(progress.at(-1)).toEqual({ scopesDone: 2, scopesTotal: 2, certificatesSeen: 1, errors: 1 });
  });
});
