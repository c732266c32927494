import {
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureLambdaOutput } from '../../support/lambda-output.js';
import { eventValue, shardKey } from '../../../src/adapters/aws/dynamodb.state-table.js';
import type { CertflowError } from '../../../src/domain/errors/index.js';
import { lifecycleEvent } from '../../../src/domain/events/catalogue.js';
import type { OutboxEvent } from '../../../src/ports/state-store.port.js';

type Item = Record<string, AttributeValue>;

const dynamo = mockClient(DynamoDBClient);
const eventBridge = mockClient(EventBridgeClient);
// The handler reads its environment and builds its clients when its module loads, as on a cold start.
vi.stubEnv('AWS_REGION', 'eu-west-1');
vi.stubEnv('CERTFLOW_STATE_TABLE', 'certflow-test-state');
vi.stubEnv('CERTFLOW_EVENT_BUS', 'certflow-test');
vi.stubEnv('CERTFLOW_STAGE', 'test');
const { handler } = await import('../../../functions/publish-events.js');
const context = { awsRequestId: 'req-1' } as never;

/** A valid `Certificate Rotated` event for certificate `cert-<n>`. */
function rotated(n: number): OutboxEvent {
  const event = lifecycleEvent(
    'Certificate Rotated',
    {
      occurredAt: '2026-11-01T08:01:09Z',
      certificateId: `cert-${n}`,
      revision: 2,
      serialNumber: '05B2C3D4E5F60718293A4B5C6D7E8F90',
      fingerprintSha256: Array.from({ length: 32 }, () => 'AB').join(':'),
      notAfter: '2027-01-30T07:00:00Z',
      secretName: `certflow/cert-${n}`,
      secretVersionId: 'v-2',
    },
    `cert-${n}:rev:2:rotated`,
  );
  return { id: event.id, detailType: event.detailType, detail: event.detail };
}

/** An inventory item holding one pending event, laid out as DynamoDbStateStore writes it. */
function itemWith(event: OutboxEvent, n: number): Item {
  const pk = `CERT#cert-${n}`;
  return {
    pk: { S: pk },
    sk: { S: 'META' },
    version: { N: '1' },
    data: { S: '{}' },
    obRev: { N: '1' },
    outbox: { M: { [event.id]: eventValue({ ...event, at: 1_000 + n }) } },
    outboxShard: { S: shardKey('OUTBOX', pk, 4) },
    outboxAt: { N: String(1_000 + n) },
  };
}

/** Just enough of DynamoDB for the outbox: the index Query, GetItem, and the acknowledging UpdateItem. */
function serveTable(items: Item[]): void {
  const find = (key: Item | undefined) => items.find((i) => i.pk?.S === key?.pk?.S && i.sk?.S === key?.sk?.S);
  dynamo.on(QueryCommand).callsFake((input: { ExpressionAttributeValues?: Item }) => ({
    Items: items.filter((i) => i.outboxShard?.S === input.ExpressionAttributeValues?.[':s']?.S && Object.keys(i.outbox?.M ?? {}).length > 0),
  }));
  dynamo.on(GetItemCommand).callsFake((input: { Key?: Item }) => ({ Item: find(input.Key) }));
  dynamo.on(UpdateItemCommand).callsFake((input: { Key?: Item; ExpressionAttributeNames?: Record<string, string> }) => {
    const item = find(input.Key)!;
    for (const id of Object.values(input.ExpressionAttributeNames ?? {})) delete item.outbox!.M![id];
    item.obRev = { N: String(Number(item.obRev!.N) + 1) };
    return {};
  });
}

/** EventBridge accepting every entry except those for the given event ids, which fail every time. */
function serveBus(failing: ReadonlySet<string>): void {
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    const entries = input.Entries.map((e) => {
      const key = (JSON.parse(e.Detail ?? '{}') as { idempotencyKey: string }).idempotencyKey;
      return failing.has(key) ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : { EventId: `eb-${key}` };
    });
    return { FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, Entries: entries };
  });
}

let out: ReturnType<typeof captureLambdaOutput>;

beforeEach(() => {
  dynamo.reset();
  eventBridge.reset();
  out = captureLambdaOutput();
});

afterEach(() => {
  out.restore();
});

