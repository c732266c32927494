import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawBody, signSlackRequest, verifySlackSignature } from '../../../../src/adapters/slack/signature.js';
import type { CertificateRequest } from '../../../../src/domain/request.js';
import { NOW_S, SECRET, SlackLab, payloadBody, signed } from './slack-harness.js';

const hmacHex = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('hex');

describe('verifySlackSignature', () => {
  const body = Buffer.from('payload=%7B%22type%22%3A%22block_actions%22%7D');

  it.each([
    ['now−299', -299, true],
    ['now−300', -300, true],
    ['now+299', 299, true],
    ['now−301', -301, false],
    ['now−3600', -3600, false],
    ['now+301', 301, false],
    ['now+86400', 86400, false],
  ])('treats a timestamp of %s as fresh (%s s): %s', (_, offset, ok) => {
    // Prepare
    const request = signed(body, NOW_S + offset);
    // Act
    const verdict = verifySlackSignature(SECRET, { headers: request.headers, body }, NOW_S);
    // Assess
    expect(verdict.ok).toBe(ok);
  });

  it.each([
    ['non-numeric', 'abc', 'malformed-timestamp'],
    ['negative', '-1', 'malformed-timestamp'],
    ['fractional', `${NOW_S.toString()}.5`, 'malformed-timestamp'],
    ['with a sign', `+${NOW_S.toString()}`, 'malformed-timestamp'],
    ['zero (the epoch)', '0', 'stale-timestamp'],
    ['empty', '', 'missing-timestamp'],
  ])('refuses a timestamp that is %s even when signed over it', (_, ts, reason) => {
    // Prepare
    const headers = { 'x-slack-request-timestamp': ts, 'x-slack-signature': signSlackRequest(SECRET, ts, body) };
    // Act
    const verdict = verifySlackSignature(SECRET, { headers, body }, NOW_S);
    // Assess
    expect(verdict).toEqual({ ok: false, reason });
  });

  it('reads header names in any letter case', () => {
    // Prepare
    const ts = NOW_S.toString();
    const headers = { 'X-SLACK-REQUEST-TIMESTAMP': ts, 'x-Slack-Signature': signSlackRequest(SECRET, ts, body) };
    // Assess
    expect(verifySlackSignature(SECRET, { headers, body }, NOW_S)).toEqual({ ok: true });
  });

  it('verifies a base64-encoded body over its decoded bytes', () => {
    // Prepare
    const ts = NOW_S.toString();
    const headers = { 'x-slack-request-timestamp': ts, 'x-slack-signature': signSlackRequest(SECRET, ts, body) };
    // Act
    const decoded = rawBody(body.toString('base64'), true);
    const undecoded = rawBody(body.toString('base64'), false);
    // Assess
    expect(verifySlackSignature(SECRET, { headers, body: decoded }, NOW_S)).toEqual({ ok: true });
    expect(verifySlackSignature(SECRET, { headers, body: undecoded }, NOW_S)).toEqual({ ok: false, reason: 'mismatch' });
  });
});

