import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCycle } from '../../../src/app/run-cycle.use-case.js';
import { decideRequest } from '../../../src/app/decide-request.use-case.js';
import { issueCertificate } from '../../../src/app/issue-certificate.use-case.js';
import { planRenewals } from '../../../src/app/plan-renewals.use-case.js';
import { keys, type CertificateRecord } from '../../../src/app/records.js';
import { validateDetail } from '../../../src/domain/events/validate.js';
import { findKeyMaterial } from '../../support/leak-scan.js';
import { DAY, LocalFixture } from '../../support/local-fixture.js';

describe('local pipeline', () => {
  let fx: LocalFixture;
  beforeEach(() => {
    fx = new LocalFixture();
  });
  afterEach(() => fx.dispose());

  async function cycle() {
    const rt = await fx.open();
    return runCycle(rt.deps)(rt.config.certificates);
  }

  it('issues what policy approves and holds the rest for a human', async () => {
    // Act
    const report = await cycle();
    // Assess
    const issued = report.work.filter((w) => w.status === 'issued').map((w) => (w.status === 'issued' ? w.certificateId : ''));
    expect(issued.sort()).toEqual(['api', 'grpc']);
    const payments = report.plan.find((p) => p.certificateId === 'payments');
    expect(payments?.action === 'requested' && payments.request.state).toBe('pending_approval');
    expect(report.events.failed).toEqual([]);
  });

  it('issues nothing on a second run and says why', async () => {
    // Prepare
    await cycle();
    // Act
    const second = await cycle();
    // Assess
    expect(second.work).toEqual([]);
    expect(second.plan.map((p) => p.action)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(second.plan.find((p) => p.certificateId === 'api')).toMatchObject({ why: expect.stringMatching(/^not due until /) });
    expect(second.plan.find((p) => p.certificateId === 'payments')).toMatchObject({ why: expect.stringMatching(/is pending_approval$/) });
  });

  it('renews a certificate made due exactly once', async () => {
    // Prepare
    await cycle();
    fx.clock.advance(21 * DAY); // grpc: 30-day lifetime, renew 10 days before expiry
    // Act
    const due = await cycle();
    const again = await cycle();
    // Assess
    expect(due.work.filter((w) => w.status === 'issued')).toEqual([
      expect.objectContaining({ certificateId: 'grpc', revision: 2 }),
    ]);
    expect(again.work).toEqual([]);
    const rt = await fx.open();
    const grpc = await rt.deps.state.get<CertificateRecord>(keys.certificate('grpc'));
    expect(grpc?.data.revision).toBe(2);
    const versions = await rt.deps.keys.listVersions('certflow/grpc');
    expect(versions.filter((v) => v.labels.includes('CURRENT')).map((v) => v.versionId)).toEqual([expect.stringMatching(/^r2-[\w-]{10}$/)]);
    expect(versions.filter((v) => v.labels.includes('PREVIOUS')).map((v) => v.versionId)).toEqual([expect.stringMatching(/^r1-[\w-]{10}$/)]);
  });

  it('issues an approved request on the next run, and keeps the decision once written', async () => {
    // Prepare
    const first = await cycle();
    const payments = first.plan.find((p) => p.certificateId === 'payments');
    const requestId = payments?.action === 'requested' ? payments.request.id : '';
    const rt = await fx.open();
    const decide = decideRequest(rt.deps);
    // Act
    const self = decide({ requestId, approver: 'carol', verdict: 'approve' });
    await expect(self).rejects.toMatchObject({ code: 'APPROVAL.SELF_APPROVAL' });
    const approved = await decide({ requestId, approver: 'alice', verdict: 'approve' });
    const change = await decide({ requestId, approver: 'bob', verdict: 'deny' }).catch((error: unknown) => error);
    const next = await cycle();
    // Assess
    expect(approved.state).toBe('approved');
    expect(change).toMatchObject({ code: 'APPROVAL.NOT_PENDING' });
    expect(next.work).toEqual([expect.objectContaining({ status: 'issued', certificateId: 'payments' })]);
  });

  it('publishes only events that validate and carry no key material', async () => {
    // Prepare
    await cycle();
    fx.clock.advance(61 * DAY);
    await cycle();
    // Act
    const log = readFileSync(join(fx.dir, 'data', 'events.jsonl'), 'utf8');
    const events = log.trim().split('\n').map((l) => JSON.parse(l) as { 'detail-type': string; detail: unknown });
    // Assess
    expect(new Set(events.map((e) => e['detail-type']))).toEqual(
      new Set(['Issuance Requested', 'Issuance Approved', 'Approval Requested', 'Approval Expired', 'Certificate Issued', 'Certificate Rotated', 'Certificate Renewed']),
    );
    for (const e of events) expect(validateDetail(e['detail-type'], e.detail).ok).toBe(true);
    expect(findKeyMaterial(log)).toEqual([]);
  });

  it('never lets a generated private key into an event, in any encoding', async () => {
    // Prepare
    await cycle();
    fx.clock.advance(61 * DAY);
    const rt = await fx.open();
    await runCycle(rt.deps)(rt.config.certificates);
    const log = readFileSync(join(fx.dir, 'data', 'events.jsonl'), 'utf8');
    // Act: every encoding of every key the store holds
    const encodings: string[] = [];
    for (const id of ['api', 'grpc']) {
      for (const v of await rt.deps.keys.listVersions(`certflow/${id}`)) {
        const pem = (await rt.deps.keys.getVersion(`certflow/${id}`, { versionId: v.versionId }))?.material.privateKeyPem ?? '';
        const key = createPrivateKey(pem);
        const der = key.export({ type: 'pkcs8', format: 'der' });
        const d = key.export({ format: 'jwk' }).d ?? '';
        encodings.push(der.toString('base64').slice(20, 80), der.toString('hex').slice(40, 120), d, Buffer.from(d, 'base64url').toString('hex'), Buffer.from(d, 'base64url').toString('base64'));
      }
    }
    // Assess
    expect(encodings.length).toBeGreaterThanOrEqual(4 * 5);
    for (const encoding of encodings) expect(log.includes(encoding)).toBe(false);
  });

  it('lets one of two workers racing on a request issue it, and the other step aside', async () => {
    // Prepare
    const rt = await fx.open();
    const planned = await planRenewals(rt.deps)(rt.config.certificates);
    const api = planned.find((p) => p.certificateId === 'api');
    const requestId = api?.action === 'requested' ? api.request.id : '';
    const issue = issueCertificate(rt.deps);
    // Act
    const outcomes = await Promise.all([issue(requestId), issue(requestId)]);
    // Assess
    expect(outcomes.map((o) => o.status).sort()).toEqual(['issued', 'skipped']);
    const versions = await rt.deps.keys.listVersions('certflow/api');
    const tag = requestId.slice(4, 14);
    expect(versions.map((v) => v.versionId).sort()).toEqual([`r1-${tag}`, `r1-${tag}-key`]);
  });

  it('routes events to the notify rule of events/patterns, as EventBridge would', async () => {
    // Prepare
    const rt = await fx.open();
    // Act
    await runCycle(rt.deps)(rt.config.certificates);
    // Assess
    expect(rt.notifications).toEqual([expect.objectContaining({ severity: 'info', title: 'Approval needed for payments', requestId: expect.stringMatching(/^req_/) })]);
  });
});
