/**
 * Commit-to-bus delay of the AWS outbox. The publisher runs on `rate(1 minute)`, so an event waits
 * for the next tick (uniform over 0-60 s, by construction of the schedule) plus the drain itself.
 * This measures the drain on a real DynamoDB engine (dynalite): events committed by conditional
 * writes, then drained through the publisher to a stand-in bus that answers like PutEvents, beside
 * the baseline of sending the same events straight to that bus with no outbox. The figure for the
 * README is tick wait + drain: mean ~30 s + drain_p50, worst ~60 s + drain_max.
 * Run: node --import tsx bench/outbox-delay.bench.ts [events per round, default 200]
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbStateStore } from '../src/adapters/aws/dynamodb.state-store.js';
import { EventBridgeEventBus } from '../src/adapters/aws/eventbridge.event-bus.js';
import { publishPendingEvents } from '../src/app/publish-events.use-case.js';
import { lifecycleEvent } from '../src/domain/events/catalogue.js';
import { systemClock } from '../src/ports/clock.port.js';
import type { OutboxEvent } from '../src/ports/state-store.port.js';
import { startDynalite } from '../test/support/dynalite.js';

const EVENTS = Math.min(5_000, Number(process.argv[2] ?? 200));
const ROUNDS = 5;
const SCHEDULE_SECONDS = 60;

const bus = mockClient(EventBridgeClient);
bus.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })) }));

function rotated(round: number, n: number): OutboxEvent {
  const e = lifecycleEvent(
    'Certificate Rotated',
    {
      occurredAt: new Date().toISOString(),
      certificateId: `cert-${n}`,
      revision: round + 1,
      serialNumber: '05B2C3D4E5F60718293A4B5C6D7E8F90',
      fingerprintSha256: Array.from({ length: 32 }, () => 'AB').join(':'),
      notAfter: '2027-01-30T07:00:00Z',
      secretName: `certflow/cert-${n}`,
      secretVersionId: `v-${round}`,
    },
    `cert-${n}:rev:${round + 1}:rotated`,
  );
  return { id: e.id, detailType: e.detailType, detail: e.detail };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

const db = await startDynalite();
await db.createStateTable('bench-outbox');
const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
const state = new DynamoDbStateStore({ client, tableName: 'bench-outbox' });
const eventBus = new EventBridgeEventBus({ client: new EventBridgeClient({ region: 'eu-west-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }), eventBusName: 'bench' });
const drain = publishPendingEvents({ state, outbox: state, bus: eventBus, clock: systemClock });

const drainMs: number[] = [];
const directMs: number[] = [];
const maxDelayMs: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const events = Array.from({ length: EVENTS }, (_, n) => rotated(round, n));
  for (const [n, event] of events.entries()) {
    await state.write({ key: { pk: `CERT#cert-${n}`, sk: `R#${round}` }, condition: { kind: 'absent' }, data: { n }, events: [event] });
  }
  let t = performance.now();
  const report = await drain();
  drainMs.push(performance.now() - t);
  maxDelayMs.push(report.maxCommitToBusMs);
  if (report.published !== EVENTS) throw new Error(`published ${report.published} of ${EVENTS}`);
  t = performance.now();
  await eventBus.publish(events);
  directMs.push(performance.now() - t);
}
await db.stop();

const drainP50 = pct(drainMs, 50);
const directP50 = pct(directMs, 50);
console.log(`drain of ${EVENTS} events: p50 ${drainP50.toFixed(0)} ms, max ${Math.max(...drainMs).toFixed(0)} ms; direct PutEvents ${directP50.toFixed(0)} ms`);
console.log(`commit-to-bus inside a drain (oldest event): max ${Math.max(...maxDelayMs)} ms`);
console.log(
  `RESULT outbox-delay events=${EVENTS} drain_ms=${drainP50.toFixed(0)} direct_ms=${directP50.toFixed(0)} ratio=${(drainP50 / directP50).toFixed(2)} ` +
    `mean_delay_s=${(SCHEDULE_SECONDS / 2 + drainP50 / 1000).toFixed(1)} worst_delay_s=${(SCHEDULE_SECONDS + Math.max(...drainMs) / 1000).toFixed(1)}`,
);
