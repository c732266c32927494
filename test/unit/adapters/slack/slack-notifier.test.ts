import { afterEach, describe, expect, it, vi } from 'vitest';
import { SlackNotifier } from '../../../../src/adapters/slack/slack.notifier.js';
import { SlackWebApi, type FetchLike } from '../../../../src/adapters/slack/web-api.js';
import { notificationFor } from '../../../../src/app/notify.use-case.js';
import { isCertflowError } from '../../../../src/domain/errors/index.js';
import { findKeyMaterial } from '../../../support/leak-scan.js';
import { aPolicy } from '../../../support/builders.js';
import { SECRET, SlackLab, payloadBody, signed } from './slack-harness.js';

const TOKEN = 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx';

/** A fake Slack Web API: records calls, answers from a script (default ok with a ts). */
function fakeSlack(script: ((method: string) => { status: number; body?: unknown; headers?: Record<string, string> } | undefined)[] = []) {
  const calls: { method: string; body: Record<string, unknown>; headers: Record<string, string> }[] = [];
  const fetch: FetchLike = (url, init) => {
    const method = url.split('/').pop() ?? '';
    calls.push({ method, body: JSON.parse(init.body ?? '{}') as Record<string, unknown>, headers: init.headers });
    const scripted = script.shift()?.(method);
    const answer = scripted ?? { status: 200, body: { ok: true, channel: 'CAPPROVE', ts: `1700000000.${calls.length.toString().padStart(6, '0')}` } };
    if (answer.status === 0) return Promise.reject(Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }));
    return Promise.resolve({ status: answer.status, headers: { get: (n: string) => answer.headers?.[n.toLowerCase()] ?? null }, json: () => Promise.resolve(answer.body) });
  };
  return { calls, fetch };
}

