import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeEventBus, entrySize, MAX_BYTES } from '../../../src/adapters/aws/eventbridge.event-bus.js';
import { lifecycleEvent } from '../../../src/domain/events/catalogue.js';
import type { OutboxEvent } from '../../../src/ports/state-store.port.js';

const eventBridge = mockClient(EventBridgeClient);

/** A valid `Certificate Rotated` event; `n` makes its id and certificate unique. */
function rotated(n: number, overrides: Record<string, unknown> = {}): OutboxEvent {
  const event = lifecycleEvent(
    'Certificate Rotated',
    {
      occurredAt: '2025-04-01T08:01:09Z',
      certificateId: `cert-${n}`,
      revision: 2,
      serialNumber: '05B2C3D4E5F60718293A4B5C6D7E8F90',
      fingerprintSha256: Array.from({ length: 32 }, () => 'AB').join(':'),
      notAfter: '2025-06-30T07:00:00Z',
      secretName: `certflow/cert-${n}`,
      secretVersionId: 'v-2',
    },
    `cert-${n}:rev:2:rotated`,
  );
  return { id: event.id, detailType: event.detailType, detail: { ...event.detail, ...overrides } };
}

const keyOf = (entry: PutEventsRequestEntry) => (JSON.parse(entry.Detail ?? '{}') as { idempotencyKey: string }).idempotencyKey;
const sentBatches = () => eventBridge.commandCalls(PutEventsCommand).map((call) => (call.args[0].input.Entries ?? []).map(keyOf));

/** Accepts every entry except those whose key `fail` returns a code for. */
function respond(fail: (key: string) => string | undefined) {
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    const entries = input.Entries.map((e) => {
      const code = fail(keyOf(e));
      return code === undefined ? { EventId: `eb-${keyOf(e)}` } : { ErrorCode: code, ErrorMessage: `${code} for this entry` };
    });
    return { FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, Entries: entries };
  });
}