describe('Slack interactivity under forged requests', () => {
  let lab: SlackLab;
  let request: CertificateRequest;
  beforeEach(async () => {
    lab = new SlackLab();
    request = await lab.pending();
  });
  afterEach(() => lab.dispose());

  /** 100 forgeries of one valid approval by alice, in the families the issue lists. */
  function forgeries(): { name: string; headers: Record<string, string | string[]>; body: string }[] {
    const body = payloadBody({ requestId: request.id, hash: request.contentHash });
    const other = payloadBody({ requestId: request.id, hash: request.contentHash, user: 'UBOB' });
    const ts = NOW_S.toString();
    const good = hmacHex(SECRET, `v0:${ts}:${body}`);
    // null leaves a header out.
    const h = (signature: string | string[] | undefined, timestamp: string | string[] | null = ts) => ({
      ...(timestamp === null ? {} : { 'x-slack-request-timestamp': timestamp }),
      ...(signature === undefined ? {} : { 'x-slack-signature': signature }),
    });
    const list: { name: string; headers: Record<string, string | string[]>; body: string }[] = [];
    for (let i = 0; i < 20; i++) list.push({ name: `random hex ${i.toString()}`, headers: h(`v0=${randomBytes(32).toString('hex')}`), body });
    for (let i = 0; i < 10; i++) list.push({ name: `HMAC of another body ${i.toString()}`, headers: h(`v0=${hmacHex(SECRET, `v0:${ts}:${other}${' '.repeat(i)}`)}`), body });
    for (let i = 0; i < 10; i++) list.push({ name: `wrong secret ${i.toString()}`, headers: h(`v0=${hmacHex(`${SECRET}${i.toString()}`, `v0:${ts}:${body}`)}`), body });
    for (const version of ['v1', 'v00', 'V0', 'v', '', 'sha256', 'v0 ', 'v0:', 'v2', 'v0v0']) list.push({ name: `version ${version}`, headers: h(`${version}=${good}`), body });
    for (let i = 1; i <= 10; i++) list.push({ name: `truncated by ${i.toString()}`, headers: h(`v0=${good.slice(0, 64 - i)}`), body });
    list.push({ name: 'upper-case hex', headers: h(`v0=${good.toUpperCase()}`), body });
    list.push({ name: 'upper-case prefix', headers: h(`V0=${good}`), body });
    list.push({ name: 'extended by a digit', headers: h(`v0=${good}0`), body });
    list.push({ name: 'without the prefix', headers: h(good), body });
    list.push({ name: 'signature over another timestamp', headers: h(`v0=${hmacHex(SECRET, `v0:${(NOW_S - 1).toString()}:${body}`)}`), body });
    list.push({ name: 'signature without the version in the base string', headers: h(`v0=${hmacHex(SECRET, `${ts}:${body}`)}`), body });
    list.push({ name: 'signature of the body alone', headers: h(`v0=${hmacHex(SECRET, body)}`), body });
    list.push({ name: 'signature keyed with the empty secret', headers: h(`v0=${hmacHex('', `v0:${ts}:${body}`)}`), body });
    list.push({ name: 'good signature, body changed after signing', headers: h(`v0=${good}`), body: other });
    list.push({ name: 'good signature, body with a trailing newline', headers: h(`v0=${good}`), body: `${body}\n` });
    for (let i = 0; i < 4; i++) list.push({ name: `missing signature ${i.toString()}`, headers: h(undefined, i % 2 ? ts : null), body });
    list.push({ name: 'missing timestamp', headers: h(`v0=${good}`, null), body });
    list.push({ name: 'empty signature', headers: h(''), body });
    list.push({ name: 'empty timestamp', headers: h(`v0=${good}`, ''), body });
    list.push({ name: 'empty v0=', headers: h('v0='), body });
    list.push({ name: 'duplicated signature header (list)', headers: h([`v0=${good}`, `v0=${good}`]), body });
    list.push({ name: 'duplicated signature header (joined)', headers: h(`v0=${good}, v0=${good}`), body });
    list.push({ name: 'duplicated signature header (one bad)', headers: h([`v0=${'0'.repeat(64)}`, `v0=${good}`]), body });
    list.push({ name: 'duplicated timestamp header', headers: h(`v0=${good}`, [ts, ts]), body });
    list.push({ name: 'duplicated timestamp (joined)', headers: h(`v0=${good}`, `${ts}, ${ts}`), body });
    list.push({ name: 'duplicated headers in two cases', headers: { ...h(`v0=${good}`), 'X-Slack-Signature': `v0=${good}` }, body });
    for (let i = 0; list.length < 95; i++) {
      const stale = NOW_S - 301 - i * 97;
      list.push({ name: `replayed from ${stale.toString()}`, headers: h(`v0=${hmacHex(SECRET, `v0:${stale.toString()}:${body}`)}`, stale.toString()), body });
    }
    for (const future of [301, 3600, 86400, 10 ** 9, 10 ** 11]) {
      const at = (NOW_S + future).toString();
      list.push({ name: `future ${future.toString()}`, headers: h(`v0=${hmacHex(SECRET, `v0:${at}:${body}`)}`, at), body });
    }
    return list;
  }

  it('accepts none of 100 forged requests, writes nothing, and answers each with a 4xx and an empty body', async () => {
    // Prepare
    const list = forgeries();
    // Act
    const results = await Promise.all(list.map((f) => lab.handle({ headers: f.headers, body: f.body })));
    // Assess
    expect(list).toHaveLength(100);
    const accepted = list.map((f, i) => `${f.name}: ${results[i]?.outcome ?? ''}`).filter((line) => !line.endsWith(': forged'));
    expect(accepted).toEqual([]);
    expect(lab.writes).toHaveLength(0);
    expect(results.every((r) => r.status === 401 && r.body === '' && r.after === undefined)).toBe(true);
    expect((await lab.current(request.id)).votes).toEqual([]);
  });

  it('accepts the one real request the forgeries imitate (a positive control)', async () => {
    // Act
    const real = await lab.handle(signed(payloadBody({ requestId: request.id, hash: request.contentHash })));
    // Assess
    expect(real).toMatchObject({ status: 200, outcome: 'decided' });
    expect(lab.writes).toHaveLength(1);
  });
});

describe('Slack signatures over generated payloads (property)', () => {
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('café.example.com', 'naïve Ünïcødé', '🔐🚀 cert', 'a+b c', '%20 literal', '100% sure', '&=?#', 'spiffe://td/ns/a b'),
  );
  const payload = fc.record({ names: fc.array(text, { maxLength: 5 }), comment: text, user: fc.stringMatching(/^U[A-Z0-9]{4,10}$/), base64: fc.boolean(), ts: fc.integer({ min: NOW_S - 299, max: NOW_S + 299 }) });

  it('verifies 1,000 valid payloads and refuses each after any single-byte change', () => {
    fc.assert(
      fc.property(payload, fc.nat(), fc.integer({ min: 1, max: 255 }), (p, position, flip) => {
        // Prepare: form-encode as Slack does (spaces become +, % is escaped), sign the exact bytes.
        const body = Buffer.from(new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { id: p.user }, names: p.names, comment: p.comment }) }).toString(), 'utf8');
        const ts = p.ts.toString();
        const headers = { 'x-slack-request-timestamp': ts, 'x-slack-signature': signSlackRequest(SECRET, ts, body) };
        const wire = p.base64 ? body.toString('base64') : body.toString('utf8');
        const changed = Buffer.from(body);
        const at = position % changed.length;
        changed[at] = changed[at]! ^ flip;
        // Act
        const valid = verifySlackSignature(SECRET, { headers, body: rawBody(wire, p.base64) }, NOW_S);
        const tampered = verifySlackSignature(SECRET, { headers, body: changed }, NOW_S);
        // Assess
        return valid.ok && !tampered.ok;
      }),
      { numRuns: 1000, seed: 11 },
    );
  });
});
