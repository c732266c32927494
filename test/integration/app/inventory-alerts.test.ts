import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCycle } from '../../../src/app/run-cycle.use-case.js';
import { buildCertificate, generateKeyPair, randomSerialNumber } from '../../../src/crypto/index.js';
import { DAY, LocalFixture } from '../../support/local-fixture.js';

const START = new Date('2026-11-01T00:00:00Z');

function handMadeCertificate(path: string, notBefore: Date, notAfter: Date): void {
  const { privateKey, publicKey } = generateKeyPair('EC_P256');
  writeFileSync(path, buildCertificate({
    subjectPublicKey: publicKey,
    subjectPrivateKey: privateKey,
    subjectCommonName: 'legacy.example.com',
    issuer: 'self',
    serialNumber: randomSerialNumber(),
    notBefore,
    notAfter,
    names: { dns: ['legacy.example.com'], ip: [], uri: [] },
    isCA: false,
  }));
}

const WITH_SOURCE = (extra = '') => `
dataDir: data
issuers: [{ name: local, kind: local-ca }]
policy: { autoApprove: [{ name: internal, names: ['**.internal.example.com'] }], approvers: [alice] }
sources: [{ name: legacy, kind: pem-folder, path: legacy, owner: team-legacy }]
certificates:
  - { id: api, dnsNames: [api.internal.example.com], issuer: local, owner: team-api }
${extra}`;

describe('inventory and expiry alerts', () => {
  const fixtures: LocalFixture[] = [];
  afterEach(async () => {
    for (const fx of fixtures.splice(0)) await fx.dispose();
  });

  function fixture(config = WITH_SOURCE()) {
    const fx = new LocalFixture(config, START);
    fixtures.push(fx);
    mkdirSync(join(fx.dir, 'legacy'));
    return fx;
  }

  async function cycle(fx: LocalFixture) {
    const rt = await fx.open();
    return runCycle(rt.deps)(rt.config.certificates);
  }

  it('discovers a hand-made certificate once and alerts at each threshold once', async () => {
    // Prepare: a 90-day certificate with 10 days left
    const fx = fixture();
    handMadeCertificate(join(fx.dir, 'legacy', 'legacy.pem'), new Date(START.getTime() - 80 * DAY), new Date(START.getTime() + 10 * DAY));
    // Act
    const first = await cycle(fx);
    const again = await cycle(fx);
    fx.clock.advance(4 * DAY);
    const later = await cycle(fx);
    fx.clock.advance(7 * DAY);
    const expired = await cycle(fx);
    // Assess
    expect(first.discovery).toEqual([expect.objectContaining({ source: 'legacy', ok: true, seen: 1, added: 1 })]);
    expect(first.alerts).toEqual([expect.objectContaining({ kind: 'expiring', thresholdDays: 14, daysRemaining: 10 })]);
    expect(again.discovery).toEqual([expect.objectContaining({ seen: 1, added: 0 })]);
    expect(again.alerts).toEqual([]);
    expect(later.alerts).toEqual([expect.objectContaining({ kind: 'expiring', thresholdDays: 7, daysRemaining: 6 })]);
    expect(expired.alerts).toEqual([expect.objectContaining({ kind: 'expired' })]);
  });

  it('keeps scanning past a malformed file and reports it with its path', async () => {
    // Prepare
    const fx = fixture();
    writeFileSync(join(fx.dir, 'legacy', 'broken.pem'), '-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n');
    handMadeCertificate(join(fx.dir, 'legacy', 'good.pem'), START, new Date(START.getTime() + 90 * DAY));
    // Act
    const report = await cycle(fx);
    // Assess
    expect(report.discovery[0]).toMatchObject({ ok: true, seen: 1, added: 1 });
    expect(report.discovery[0]?.problems).toEqual([expect.stringContaining('broken.pem')]);
    expect(report.work.filter((w) => w.status === 'issued')).toHaveLength(1);
  });

  it('alerts on a managed certificate only once its renewal is overdue', async () => {
    // Prepare: 'web' needs a human, who never comes
    const fx = fixture(WITH_SOURCE('  - { id: web, dnsNames: [www.example.com], issuer: local, owner: team-web, requester: carol }'));
    const first = await cycle(fx);
    const web = first.plan.find((p) => p.certificateId === 'web');
    const rt = await fx.open();
    const { decideRequest } = await import('../../../src/app/decide-request.use-case.js');
    await decideRequest(rt.deps)({ requestId: web?.action === 'requested' ? web.request.id : '', approver: 'alice', verdict: 'approve' });
    await cycle(fx);
    // Act: at 61 days the renewal waits for approval; at 62 the 30-day threshold has been crossed
    fx.clock.advance(61 * DAY);
    const overdue = await cycle(fx);
    // Assess
    expect(overdue.alerts.map((a) => a.certificateId)).toEqual(['web']);
    expect(overdue.alerts[0]).toMatchObject({ kind: 'expiring', thresholdDays: 30 });
    expect(overdue.work.filter((w) => w.status === 'issued').map((w) => (w.status === 'issued' ? w.certificateId : ''))).toEqual(['api']);
  });

  it('opens one new revision when the configuration changes the names', async () => {
    // Prepare
    const fx = fixture();
    await cycle(fx);
    fx.writeConfig(WITH_SOURCE().replace('[api.internal.example.com]', '[api.internal.example.com, api2.internal.example.com]'));
    // Act
    const changed = await cycle(fx);
    const again = await cycle(fx);
    // Assess
    expect(changed.work).toEqual([expect.objectContaining({ status: 'issued', certificateId: 'api', revision: 2 })]);
    expect(again.work).toEqual([]);
  });
});