function bus(options: { maxAttempts?: number; random?: () => number } = {}) {
  const sleeps: number[] = [];
  const instance = new EventBridgeEventBus({
    client: new EventBridgeClient({ region: 'eu-west-1' }),
    eventBusName: 'certflow-bus',
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: options.random ?? (() => 0.5),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
  return { instance, sleeps };
}

beforeEach(() => {
  eventBridge.reset();
});

describe('EventBridgeEventBus', () => {
  it('sends 25 events in 3 calls and retries exactly the 3 entries that failed once, losing none', async () => {
    // Prepare: one failure in each batch, each failing on its first delivery only
    const events = Array.from({ length: 25 }, (_, i) => rotated(i));
    const flaky = new Set([events[2]?.id, events[13]?.id, events[24]?.id]);
    const seen = new Set<string>();
    respond((key) => {
      if (!flaky.has(key) || seen.has(key)) return undefined;
      seen.add(key);
      return key === events[13]?.id ? 'ThrottlingException' : 'InternalFailure';
    });
    const { instance, sleeps } = bus();
    // Act
    const outcome = await instance.publish(events);
    // Assess
    const batches = sentBatches();
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5, 3]);
    expect(batches[3]).toEqual([...flaky]);
    expect([...outcome.published].sort()).toEqual(events.map((e) => e.id).sort());
    expect(outcome.failed).toEqual([]);
    expect(sleeps).toEqual([50]);
  });

  it('sends each entry with source certflow, the bus name, its detail-type and the fact time', async () => {
    // Prepare
    respond(() => undefined);
    const event = rotated(1);
    // Act
    await bus().instance.publish([event]);
    // Assess
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({ Source: 'certflow', EventBusName: 'certflow-bus', DetailType: 'Certificate Rotated', Time: new Date('2025-04-01T08:01:09Z') });
    expect(JSON.parse(entry?.Detail ?? '')).toEqual(event.detail);
  });

  it('splits batches at 256 KB as well as at 10 entries', async () => {
    // Prepare: each entry is about 100 KB, so only two fit in one call
    respond(() => undefined);
    const events = [1, 2, 3, 4, 5].map((n) => issuedWithUris(n, 50));
    // Act
    const outcome = await bus().instance.publish(events);
    // Assess
    const sizes = eventBridge.commandCalls(PutEventsCommand).map((c) => (c.args[0].input.Entries ?? []).reduce((n, e) => n + entrySize(e), 0));
    expect(sentBatches().map((b) => b.length)).toEqual([2, 2, 1]);
    expect(sizes.every((s) => s > 100_000 && s <= MAX_BYTES)).toBe(true);
    expect(outcome.published).toHaveLength(5);
  });

  it('retries a call throttled as a whole', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    eventBridge.on(PutEventsCommand).rejectsOnce(throttled).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'a' }, { EventId: 'b' }] });
    const { instance, sleeps } = bus();
    // Act
    const outcome = await instance.publish([rotated(1), rotated(2)]);
    // Assess
    expect(sentBatches()).toHaveLength(2);
    expect(outcome.published).toEqual([rotated(1).id, rotated(2).id]);
    expect(sleeps).toHaveLength(1);
  });

  it('gives up after maxAttempts and reports the entry as EVENT.PUBLISH_FAILED with its id', async () => {
    // Prepare
    respond((key) => (key === rotated(2).id ? 'ThrottlingException' : undefined));
    const { instance, sleeps } = bus({ maxAttempts: 3 });
    // Act
    const outcome = await instance.publish([rotated(1), rotated(2)]);
    // Assess
    expect(sentBatches()).toEqual([[rotated(1).id, rotated(2).id], [rotated(2).id], [rotated(2).id]]);
    expect(outcome.published).toEqual([rotated(1).id]);
    expect(outcome.failed).toEqual([{ id: rotated(2).id, code: 'EVENT.PUBLISH_FAILED', message: expect.stringContaining('after 3 attempts (ThrottlingException') }]);
    expect(sleeps).toEqual([50, 100]);
  });

  it('does not retry an entry EventBridge refuses for good', async () => {
    // Prepare
    respond((key) => (key === rotated(1).id ? 'NotAuthorizedForSourceException' : undefined));
    // Act
    const outcome = await bus().instance.publish([rotated(1), rotated(2)]);
    // Assess
    expect(sentBatches()).toHaveLength(1);
    expect(outcome.failed).toEqual([{ id: rotated(1).id, code: 'EVENT.PUBLISH_FAILED', message: expect.stringContaining('NotAuthorizedForSourceException') }]);
  });

  it('does not retry a call refused for lack of permission', async () => {
    // Prepare
    const denied = Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    eventBridge.on(PutEventsCommand).rejects(denied);
    // Act
    const outcome = await bus().instance.publish([rotated(1)]);
    // Assess
    expect(sentBatches()).toHaveLength(1);
    expect(outcome.failed).toEqual([{ id: rotated(1).id, code: 'EVENT.PUBLISH_FAILED', message: 'EventBridge refused the call: AccessDeniedException' }]);
  });

  it('refuses an event that does not match its schema and sends the others', async () => {
    // Prepare: a missing field and a wrong detail-type are certflow bugs
    respond(() => undefined);
    const { revision: _revision, ...withoutRevision } = rotated(1).detail;
    const broken = { ...rotated(1), detail: withoutRevision };
    const mistyped = { ...rotated(2), detailType: 'Certificate Rotatd' };
    // Act
    const outcome = await bus().instance.publish([broken, mistyped, rotated(3)]);
    // Assess
    expect(sentBatches()).toEqual([[rotated(3).id]]);
    expect(outcome.published).toEqual([rotated(3).id]);
    expect(outcome.failed).toEqual([
      { id: broken.id, code: 'EVENT.INVALID', message: 'Certificate Rotated does not match its schema: /revision: is required' },
      { id: mistyped.id, code: 'EVENT.INVALID', message: expect.stringContaining('/detail-type: unknown detail-type "Certificate Rotatd"') },
    ]);
  });

  it('refuses a detail over 256 KB before sending it', async () => {
    // Prepare
    respond(() => undefined);
    const huge = rotated(1, { secretName: 'x'.repeat(MAX_BYTES) });
    // Act
    const outcome = await bus().instance.publish([huge, rotated(2)]);
    // Assess
    expect(sentBatches()).toEqual([[rotated(2).id]]);
    expect(outcome.failed).toEqual([{ id: huge.id, code: 'EVENT.TOO_LARGE', message: expect.stringMatching(/^detail is \d+ bytes; EventBridge accepts at most 262144$/) }]);
  });

  it('draws each backoff uniformly below a doubling cap (full jitter)', async () => {
    // Prepare: random() = 0.999 shows the cap of each retry
    respond(() => 'InternalFailure');
    const { instance, sleeps } = bus({ maxAttempts: 8, random: () => 0.999 });
    // Act
    await instance.publish([rotated(1)]);
    // Assess
    expect(sleeps).toEqual([99, 199, 399, 799, 1598, 3196, 4995]);
  });

  it('publishes nothing and calls nobody for an empty list', async () => {
    // Prepare
    respond(() => undefined);
    // Act
    const outcome = await bus().instance.publish([]);
    // Assess
    expect(outcome).toEqual({ published: [], failed: [] });
    expect(sentBatches()).toEqual([]);
  });
});

describe('entrySize', () => {
  it('counts Time as 14 bytes and Source, DetailType, Detail and Resources as UTF-8 bytes', () => {
    // Prepare: "é" is 2 bytes, "€" 3
    const entry = { Time: new Date(), Source: 'certflow', DetailType: 'Certificate Rotated', Detail: '{"a":"é€"}', Resources: ['arn:x', 'ü'] };
    // Act
    const size = entrySize(entry);
    // Assess
    expect(size).toBe(14 + 8 + 19 + 13 + 5 + 2);
  });
});

/** A valid `Certificate Issued` whose detail carries `count` URI names of 2000 bytes each. */
function issuedWithUris(n: number, count: number): OutboxEvent {
  const event = lifecycleEvent(
    'Certificate Issued',
    {
      occurredAt: '2025-04-01T08:01:09Z',
      certificateId: `cert-${n}`,
      serialNumber: '05B2C3D4E5F60718293A4B5C6D7E8F90',
      fingerprintSha256: Array.from({ length: 32 }, () => 'AB').join(':'),
      notBefore: '2025-04-01T07:00:00Z',
      notAfter: '2025-06-30T07:00:00Z',
      names: { dns: [], ip: [], uri: Array.from({ length: count }, (_, i) => `spiffe://example.org/${String(i).padStart(1980, 'u')}`) },
      requestId: `req-${n}`,
      revision: 1,
      issuer: { kind: 'local', name: 'dev-ca' },
      secretName: `certflow/cert-${n}`,
      secretVersionId: 'v-1',
    },
    `cert-${n}:rev:1:issued`,
  );
  return { id: event.id, detailType: event.detailType, detail: event.detail };
}
