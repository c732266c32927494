import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DynamoDbStateStore } from '../../../src/adapters/aws/dynamodb.state-store.js';
import { SqliteKeyStore } from '../../../src/adapters/local/sqlite.key-store.js';
import { Inventory, Requests } from '../../../src/app/stores.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { compilePattern, matches } from '../../../src/domain/events/pattern.js';
import { startDynalite } from '../../support/dynalite.js';
import { certflow } from '../../support/cli.js';
import { lab } from '../../support/aws-lab.js';
import type * as RegistriesModule from '../../../src/adapters/registries.js';
import { captureLambdaOutput } from '../../support/lambda-output.js';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { FakeSecretsManager } from '../../fakes/fake-secrets-manager.js';
import { CA_ARN, FakePrivateCa } from '../../fakes/fake-private-ca.js';

// Handlers and the CLI build from the shipped registries: here, those plus the lab's test-only
// issuer (pending twice, then a real local CA) and key store (SQLite standing in for Secrets Manager).
vi.mock('../../../src/adapters/registries.js', async (importOriginal) => {
  const shipped = await importOriginal<typeof RegistriesModule>();
  const { labKinds } = await import('../../support/aws-lab.js');
  return { ...shipped, registries: shipped.withKinds(shipped.registries, labKinds) };
});

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const CONFIG_PARAMETER = '/certflow/e2e/config';
const CONFIG = {
  keyStore: { kind: 'lab-sqlite' },
  issuers: [{ name: 'internal', kind: 'pending-twice' }],
  policy: { autoApprove: [{ name: 'internal', names: ['**.internal.example.com'] }] },
  certificates: [{ id: 'api', dnsNames: ['api.internal.example.com'], issuer: 'internal', owner: 'team-api' }],
};
const issueOnApproval = compilePattern(JSON.parse(readFileSync(join(import.meta.dirname, '../../../events/patterns/issue-on-approval.json'), 'utf8')));

const ssm = mockClient(SSMClient);
const sqs = mockClient(SQSClient);
const eventBridge = mockClient(EventBridgeClient);

interface Message {
  readonly messageId: string;
  readonly body: string;
  availableAt: number;
}
type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** One deployed stage, in process: real handlers, the table on dynalite, SQS and EventBridge as stand-ins that behave like them. */
class Stage {
  readonly queue: Message[] = [];
  readonly published: { id: string; detailType: string; detail: Record<string, unknown> }[] = [];
  /** Faults the stand-ins inject, each once: `sqs-send`, `put-events`. */
  readonly faults = new Set<string>();
  handlers!: Record<'plan' | 'work' | 'publish' | 'expire' | 'intake', Handler>;

  constructor(
    readonly tableName: string,
    readonly config: object = CONFIG,
  ) {}

  /** The stage name whose table this is (certflow-<stage>-state), as the CLI's --stage takes it. */
  get name(): string {
    return this.tableName.replace(/^certflow-/, '').replace(/-state$/, '');
  }

