import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDbStateStore } from '../../../src/adapters/aws/dynamodb.state-store.js';
import { signSlackRequest } from '../../../src/adapters/slack/signature.js';
import type { CertificateRequest } from '../../../src/domain/request.js';
import { startDynalite } from '../../support/dynalite.js';
import { lab } from '../../support/aws-lab.js';
import type * as RegistriesModule from '../../../src/adapters/registries.js';
import { captureLambdaOutput } from '../../support/lambda-output.js';
import { findKeyMaterial } from '../../support/leak-scan.js';

vi.mock('../../../src/adapters/registries.js', async (importOriginal) => {
  const shipped = await importOriginal<typeof RegistriesModule>();
  const { labKinds } = await import('../../support/aws-lab.js');
  return { ...shipped, registries: shipped.withKinds(shipped.registries, labKinds) };
});

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const CAROL_ARN = `arn:aws:iam::${ACCOUNT}:user/carol`;
const SIGNING_SECRET = 'e2e0signing0secret0abcdef0123456789';
const BOT_TOKEN = 'xoxb-111111111111-2222222222222-e2eE2eE2eE2eE2eE2eE2eE2e';
const CONFIG = {
  keyStore: { kind: 'lab-sqlite' },
  issuers: [{ name: 'internal', kind: 'pending-twice' }],
  policy: { autoApprove: [], approvers: [], requiredApprovals: 1 },
  notifiers: [
    {
      name: 'slack',
      kind: 'slack',
      options: {
        teamId: 'T0E2E0001',
        appId: 'A0E2E0001',
        signingSecret: 'ssm:/certflow/e2e/slack/signing-secret',
        botToken: 'ssm:/certflow/e2e/slack/bot-token',
        approvalChannel: 'C0APPROVE',
        users: { U0ALICE01: 'alice', U0CAROL01: CAROL_ARN },
      },
    },
  ],
  certificates: [{ id: 'pay', dnsNames: ['pay.internal.example.com'], issuer: 'internal', owner: 'team-pay' }],
};

