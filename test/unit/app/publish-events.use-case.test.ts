import { afterEach, describe, expect, it } from 'vitest';
import { publishPendingEvents, deadLetterKey } from '../../../src/app/publish-events.use-case.js';
import { SqliteStateStore } from '../../../src/adapters/local/sqlite.state-store.js';
import type { EventBus, PublishOutcome } from '../../../src/ports/event-bus.port.js';
import type { OutboxEvent } from '../../../src/ports/state-store.port.js';
import type { Notification } from '../../../src/ports/notifier.port.js';

/** A bus that answers with `respond` and records each call. */
function aBus(respond: (events: readonly OutboxEvent[]) => PublishOutcome): EventBus & { calls: number } {
  const bus = {
    calls: 0,
    publish: (events: readonly OutboxEvent[]) => {
      bus.calls++;
      return Promise.resolve(respond(events));
    },
  };
  return bus;
}

describe('publishPendingEvents', () => {
  const stores: SqliteStateStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  async function storeWithEvents(n: number) {
    const store = SqliteStateStore.open(':memory:');
    stores.push(store);
    for (let i = 0; i < n; i++) {
      await store.write({ key: { pk: `ITEM#${i.toString()}`, sk: 'META' }, condition: { kind: 'absent' }, data: {}, events: [{ id: `e${i.toString()}`, detailType: 'Certificate Rotated', detail: { i } }] });
    }
    return store;
  }

  it('dead-letters an event the bus can never accept, alerts, and publishes the rest', async () => {
    // Prepare
    const store = await storeWithEvents(3);
    const notifications: Notification[] = [];
    const bus = aBus((events) => ({
      published: events.filter((e) => e.id !== 'e1').map((e) => e.id),
      failed: events.filter((e) => e.id === 'e1').map((e) => ({ id: e.id, code: 'EVENT.INVALID', message: '/detail/revision: is required' })),
    }));
    // Act
    const report = await publishPendingEvents({ outbox: store, state: store, bus, clock: { now: () => new Date(0) }, notifier: { notify: (n) => Promise.resolve(void notifications.push(n)) } })();
    // Assess
    expect(report).toMatchObject({ published: 2, failed: [], deadLettered: [{ id: 'e1', code: 'EVENT.INVALID', message: '/detail/revision: is required' }], oldestPendingAgeMs: 0 });
    expect(await store.pending(10)).toEqual([]);
    expect((await store.get(deadLetterKey('e1')))?.data).toMatchObject({ event: { id: 'e1' }, reason: { code: 'EVENT.INVALID' } });
    expect(notifications).toEqual([expect.objectContaining({ severity: 'critical' })]);
  });

  it('keeps events the bus refuses for now, and stops at the first page that moves nothing', async () => {
    // Prepare
    const store = await storeWithEvents(150);
    const bus = aBus((events) => ({ published: [], failed: events.map((e) => ({ id: e.id, code: 'EVENT.PUBLISH_FAILED', message: 'throttled' })) }));
    // Act
    const report = await publishPendingEvents({ outbox: store, state: store, bus, clock: { now: () => new Date(0) } })();
    // Assess
    expect(bus.calls).toBe(1);
    expect(report.failed).toHaveLength(100);
    expect(await store.pending(500)).toHaveLength(150);
  });
});