  serve(): void {
    // The functions read CONFIG_PARAMETER; the CLI with --stage reads /certflow/<stage>/config.
    for (const Name of [CONFIG_PARAMETER, `/certflow/${this.name}/config`]) {
      ssm.on(GetParameterCommand, { Name }).resolves({ Parameter: { Name, Type: 'SecureString', Value: JSON.stringify(this.config) } });
    }
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: SendMessageBatchRequestEntry[] }) => {
      if (this.faults.delete('sqs-send')) throw Object.assign(new Error('injected'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } });
      for (const e of input.Entries) this.queue.push({ messageId: randomUUID(), body: e.MessageBody ?? '', availableAt: Date.now() + (e.DelaySeconds ?? 0) * 1000 });
      return { Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: randomUUID(), MD5OfMessageBody: 'x' })), Failed: [] };
    });
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      if (this.faults.delete('put-events')) throw Object.assign(new Error('injected'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
      for (const e of input.Entries) {
        const envelope = { version: '0', id: randomUUID(), 'detail-type': e.DetailType, source: e.Source, account: ACCOUNT, time: new Date().toISOString(), region: REGION, resources: e.Resources ?? [], detail: JSON.parse(e.Detail ?? '{}') as Record<string, unknown> };
        this.published.push({ id: String(envelope.detail['idempotencyKey']), detailType: String(e.DetailType), detail: envelope.detail });
        // The issue-on-approval rule's target: the work queue gets the whole event.
        if (matches(issueOnApproval, envelope)) this.queue.push({ messageId: randomUUID(), body: JSON.stringify(envelope), availableAt: Date.now() });
      }
      return { FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: randomUUID() })) };
    });
  }

  /** A cold start: every handler module loaded afresh, as a new execution environment would. */
  async coldStart(): Promise<void> {
    vi.resetModules();
    vi.stubEnv('CERTFLOW_STATE_TABLE', this.tableName);
    this.handlers = {
      plan: (await import('../../../functions/plan.js')).handler as Handler,
      work: (await import('../../../functions/work-requests.js')).handler as Handler,
      publish: (await import('../../../functions/publish-events.js')).handler as Handler,
      expire: (await import('../../../functions/expire-approvals.js')).handler as Handler,
      intake: (await import('../../../functions/request-intake.js')).handler as Handler,
    };
  }

  /** A scheduled invocation; `crashAfter` loses its result as a timeout would, and the schedule fires again. */
  async scheduled(name: 'plan' | 'publish' | 'expire', crashAfter = false): Promise<void> {
    const event = { version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: ACCOUNT, time: new Date().toISOString(), region: REGION, resources: [], detail: {} };
    for (let attempt = 0; attempt < 3; attempt++) {
      const ok = await this.handlers[name](event, context(name)).then(() => true, () => false);
      if (ok && !(crashAfter && attempt === 0)) return;
    }
    throw new Error(`${name} kept failing`);
  }

  /** Delivers what is due to the worker, SQS-style; a failed or crashed batch's messages come back. */
  async deliver(crashAfterFirstBatch = false): Promise<number> {
    const now = Date.now();
    const due = this.queue.filter((m) => m.availableAt <= now).slice(0, 10);
    if (due.length === 0) return 0;
    for (const m of due) this.queue.splice(this.queue.indexOf(m), 1);
    const event = { Records: due.map((m) => sqsRecord(m)) };
    const response = (await this.handlers.work(event, context('workRequests')).catch(() => undefined)) as { batchItemFailures?: { itemIdentifier: string }[] } | undefined;
    const failed = crashAfterFirstBatch || response === undefined ? due.map((m) => m.messageId) : (response.batchItemFailures ?? []).map((f) => f.itemIdentifier);
    for (const m of due) if (failed.includes(m.messageId)) this.queue.push({ ...m, availableAt: Date.now() });
    return due.length;
  }

  /**
   * Runs the stage until the queue is empty: deliveries, delayed messages, outbox drains. Bounded.
   * Messages delayed by minutes (a duplicate that met another worker's lease re-checks at its end)
   * are delivered early once nothing else is near: late duplicates must change nothing.
   */
  async settle(options: { crashWorkerOnce?: boolean } = {}): Promise<void> {
    let crash = options.crashWorkerOnce ?? false;
    for (let round = 0; round < 40; round++) {
      const delivered = await this.deliver(crash);
      if (delivered > 0) crash = false;
      await this.scheduled('publish');
      if (this.queue.length === 0) return;
      if (delivered === 0) {
        const wait = Math.min(...this.queue.map((m) => m.availableAt)) - Date.now();
        if (wait > 3_000) for (const m of this.queue) m.availableAt = Date.now();
        else await new Promise((r) => setTimeout(r, Math.max(10, wait)));
      }
    }
    throw new Error('the stage did not settle in 40 rounds');
  }
}