const ssm = mockClient(SSMClient);
const eventBridge = mockClient(EventBridgeClient);
type Handler = (event: unknown, context: unknown) => Promise<unknown>;
const context = (fn: string) => ({ awsRequestId: randomUUID(), functionName: `certflow-e2e-${fn}`, functionVersion: '$LATEST', invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:certflow-e2e-${fn}`, memoryLimitInMB: '512', getRemainingTimeInMillis: () => 6_000 });

let db: Awaited<ReturnType<typeof startDynalite>>;
let dir: string;

beforeAll(async () => {
  db = await startDynalite();
  dir = mkdtempSync(join(tmpdir(), 'certflow-slack-e2e-'));
  for (const [k, v] of Object.entries({
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    CERTFLOW_STAGE: 'e2e',
    CERTFLOW_EVENT_BUS: 'certflow-e2e',
    CERTFLOW_WORK_QUEUE_URL: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/certflow-e2e-work`,
    CERTFLOW_CONFIG_LOCATION: 'ssm:/certflow/e2e/config',
    CERTFLOW_STATE_TABLE: 'certflow-slack-e2e-state',
  })) vi.stubEnv(k, v);
  await db.createStateTable('certflow-slack-e2e-state');
  Object.assign(lab(), { caDir: join(dir, 'ca'), keysPath: join(dir, 'keys.db'), steps: new Map(), signed: new Map() });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Slack approval on the AWS runtime (in process)', () => {
  it('asks in Slack, refuses a forged click and the requester, records an approver, and updates the message', async () => {
    // Prepare: SSM holds the configuration and the two Slack secrets; EventBridge and Slack are stand-ins.
    const out = captureLambdaOutput();
    const params: Record<string, string> = {
      '/certflow/e2e/config': JSON.stringify(CONFIG),
      '/certflow/e2e/slack/signing-secret': SIGNING_SECRET,
      '/certflow/e2e/slack/bot-token': BOT_TOKEN,
    };
    ssm.on(GetParameterCommand).callsFake((input: { Name: string }) => ({ Parameter: { Name: input.Name, Type: 'SecureString', Value: params[input.Name] } }));
    const published: { 'detail-type': string; detail: Record<string, unknown> }[] = [];
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      for (const e of input.Entries) published.push({ 'detail-type': String(e.DetailType), detail: JSON.parse(e.Detail ?? '{}') as Record<string, unknown> });
      return { FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: randomUUID() })) };
    });
    const slack: { url: string; body: Record<string, unknown>; auth?: string }[] = [];
    vi.stubGlobal('fetch', (url: string, init: { body?: string; headers: Record<string, string> }) => {
      slack.push({ url, body: JSON.parse(init.body ?? '{}') as Record<string, unknown>, ...(init.headers['authorization'] ? { auth: init.headers['authorization'] } : {}) });
      return Promise.resolve({ status: 200, headers: { get: () => null }, json: () => Promise.resolve({ ok: true, channel: 'C0APPROVE', ts: '1700000000.000100' }) });
    });
    vi.resetModules();
    const intake = (await import('../../../functions/request-intake.js')).handler as Handler;
    const publish = (await import('../../../functions/publish-events.js')).handler as Handler;
    const notify = (await import('../../../functions/notify.js')).handler as Handler;
    const click = (await import('../../../functions/slack-interactivity.js')).handler as Handler;
    const drain = async () => {
      const before = published.length;
      await publish({ id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }, context('publishEvents'));
      for (const e of published.slice(before)) if (e['detail-type'] !== 'Issuance Requested') await notify({ id: randomUUID(), source: 'certflow', ...e }, context('notify'));
    };
    const slackClick = (user: string, value: string, secret = SIGNING_SECRET) => {
      const body = `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', team: { id: 'T0E2E0001' }, api_app_id: 'A0E2E0001', user: { id: user }, actions: [{ action_id: 'certflow.approve', value }], response_url: 'https://hooks.slack.com/actions/T0E2E0001/1/x' }))}`;
      const ts = Math.floor(Date.now() / 1000).toString();
      // API Gateway hands form bodies over base64-encoded: the signature covers the decoded bytes.
      return click(
        { version: '2.0', routeKey: 'POST /slack/interactivity', headers: { 'x-slack-request-timestamp': ts, 'x-slack-signature': signSlackRequest(secret, ts, body), 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(body).toString('base64'), isBase64Encoded: true, requestContext: { requestId: randomUUID() } },
        context('slackInteractivity'),
      ) as Promise<{ statusCode: number; body: string }>;
    };
    const table = new DynamoDbStateStore({ client: new DynamoDBClient({ region: REGION }), tableName: 'certflow-slack-e2e-state' });

    // Act
    const asked = (await intake({ version: '2.0', body: JSON.stringify({ certificateId: 'pay' }), isBase64Encoded: false, requestContext: { requestId: randomUUID(), authorizer: { iam: { userArn: CAROL_ARN } } } }, context('requestIntake'))) as { statusCode: number; body: string };
    const { requestId } = JSON.parse(asked.body) as { requestId: string };
    await drain();
    const posted = slack.find((s) => s.url.endsWith('/chat.postMessage'))!;
    const actions = (posted.body['blocks'] as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === 'actions')!;
    const value = actions.elements!.find((e) => e.action_id === 'certflow.approve')!.value;
    const forged = await slackClick('U0ALICE01', value, 'not-the-signing-secret');
    const self = await slackClick('U0CAROL01', value);
    const stillPending = (await table.get<CertificateRequest>({ pk: `REQ#${requestId}`, sk: 'META' }))!.data;
    const approved = await slackClick('U0ALICE01', value);
    const decided = (await table.get<CertificateRequest>({ pk: `REQ#${requestId}`, sk: 'META' }))!.data;
    await drain();
    out.restore();

    // Assess
    expect(asked.statusCode).toBe(202);
    expect(posted.auth).toBe(`Bearer ${BOT_TOKEN}`);
    expect(forged).toMatchObject({ statusCode: 401, body: '' });
    expect(self.statusCode).toBe(200);
    expect(stillPending.state).toBe('pending_approval');
    expect(stillPending.votes).toEqual([]);
    expect(approved.statusCode).toBe(200);
    expect(decided.decision).toMatchObject({ outcome: 'approved', by: 'approvers', approvers: ['alice'] });
    expect(slack.filter((s) => s.url.startsWith('https://hooks.slack.com/')).map((s) => s.body['text'] ?? '')).toEqual([
      'You asked for this certificate, so you cannot decide on it.',
      expect.stringContaining('Approved by alice'),
    ]);
    const update = slack.find((s) => s.url.endsWith('/chat.update'))!;
    expect(update.body).toMatchObject({ channel: 'C0APPROVE', ts: '1700000000.000100' });
    expect(JSON.stringify(update.body)).toContain('Approved by alice');
    const outcomes = out.logs().filter((l) => l['message'] === 'slack interaction').map((l) => l['outcome']);
    expect(outcomes).toEqual(['forged', 'refused', 'decided']);
    // Nothing secret in any log line or event.
    const everything = JSON.stringify(out.lines) + JSON.stringify(published);
    expect(findKeyMaterial(everything)).toEqual([]);
    expect(everything).not.toContain(SIGNING_SECRET);
    expect(everything).not.toContain(BOT_TOKEN);
  });
});
