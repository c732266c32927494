import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackServer, type SlackServer } from '../../../src/cli/commands/slack.command.js';
import type { CommandContext } from '../../../src/cli/context.js';
import { findCommand } from '../../../src/cli/spec.js';
import { signSlackRequest } from '../../../src/adapters/slack/signature.js';
import { certflow } from '../../support/cli.js';
import { LocalFixture, THREE_CERTIFICATES } from '../../support/local-fixture.js';

const SECRET = 'local0signing0secret0for0e2e0tests';

/** A stand-in for slack.com and its response URLs on loopback, recording what certflow sends. */
async function fakeSlack(): Promise<{ server: Server; base: string; calls: { path: string; body: Record<string, unknown> }[] }> {
  const calls: { path: string; body: Record<string, unknown> }[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      calls.push({ path: req.url ?? '', body: JSON.parse(text || '{}') as Record<string, unknown> });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, channel: 'C0APPROVE', ts: '1700000000.000200' }));
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const address = server.address();
  return { server, base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port.toString() : '0'}`, calls };
}

describe('certflow slack serve', () => {
  let fx: LocalFixture;
  let slack: Awaited<ReturnType<typeof fakeSlack>>;
  let endpoint: SlackServer | undefined;
  beforeEach(async () => {
    slack = await fakeSlack();
    fx = new LocalFixture(
      `${THREE_CERTIFICATES}notifiers:
  - name: slack
    kind: slack
    options:
      teamId: T0LOCAL01
      appId: A0LOCAL01
      signingSecret: file:slack-signing-secret
      botToken: file:slack-bot-token
      approvalChannel: C0APPROVE
      users: { U0ALICE01: alice, U0CAROL01: carol }
      apiBaseUrl: ${slack.base}/api
      responseUrlPrefix: ${slack.base}/hooks/
`,
    );
    writeFileSync(join(fx.dir, 'slack-signing-secret'), `${SECRET}\n`, { mode: 0o600 });
    writeFileSync(join(fx.dir, 'slack-bot-token'), 'xoxb-000000000000-0000000000000-LocalLocalLocalLocalLoca\n', { mode: 0o600 });
  });
  afterEach(async () => {
    await endpoint?.close();
    endpoint = undefined;
    await new Promise((done) => slack.server.close(done));
    fx.dispose();
  });

  it('serves the endpoint on loopback: a forged click is refused, the requester is refused, an approver decides', async () => {
    // Prepare: a run asks in Slack (the fake), giving the button the endpoint will receive.
    const run = await certflow(['run', '--config', fx.configPath], { cwd: fx.dir });
    const posted = slack.calls.find((c) => c.path === '/api/chat.postMessage')!;
    const actions = (posted.body['blocks'] as { type: string; elements?: { value: string }[] }[]).find((b) => b.type === 'actions')!;
    const value = actions.elements![0]!.value;
    const ctx = { io: { stdout: () => undefined, stderr: () => undefined, env: {}, cwd: fx.dir }, spec: findCommand('slack')!, path: 'certflow slack serve', values: { config: fx.configPath }, positionals: [] } as CommandContext;
    endpoint = await startSlackServer(ctx, '127.0.0.1:0');
    const click = (user: string, secret = SECRET) => {
      const body = `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', team: { id: 'T0LOCAL01' }, api_app_id: 'A0LOCAL01', user: { id: user }, actions: [{ action_id: 'certflow.approve', value }], response_url: `${slack.base}/hooks/1` }))}`;
      const ts = Math.floor(Date.now() / 1000).toString();
      return fetch(endpoint!.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': signSlackRequest(secret, ts, body) }, body });
    };
    // Act
    const forged = await click('U0ALICE01', 'another-secret');
    const self = await click('U0CAROL01');
    const approved = await click('U0ALICE01');
    await new Promise((r) => setTimeout(r, 100));
    await endpoint.close();
    endpoint = undefined;
    const late = await certflow(['deny', 'payments', '--as', 'bob', '--config', fx.configPath], { cwd: fx.dir });
    // Assess
    expect(run.code).toBe(0);
    expect([forged.status, await forged.text()]).toEqual([401, '']);
    expect(self.status).toBe(200);
    expect(approved.status).toBe(200);
    expect(slack.calls.filter((c) => c.path === '/hooks/1').map((c) => c.body['text'])).toEqual(['You asked for this certificate, so you cannot decide on it.', expect.stringContaining('Approved by alice')]);
    expect(late.stderr).toMatch(/APPROVAL\.NOT_PENDING: request req_\S+ is approved/);
  });
});