describe('publishEvents handler', () => {
  it('drains the outbox to the certflow bus and acknowledges only the events the bus accepted', async () => {
    // Prepare: two pending events; EventBridge keeps refusing the second
    const [accepted, refused] = [rotated(1), rotated(2)];
    const items = [itemWith(accepted, 1), itemWith(refused, 2)];
    serveTable(items);
    serveBus(new Set([refused.id]));
    // Act
    const error = (await handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, context).catch((e: unknown) => e)) as CertflowError;
    // Assess: the invocation fails loudly (the errors alarm), the refused event stays in the outbox
    expect(error.toJSON()).toMatchObject({ code: 'EVENT.PUBLISH_FAILED', retryable: true });
    const sent = eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(new Set(sent.map((e) => e.EventBusName))).toEqual(new Set(['certflow-test']));
    const acknowledged = dynamo.commandCalls(UpdateItemCommand).flatMap((c) => Object.values(c.args[0].input.ExpressionAttributeNames ?? {}));
    expect(acknowledged).toEqual([accepted.id]);
    expect(Object.keys(items[0]!.outbox!.M!)).toEqual([]);
    expect(Object.keys(items[1]!.outbox!.M!)).toEqual([refused.id]);
    expect(out.metric('EventsPublished')).toBe(1);
  });

  it('fails loudly when PutEvents is refused outright, keeps every event, and moves the metrics the alarms watch', async () => {
    // Prepare: the bus refuses the call itself (a policy or role change took the permission away)
    const items = [itemWith(rotated(1), 1), itemWith(rotated(2), 2)];
    serveTable(items);
    eventBridge.on(PutEventsCommand).rejects(Object.assign(new Error('not authorized to perform events:PutEvents'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    // Act
    const error = (await handler({}, context).catch((e: unknown) => e)) as CertflowError;
    // Assess
    expect(error.toJSON()).toMatchObject({ code: 'EVENT.PUBLISH_FAILED', retryable: true });
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);
    expect(items.map((i) => Object.keys(i.outbox!.M!).length)).toEqual([1, 1]);
    expect(out.metric('EventsFailed', { code: 'EVENT.PUBLISH_FAILED' })).toBe(2);
    expect(out.alarmSeries('EventsFailed')).toBe(2);
    expect(out.metric('EventsPublished')).toBe(0);
    // The oldest event was committed at t=1 µs: its age is the whole wall-clock time since.
    expect(out.metric('OutboxAgeSeconds')).toBeGreaterThan(1_000_000);
    const logs = out.logs();
    expect(logs.at(-1)).toMatchObject({ level: 'ERROR', fn: 'publishEvents', correlationId: 'req-1', code: 'EVENT.PUBLISH_FAILED', retryable: true });
    expect(JSON.stringify(out.lines)).not.toContain('secretName');
  });

  it('writes one JSON summary line with the counts of the run and a correlation id', async () => {
    // Prepare
    serveTable([itemWith(rotated(1), 1)]);
    serveBus(new Set());
    // Act
    await handler({ id: 'evt-7', source: 'aws.events' }, context);
    // Assess
    const summaries = out.logs().filter((l) => l['message'] === 'invocation done');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ level: 'INFO', service: 'certflow', fn: 'publishEvents', correlationId: 'evt-7', outcome: 'ok', published: 1, failed: 0 });
    expect(out.metric('CommitToBusSeconds')).toBeGreaterThan(0);
    expect(JSON.stringify(out.lines)).not.toContain('secretName');
  });

  it('returns an empty report and sends nothing when the outbox is empty', async () => {
    // Prepare
    serveTable([]);
    serveBus(new Set());
    // Act
    const report = await handler({}, context);
    // Assess
    expect(report).toEqual({ published: 0, failed: [], deadLettered: [], maxCommitToBusMs: 0, oldestPendingAgeMs: 0 });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(out.metric('OutboxAgeSeconds')).toBe(0);
  });

  it('rethrows a throttled table as a retryable STATE.UNAVAILABLE and logs its code', async () => {
    // Prepare
    dynamo.on(QueryCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: { httpStatusCode: 400 } }));
    // Act
    const error = (await handler({}, context).catch((e: unknown) => e)) as CertflowError;
    // Assess
    expect(error.toJSON()).toMatchObject({ code: 'STATE.UNAVAILABLE', retryable: true });
    expect(out.logs().at(-1)).toMatchObject({ level: 'ERROR', code: 'STATE.UNAVAILABLE', retryable: true });
  });
});