describe('slack notifier', () => {
  const labs: SlackLab[] = [];
  afterEach(async () => {
    await Promise.all(labs.splice(0).map((l) => l.dispose()));
    vi.restoreAllMocks();
  });

  async function approvalEvent(l: SlackLab) {
    const request = await l.pending();
    const events = await l.store.pending(10);
    const event = events.find((e) => e.detailType === 'Approval Requested')!;
    return { request, event: { 'detail-type': event.detailType, detail: event.detail } };
  }

  it('posts Approval Requested as a Block Kit message with the request, the reasons and confirmed buttons, once', async () => {
    // Prepare
    const l = new SlackLab(aPolicy({ autoApprove: [], approvers: [] }));
    labs.push(l);
    const { request, event } = await approvalEvent(l);
    const slack = fakeSlack();
    const notifier = new SlackNotifier(() => Promise.resolve(new SlackWebApi({ token: TOKEN, fetch: slack.fetch })), { approvalChannel: 'CAPPROVE' }, l.state);
    const notification = notificationFor(event)!;
    // Act
    await notifier.notify(notification);
    await notifier.notify(notification);
    // Assess
    expect(slack.calls.map((c) => c.method)).toEqual(['chat.postMessage']);
    const blocks = JSON.stringify(slack.calls[0]?.body['blocks']);
    for (const part of ['pay.example.com', 'Issuer', 'local', 'EC_P256', '90 days', 'carol', 'no auto-approval rule covers every name of the request', 'certflow.approve', 'certflow.deny', '"confirm"']) {
      expect(blocks).toContain(part);
    }
    expect(blocks).toContain(JSON.stringify(JSON.stringify({ r: request.id, h: request.contentHash })).slice(1, -1));
  });

  it('replaces the posted message when the decision or the expiry comes, and sends alerts to the channel of their severity', async () => {
    // Prepare
    const l = new SlackLab(aPolicy({ autoApprove: [], approvers: [] }));
    labs.push(l);
    const { request, event } = await approvalEvent(l);
    const slack = fakeSlack();
    const notifier = new SlackNotifier(() => Promise.resolve(new SlackWebApi({ token: TOKEN, fetch: slack.fetch })), { approvalChannel: 'CAPPROVE', channels: { critical: 'CPAGER', warning: 'CWARN' } }, l.state);
    await notifier.notify(notificationFor(event)!);
    // Act
    await notifier.notify(notificationFor({ 'detail-type': 'Issuance Denied', detail: { requestId: request.id, certificateId: 'pay', decidedBy: 'approvers', approvers: ['bob'], reason: 'not ours' } })!);
    await notifier.notify(notificationFor({ 'detail-type': 'Approval Expired', detail: { requestId: request.id, certificateId: 'pay', deadline: '2026-11-04T00:00:00Z' } })!);
    await notifier.notify(notificationFor({ 'detail-type': 'Certificate Expired', detail: { certificateId: 'web', locator: 'web', notAfter: '2026-11-01T00:00:00Z' } })!);
    await notifier.notify(notificationFor({ 'detail-type': 'Certificate Expiring', detail: { certificateId: 'web', locator: 'web', daysRemaining: 14, notAfter: 'x', thresholdDays: 14 } })!);
    // Assess
    expect(slack.calls.map((c) => [c.method, c.body['channel']])).toEqual([
      ['chat.postMessage', 'CAPPROVE'],
      ['chat.update', 'CAPPROVE'],
      ['chat.update', 'CAPPROVE'],
      ['chat.postMessage', 'CPAGER'],
      ['chat.postMessage', 'CWARN'],
    ]);
    expect(slack.calls[1]?.body['ts']).toBe('1700000000.000001');
    expect(JSON.stringify(slack.calls[1]?.body['blocks'])).toContain('Denied by bob');
    expect(JSON.stringify(slack.calls[1]?.body['blocks'])).not.toContain('certflow.approve');
    expect(JSON.stringify(slack.calls[2]?.body['blocks'])).toContain('Expired: nobody decided before the deadline');
  });

  it("honours Slack's 429 Retry-After, and gives up with a retryable error beyond its bound", async () => {
    // Prepare
    const slack = fakeSlack([() => ({ status: 429, headers: { 'retry-after': '2' } }), () => ({ status: 429, headers: { 'retry-after': '1' } })]);
    const slept: number[] = [];
    const api = new SlackWebApi({ token: TOKEN, fetch: slack.fetch, sleep: (ms) => {
        slept.push(ms);
        return Promise.resolve();
      } });
    const slow = fakeSlack([() => ({ status: 429, headers: { 'retry-after': '120' } })]);
    const impatient = new SlackWebApi({ token: TOKEN, fetch: slow.fetch, sleep: () => Promise.resolve() });
    // Act
    const answer = await api.call('chat.postMessage', { channel: 'C1', text: 'x' });
    const refused = await impatient.call('chat.postMessage', { channel: 'C1', text: 'x' }).catch((e: unknown) => e);
    // Assess
    expect(answer['ok']).toBe(true);
    expect(slept).toEqual([2000, 1000]);
    expect(slack.calls).toHaveLength(3);
    expect(refused).toMatchObject({ code: 'SLACK.UNAVAILABLE', retryable: true, message: 'Slack chat.postMessage is rate limited (retry after 120 s)' });
  });

  it('lets no token, signing secret or signature into logs, events, errors, responses or messages', async () => {
    // Prepare: everything that leaves certflow during a run of approvals, alerts and failures.
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => out.push(String(s)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => out.push(String(s)) > 0);
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.map(String).join(' ')));
    const l = new SlackLab(aPolicy({ autoApprove: [], approvers: [] }));
    labs.push(l);
    const { request, event } = await approvalEvent(l);
    const slack = fakeSlack([
      () => ({ status: 200, body: { ok: false, error: 'invalid_auth' } }),
      () => ({ status: 503 }),
      () => ({ status: 0 }),
      () => ({ status: 200, body: 'not json' }),
    ]);
    const notifier = new SlackNotifier(() => Promise.resolve(new SlackWebApi({ token: TOKEN, fetch: slack.fetch })), { approvalChannel: 'CAPPROVE' }, l.state);
    // Act
    const errors: unknown[] = [];
    for (let i = 0; i < 5; i++) await notifier.notify(notificationFor(event)!).catch((e: unknown) => errors.push(e));
    const forged = await l.handle({ ...signed(payloadBody({ requestId: request.id, hash: request.contentHash }), undefined, 'another-secret') });
    const real = signed(payloadBody({ requestId: request.id, hash: request.contentHash }));
    const decided = await l.handle(real);
    await decided.after?.();
    const replay = await l.handle(real);
    await replay.after?.();
    // Assess
    const texts = [
      ...out,
      ...errors.map((e) => (isCertflowError(e) ? JSON.stringify(e) + e.message + JSON.stringify(e.context) : String(e))),
      JSON.stringify([forged, decided, replay]),
      JSON.stringify(l.responses),
      JSON.stringify(l.writes.map((w) => [w.data, w.events])),
      JSON.stringify(await l.store.pending(100)),
      JSON.stringify(slack.calls.map((c) => c.body)),
    ].join('\n');
    expect(errors).toHaveLength(4);
    expect(findKeyMaterial(texts)).toEqual([]);
    expect(texts).not.toContain(TOKEN);
    expect(texts).not.toContain(SECRET);
    expect(texts).not.toContain(String(real.headers['X-Slack-Signature']));
    // The token went where it belongs: the Authorization header, and nowhere else.
    expect(slack.calls.every((c) => c.headers['authorization'] === `Bearer ${TOKEN}`)).toBe(true);
  });
});