function context(fn: string) {
  return { awsRequestId: randomUUID(), functionName: `certflow-e2e-${fn}`, functionVersion: '$LATEST', invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:certflow-e2e-${fn}`, memoryLimitInMB: '512', getRemainingTimeInMillis: () => 60_000 };
}

function sqsRecord(m: Message) {
  return {
    messageId: m.messageId,
    receiptHandle: `rh-${m.messageId}`,
    body: m.body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: ACCOUNT, ApproximateFirstReceiveTimestamp: String(Date.now()) },
    messageAttributes: {},
    md5OfBody: 'x',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:certflow-e2e-work`,
    awsRegion: REGION,
  };
}

let db: Awaited<ReturnType<typeof startDynalite>>;
let dir: string;
let tables = 0;
let out: ReturnType<typeof captureLambdaOutput>;

beforeAll(async () => {
  db = await startDynalite();
  dir = mkdtempSync(join(tmpdir(), 'certflow-aws-e2e-'));
  vi.stubEnv('AWS_REGION', REGION);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', db.endpoint);
  vi.stubEnv('CERTFLOW_STAGE', 'e2e');
  vi.stubEnv('CERTFLOW_EVENT_BUS', 'certflow-e2e');
  vi.stubEnv('CERTFLOW_WORK_QUEUE_URL', `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/certflow-e2e-work`);
  vi.stubEnv('CERTFLOW_CONFIG_LOCATION', `ssm:${CONFIG_PARAMETER}`);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  ssm.reset();
  sqs.reset();
  eventBridge.reset();
  out = captureLambdaOutput();
});

afterEach(() => out.restore());

/** A fresh table, CA and key store for one scenario. */
async function newStage(config: object = CONFIG): Promise<Stage> {
  tables++;
  const stage = new Stage(`certflow-e2e-${tables.toString()}-state`, config);
  await db.createStateTable(stage.tableName);
  Object.assign(lab(), { caDir: join(dir, `ca-${tables.toString()}`), keysPath: join(dir, `keys-${tables.toString()}.db`), steps: new Map(), signed: new Map() });
  stage.serve();
  await stage.coldStart();
  return stage;
}

async function assessOneIssuance(stage: Stage): Promise<void> {
  const state = new DynamoDbStateStore({ client: new DynamoDBClient({ region: REGION }), tableName: stage.tableName });
  const api = (await new Inventory(state).get('api'))!.data;
  const revisions = await new Inventory(state).revisions('api');
  // Exactly one certificate signed, for exactly one order, after two pending answers.
  expect([...lab().signed.values()].map((s) => s.size)).toEqual([1]);
  const [orderId] = [...lab().signed.keys()];
  expect(lab().steps.get(orderId!)?.slice(0, 3)).toEqual(['submit', 'resume', 'resume']);
  expect(revisions.map((r) => r.revision)).toEqual([1]);
  expect(api.revision).toBe(1);
  expect([...lab().signed.get(orderId!)!]).toEqual([api.current?.serialNumber]);
  expect((await new Requests(state).get(orderId!))?.data.state).toBe('issued');
  // Stored whole in the key store: CURRENT holds the signed certificate with its key.
  const keys = SqliteKeyStore.open(lab().keysPath);
  const current = await keys.getVersion('certflow/api', { label: 'CURRENT' });
  await keys.close();
  expect(current?.material.certificatePem).toContain('BEGIN CERTIFICATE');
  // Published: each lifecycle event at least once, Certificate Issued for one revision only.
  const issued = new Set(stage.published.filter((e) => e.detailType === 'Certificate Issued').map((e) => e.id));
  expect(issued.size).toBe(1);
  expect(new Set(stage.published.map((e) => e.detailType))).toEqual(new Set(['Issuance Requested', 'Issuance Approved', 'Certificate Issued', 'Certificate Rotated']));
  expect(out.metric('CertificatesIssued')).toBe(1);
  expect(stage.queue).toEqual([]);
}

describe('the AWS runtime, in process', () => {
  it('plans, approves by policy, issues through an issuer that is pending twice, stores and publishes', async () => {
    // Prepare
    const stage = await newStage();
    // Act
    await stage.scheduled('plan');
    await stage.settle();
    // Assess
    await assessOneIssuance(stage);
    const plan = out.logs().find((l) => l['fn'] === 'plan' && l['message'] === 'invocation done');
    expect(plan).toMatchObject({ level: 'INFO', requested: 1, queued: 1 });
    // A second planner run finds nothing to do, and nothing is issued again.
    await stage.scheduled('plan');
    await stage.settle();
    expect([...lab().signed.values()].map((s) => s.size)).toEqual([1]);
  }, 60_000);

  it('produces the same lifecycle events with the Private CA issuer and the Secrets Manager key store (on mocks) as with the local stand-ins', async () => {
    // Prepare: the same certificate, once through the lab's kinds and once through the shipped AWS kinds
    const local = await newStage();
    await local.scheduled('plan');
    await local.settle();
    const sm = new FakeSecretsManager();
    const pca = new FakePrivateCa();
    const smMock = sm.install();
    pca.install();
    const aws = await newStage({
      ...CONFIG,
      keyStore: { kind: 'secrets-manager', options: { namePrefix: 'certflow/e2e/', tags: { stage: 'e2e' } } },
      issuers: [{ name: 'internal', kind: 'aws-private-ca', options: { certificateAuthorityArn: CA_ARN } }],
    });
    try {
      // Act
      await aws.scheduled('plan');
      await aws.settle();
      // Assess: the same events, in the same order, for the one certificate
      const sequence = (stage: Stage) => [...new Map(stage.published.map((e) => [e.id, e.detailType])).values()];
      expect(sequence(aws)).toEqual(sequence(local));
      expect(sequence(aws)).toEqual(['Issuance Requested', 'Issuance Approved', 'Certificate Issued', 'Certificate Rotated']);
      // One issuance at the CA; AWSCURRENT holds its certificate with the key certflow made.
      expect(pca.issued).toHaveLength(1);
      expect(pca.count('GetCertificate')).toBeGreaterThanOrEqual(2);
      const secret = sm.secrets.get('certflow/e2e/api');
      const current = [...(secret?.versions.values() ?? [])].find((v) => v.stages.has('AWSCURRENT'));
      const value = JSON.parse(current?.value ?? '{}') as { certificate: string; privateKey: string; serialNumber: string; revision: number };
      expect(value.certificate.trim()).toBe(pca.issued[0]?.certificatePem.trim());
      expect(new X509Certificate(value.certificate).publicKey.export({ type: 'spki', format: 'der' })).toEqual(createPublicKey(value.privateKey).export({ type: 'spki', format: 'der' }));
      expect(value).toMatchObject({ serialNumber: pca.issued[0]?.serial, revision: 1 });
      expect(secret?.tags).toEqual([{ Key: 'stage', Value: 'e2e' }]);
    } finally {
      smMock.restore();
      pca.restore();
    }
  }, 60_000);

  // A crash inside a step (key store, issuer) is the crash-injection suite's (test/integration/app/
  // crash-recovery.test.ts, with a clock it can move): its recovery waits out a backoff or a lease.
  it.each([
    ['the planner crashes after its work and runs again', { planCrash: true }],
    ['the publisher crashes after publishing and runs again', { publishCrash: true }],
    ['a worker batch crashes after its work and is redelivered', { workerCrash: true }],
    ['the queue refuses the worker’s delayed resume', { stageFault: 'sqs-send' }],
    ['the bus refuses PutEvents once', { stageFault: 'put-events' }],
    ['a new execution environment takes over between steps', { coldStartMidway: true }],
  ])('issues exactly once when %s', async (_, scenario: { planCrash?: boolean; publishCrash?: boolean; workerCrash?: boolean; stageFault?: string; coldStartMidway?: boolean }) => {
    // Prepare
    const stage = await newStage();
    // Act
    await stage.scheduled('plan', scenario.planCrash);
    if (scenario.stageFault) stage.faults.add(scenario.stageFault);
    await stage.scheduled('publish', scenario.publishCrash);
    await stage.deliver();
    if (scenario.coldStartMidway) await stage.coldStart();
    await stage.settle({ crashWorkerOnce: scenario.workerCrash ?? false });
    // Assess
    expect(stage.faults.size).toBe(0);
    await assessOneIssuance(stage);
  }, 60_000);

  it('files a team’s HTTP request under its IAM identity, through the same policy, and refuses bad ones with a code', async () => {
    // Prepare
    const stage = await newStage();
    const post = (body: string, userArn?: string) =>
      stage.handlers.intake(
        {
          version: '2.0',
          routeKey: 'POST /requests',
          rawPath: '/requests',
          headers: { 'content-type': 'application/json' },
          body,
          isBase64Encoded: false,
          requestContext: {
            requestId: randomUUID(),
            http: { method: 'POST', path: '/requests' },
            ...(userArn ? { authorizer: { iam: { userArn, accountId: ACCOUNT } } } : {}),
          },
        },
        context('requestIntake'),
      ) as Promise<{ statusCode: number; body: string }>;
    const carol = `arn:aws:sts::${ACCOUNT}:assumed-role/team-api/carol`;
    // Act
    const accepted = await post(JSON.stringify({ certificateId: 'api' }), carol);
    const again = await post(JSON.stringify({ certificateId: 'api' }), carol);
    const unknown = await post(JSON.stringify({ certificateId: 'nope' }), carol);
    const extra = await post(JSON.stringify({ certificateId: 'api', validityDays: 3650 }), carol);
    const garbage = await post('{"certificateId": "<script>', carol);
    const anonymous = await post(JSON.stringify({ certificateId: 'api' }));
    await stage.scheduled('publish');
    await stage.settle();
    // Assess
    const body = JSON.parse(accepted.body) as { requestId: string; state: string };
    expect([accepted.statusCode, body.state]).toEqual([202, 'approved']);
    expect([again.statusCode, JSON.parse(again.body).code]).toEqual([409, 'REQUEST.IN_FLIGHT']);
    expect([unknown.statusCode, JSON.parse(unknown.body).code]).toEqual([404, 'CERTIFICATE.UNKNOWN']);
    expect([extra.statusCode, garbage.statusCode, anonymous.statusCode]).toEqual([400, 400, 400]);
    expect(garbage.body).not.toContain('<script>');
    const requested = stage.published.find((e) => e.detailType === 'Issuance Requested');
    expect(requested?.detail).toMatchObject({ requestId: body.requestId, requester: carol });
    expect([...lab().signed.keys()]).toEqual([body.requestId]);
  }, 60_000);

  it('records an unreadable work message once as a dead letter and retries only what can succeed', async () => {
    // Prepare
    const stage = await newStage();
    const messages = [
      { messageId: 'not-json', body: '{"requestId":', availableAt: 0 },
      { messageId: 'no-request', body: JSON.stringify({ requestId: 'req_doesnotexist000000000' }), availableAt: 0 },
      { messageId: 'forged-event', body: JSON.stringify({ 'detail-type': 'Issuance Approved', source: 'certflow', detail: { requestId: 'x' } }), availableAt: 0 },
    ];
    sqs.on(SendMessageBatchCommand).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }));
    // Act
    const first = (await stage.handlers.work({ Records: messages.map(sqsRecord) }, context('workRequests'))) as { batchItemFailures: unknown[] };
    const again = (await stage.handlers.work({ Records: messages.map(sqsRecord) }, context('workRequests'))) as { batchItemFailures: unknown[] };
    // Assess: none is retried (none can ever work), each is kept once, with its code, never its body
    expect([first.batchItemFailures, again.batchItemFailures]).toEqual([[], []]);
    const state = new DynamoDbStateStore({ client: new DynamoDBClient({ region: REGION }), tableName: stage.tableName });
    const letters = await Promise.all(messages.map((m) => state.get<{ code: string; message: string }>({ pk: `DEADLETTER#workRequests#${m.messageId}`, sk: 'META' })));
    expect(letters.map((l) => [l?.data.code, l?.version])).toEqual([
      ['EVENT.INVALID', 1],
      ['REQUEST.UNKNOWN', 1],
      ['EVENT.INVALID', 1],
    ]);
    expect(out.metric('TerminalFailures', { code: 'EVENT.INVALID' })).toBe(4);
  }, 60_000);

  it('fails the cold start with every configuration problem listed, before touching any event, in every function that reads it', async () => {
    // Prepare: a configuration that names a local-only issuer and an unknown key store
    const stage = await newStage();
    ssm.reset();
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify({ ...CONFIG, keyStore: { kind: 'vault' }, issuers: [{ name: 'internal', kind: 'local-ca' }] }) } });
    vi.stubEnv('CERTFLOW_STATE_TABLE', stage.tableName);
    // Act: each builds different adapter families (functions/lib/families.json; request-intake none), all validate every one
    const failures = [];
    for (const load of [
      () => import('../../../functions/work-requests.js'),
      () => import('../../../functions/plan.js'),
      () => import('../../../functions/request-intake.js'),
      () => import('../../../functions/notify.js'),
    ]) {
      vi.resetModules();
      failures.push((await load().catch((e: unknown) => e)) as { code?: string; details?: string[] });
    }
    // Assess
    for (const failure of failures) {
      expect(failure.code).toBe('CONFIG.INVALID');
      expect(failure.details).toEqual([
        "/keyStore/kind: unknown key store kind 'vault' (known: sqlite, secrets-manager, lab-sqlite)",
        "/issuers/0/kind: issuer kind 'local-ca' cannot run in the aws runtime (only: local)",
      ]);
    }
    expect(sqs.calls()).toHaveLength(0);
  }, 60_000);

  it('lets the CLI list and decide on a deployed stage with --stage, as the functions see it', async () => {
    // Prepare: api is approved by policy and issued; payments waits for a person
    const config = {
      ...CONFIG,
      certificates: [...CONFIG.certificates, { id: 'payments', dnsNames: ['www.payments.example.com'], issuer: 'internal', owner: 'team-payments', requester: 'carol' }],
    };
    const stage = await newStage(config);
    await stage.scheduled('plan');
    await stage.settle();
    const cli = (...args: string[]) => certflow([...args, '--stage', stage.name, '--region', REGION], { cwd: dir });
    // Act
    const ls = await cli('ls', '--json');
    const pending = await cli('requests', '--state', 'pending_approval', '--json');
    const self = await cli('approve', 'payments', '--as', 'carol');
    const approved = await cli('approve', 'payments', '--as', 'alice');
    await stage.scheduled('publish');
    await stage.settle();
    const after = await cli('ls', '--json');
    const local = await certflow(['ls', '--region', REGION], { cwd: dir });
    // Assess
    expect(ls.code).toBe(0);
    const listed = JSON.parse(ls.stdout) as { items: { id: string; revision: number; serialNumber?: string }[] };
    const api = listed.items.find((c) => c.id === 'api');
    expect(api).toMatchObject({ id: 'api', revision: 1 });
    expect(listed.items.map((c) => c.id).sort()).toEqual(['api', 'payments']);
    const waiting = JSON.parse(pending.stdout) as { items: { certificateId: string; state: string }[] };
    expect(waiting.items.map((r) => [r.certificateId, r.state])).toEqual([['payments', 'pending_approval']]);
    expect([self.code, self.stderr]).toEqual([2, expect.stringMatching(/APPROVAL\.SELF_APPROVAL/)]);
    expect(approved.code).toBe(0);
    // The approval went through the outbox and the rule to a worker: payments is issued too.
    const final = JSON.parse(after.stdout) as { items: { id: string; revision: number }[] };
    expect(final.items.map((c) => [c.id, c.revision]).sort()).toEqual([['api', 1], ['payments', 1]]);
    expect([local.code, local.stderr]).toEqual([2, expect.stringMatching(/--region goes with --stage/)]);
  }, 90_000);
});
