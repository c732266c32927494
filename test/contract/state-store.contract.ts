import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ItemWrite, Outbox, OutboxEvent, StateStore } from '../../src/ports/state-store.port.js';

/** A store under test and how to dispose of it. */
export interface StateStoreUnderTest {
  readonly store: StateStore & Outbox;
  close(): Promise<void>;
}

type Doc = { readonly n: number };

const at = (minutes: number): Date => new Date(Date.UTC(2030, 0, 1) + minutes * 60_000);
const event = (id: string): OutboxEvent => ({ id, detailType: 'Test Happened', detail: { id, nested: { list: [1, 'two'] } } });
const put = (pk: string, sk: string, extra: Partial<ItemWrite<Doc>> = {}): ItemWrite<Doc> =>
  ({ key: { pk, sk }, condition: { kind: 'absent' }, data: { n: 0 }, ...extra });
const cas = (pk: string, sk: string, version: number, extra: Partial<ItemWrite<Doc>> = {}): ItemWrite<Doc> =>
  ({ ...put(pk, sk, extra), condition: { kind: 'version', version } });

/**
 * The semantics every StateStore & Outbox adapter shares: conditional writes, queries, the due
 * index, partitions, Date round-trip, expiry, the outbox, and single-winner races.
 */
export function stateStoreContract(name: string, makeStore: () => Promise<StateStoreUnderTest>): void {
  describe(`StateStore contract: ${name}`, () => {
    let handle: StateStoreUnderTest;
    let store: StateStore & Outbox;
    beforeEach(async () => {
      handle = await makeStore();
      store = handle.store;
    });
    afterEach(() => handle.close());

    describe('write', () => {
      it('stores an absent item at version 1', async () => {
        // Act
        const result = await store.write(put('CERT#a', 'META', { data: { n: 1 } }));
        // Assess
        const item = { pk: 'CERT#a', sk: 'META', version: 1, data: { n: 1 } };
        expect(result).toEqual({ ok: true, item });
        expect(await store.get({ pk: 'CERT#a', sk: 'META' })).toEqual(item);
      });

      it('refuses a second put-if-absent and returns what is stored', async () => {
        // Prepare
        await store.write(put('CERT#a', 'META', { data: { n: 1 } }));
        // Act
        const result = await store.write(put('CERT#a', 'META', { data: { n: 2 } }));
        // Assess
        expect(result).toEqual({ ok: false, current: { pk: 'CERT#a', sk: 'META', version: 1, data: { n: 1 } } });
      });

      it('increments the version on every compare-and-set', async () => {
        // Prepare
        await store.write(put('CERT#a', 'META'));
        // Act
        const second = await store.write(cas('CERT#a', 'META', 1, { data: { n: 2 } }));
        const third = await store.write(cas('CERT#a', 'META', 2, { data: { n: 3 } }));
        // Assess
        expect(second.ok && second.item.version).toBe(2);
        expect(third.ok && third.item.version).toBe(3);
        expect(await store.get({ pk: 'CERT#a', sk: 'META' })).toMatchObject({ version: 3, data: { n: 3 } });
      });

      it('refuses a stale version and returns the current item', async () => {
        // Prepare
        await store.write(put('CERT#a', 'META'));
        await store.write(cas('CERT#a', 'META', 1, { data: { n: 2 } }));
        // Act
        const result = await store.write(cas('CERT#a', 'META', 1, { data: { n: 99 } }));
        // Assess
        expect(result).toEqual({ ok: false, current: { pk: 'CERT#a', sk: 'META', version: 2, data: { n: 2 } } });
      });

      it('refuses a compare-and-set on an absent item with no current', async () => {
        // Act
        const result = await store.write(cas('CERT#none', 'META', 1));
        // Assess
        expect(result).toEqual({ ok: false });
        expect(await store.get({ pk: 'CERT#none', sk: 'META' })).toBeUndefined();
      });

      it('round-trips Dates inside data and on the item', async () => {
        // Prepare
        const data = { n: 1, at: at(5), list: [at(6), { deep: at(7) }], text: '2030-01-01T00:00:00.000Z' };
        const farFuture = new Date('2999-01-01T00:00:00.123Z');
        // Act
        await store.write({ key: { pk: 'CERT#d', sk: 'META' }, condition: { kind: 'absent' }, data, dueAt: at(8), expiresAt: farFuture });
        const item = await store.get<typeof data>({ pk: 'CERT#d', sk: 'META' });
        // Assess
        expect(item?.data).toEqual(data);
        expect(item?.data.at).toBeInstanceOf(Date);
        expect(item?.data.list[0]).toBeInstanceOf(Date);
        expect(typeof item?.data.text).toBe('string');
        expect(item?.dueAt).toEqual(at(8));
        expect(item?.expiresAt).toEqual(farFuture);
      });
    });

    describe('query', () => {
      it('returns one partition in sort-key order, narrowed by prefix and limit', async () => {
        // Prepare
        for (const sk of ['REV#2', 'META', 'REV#1', 'REV#3', 'ALERT#7']) await store.write(put('CERT#q', sk));
        await store.write(put('CERT#other', 'REV#1'));
        // Act
        const all = await store.query('CERT#q');
        const revs = await store.query('CERT#q', { skPrefix: 'REV#' });
        const firstTwo = await store.query('CERT#q', { skPrefix: 'REV#', limit: 2 });
        // Assess
        expect(all.map((i) => i.sk)).toEqual(['ALERT#7', 'META', 'REV#1', 'REV#2', 'REV#3']);
        expect(revs.map((i) => i.sk)).toEqual(['REV#1', 'REV#2', 'REV#3']);
        expect(firstTwo.map((i) => i.sk)).toEqual(['REV#1', 'REV#2']);
        expect(await store.query('CERT#empty')).toEqual([]);
      });
    });

    describe('queryDue', () => {
      it('returns items due at or before the time, earliest first', async () => {
        // Prepare
        await store.write(put('CERT#c', 'META', { dueAt: at(30) }));
        await store.write(put('CERT#a', 'META', { dueAt: at(10) }));
        await store.write(put('CERT#b', 'META', { dueAt: at(20) }));
        await store.write(put('CERT#late', 'META', { dueAt: at(21) }));
        await store.write(put('CERT#never', 'META'));
        // Act
        const due = await store.queryDue(at(30));
        const first = await store.queryDue(at(30), { limit: 2 });
        // Assess
        expect(due.map((i) => i.pk)).toEqual(['CERT#a', 'CERT#b', 'CERT#late', 'CERT#c']);
        expect(first.map((i) => i.pk)).toEqual(['CERT#a', 'CERT#b']);
        expect(due[0]?.dueAt).toEqual(at(10));
      });

      it('narrows to a partition-key prefix', async () => {
        // Prepare
        await store.write(put('CERT#a', 'META', { dueAt: at(1) }));
        await store.write(put('REQ#a', 'META', { dueAt: at(0) }));
        // Act
        const due = await store.queryDue(at(5), { pkPrefix: 'CERT#' });
        // Assess
        expect(due.map((i) => i.pk)).toEqual(['CERT#a']);
      });

      it('drops an item from the index when a write omits dueAt', async () => {
        // Prepare
        await store.write(put('CERT#a', 'META', { dueAt: at(1) }));
        // Act
        await store.write(cas('CERT#a', 'META', 1));
        // Assess
        expect(await store.queryDue(at(5))).toEqual([]);
        expect((await store.get({ pk: 'CERT#a', sk: 'META' }))?.dueAt).toBeUndefined();
      });
    });

    describe('listPartitions', () => {
      it('lists each partition with the prefix once, in order, page by page', async () => {
        // Prepare
        for (const pk of ['CERT#d', 'CERT#b', 'REQ#a', 'CERT#a', 'CERT#c', 'CERTX#z']) await store.write(put(pk, 'META'));
        await store.write(put('CERT#b', 'REV#1'));
        // Act
        const all = await store.listPartitions('CERT#');
        const page1 = await store.listPartitions('CERT#', { limit: 2 });
        const page2 = await store.listPartitions('CERT#', { limit: 2, after: page1.at(-1) });
        const page3 = await store.listPartitions('CERT#', { limit: 2, after: page2.at(-1) });
        // Assess
        expect(all).toEqual(['CERT#a', 'CERT#b', 'CERT#c', 'CERT#d']);
        expect([page1, page2, page3]).toEqual([['CERT#a', 'CERT#b'], ['CERT#c', 'CERT#d'], []]);
      });
    });

    describe('expiresAt', () => {
      it('hides an expired item from every read', async () => {
        // Prepare
        const past = new Date(Date.now() - 60_000);
        await store.write(put('ALERT#x', 'SENT', { expiresAt: past, dueAt: at(0) }));
        await store.write(put('ALERT#y', 'SENT', { expiresAt: new Date(Date.now() + 3_600_000) }));
        // Act
        const reads = [await store.get({ pk: 'ALERT#x', sk: 'SENT' }), await store.query('ALERT#x'), await store.queryDue(at(1))];
        const partitions = await store.listPartitions('ALERT#');
        // Assess
        expect(reads).toEqual([undefined, [], []]);
        expect(partitions).toEqual(['ALERT#y']);
      });

      it('treats an expired item as absent for writes', async () => {
        // Prepare
        await store.write(put('ALERT#x', 'SENT', { expiresAt: new Date(Date.now() - 60_000) }));
        // Act
        const staleCas = await store.write(cas('ALERT#x', 'SENT', 1));
        const replaced = await store.write(put('ALERT#x', 'SENT', { data: { n: 5 } }));
        // Assess
        expect(staleCas).toEqual({ ok: false });
        expect(replaced).toEqual({ ok: true, item: { pk: 'ALERT#x', sk: 'SENT', version: 1, data: { n: 5 } } });
        expect(await store.get({ pk: 'ALERT#x', sk: 'SENT' })).toMatchObject({ version: 1, data: { n: 5 } });
      });
    });

    describe('outbox', () => {
      it('holds the events of successful writes, oldest first', async () => {
        // Prepare
        const before = Date.now();
        await store.write(put('CERT#a', 'META', { events: [event('a-1'), event('a-2')] }));
        await store.write(put('CERT#b', 'META', { events: [event('b-1')] }));
        await store.write(cas('CERT#a', 'META', 1, { events: [event('a-3')] }));
        const after = Date.now();
        // Act
        const pending = await store.pending(10);
        const firstTwo = await store.pending(2);
        // Assess
        expect(pending.map((e) => e.id)).toEqual(['a-1', 'a-2', 'b-1', 'a-3']);
        const { committedAt, ...first } = pending[0]!;
        expect(first).toEqual(event('a-1'));
        // The commit time is what the publisher measures outbox age and commit-to-bus delay by.
        for (const e of pending) expect(e.committedAt?.getTime()).toBeGreaterThanOrEqual(before - 1);
        for (const e of pending) expect(e.committedAt?.getTime()).toBeLessThanOrEqual(after + 1);
        expect(committedAt).toBeInstanceOf(Date);
        expect(firstTwo.map((e) => e.id)).toEqual(['a-1', 'a-2']);
      });

      it('adds no event when the write loses its condition', async () => {
        // Prepare
        await store.write(put('CERT#a', 'META'));
        // Act
        await store.write(put('CERT#a', 'META', { events: [event('lost-put')] }));
        await store.write(cas('CERT#a', 'META', 7, { events: [event('lost-cas')] }));
        // Assess
        expect(await store.pending(10)).toEqual([]);
      });

      it('keeps pending events across later writes and ignores a repeated event id', async () => {
        // Prepare
        await store.write(put('CERT#a', 'META', { events: [event('e-1')] }));
        // Act
        await store.write(cas('CERT#a', 'META', 1));
        await store.write(cas('CERT#a', 'META', 2, { events: [event('e-1'), event('e-2')] }));
        // Assess
        expect((await store.pending(10)).map((e) => e.id)).toEqual(['e-1', 'e-2']);
      });

      it('removes acknowledged events, idempotently', async () => {
        // Prepare
        await store.write(put('CERT#a', 'META', { events: [event('a-1'), event('a-2')] }));
        await store.write(put('CERT#b', 'META', { events: [event('b-1')] }));
        await store.pending(10);
        // Act
        await store.acknowledge(['a-1', 'b-1']);
        await store.acknowledge(['a-1', 'b-1', 'never-existed']);
        // Assess
        expect((await store.pending(10)).map((e) => e.id)).toEqual(['a-2']);
        expect(await store.get({ pk: 'CERT#a', sk: 'META' })).toMatchObject({ version: 1 });
      });

      it('acknowledges events it has not listed itself', async () => {
        // Prepare
        await store.write(put('CERT#a', 'META', { events: [event('a-1')] }));
        // Act
        await store.acknowledge(['a-1']);
        // Assess
        expect(await store.pending(10)).toEqual([]);
      });
    });

    describe('concurrency', () => {
      it('lets exactly one of 20 concurrent compare-and-sets from one version win', async () => {
        // Prepare
        await store.write(put('CERT#race', 'META'));
        const racer = (i: number) => store.write(cas('CERT#race', 'META', 1, { data: { n: i }, events: [event(`race-${i}`)] }));
        // Act
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => racer(i)));
        // Assess
        const winners = results.filter((r) => r.ok);
        expect(winners).toHaveLength(1);
        expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.current?.version === 2)).toBe(true);
        expect((await store.pending(50)).map((e) => e.id)).toEqual([`race-${winners[0]?.ok ? winners[0].item.data.n : -1}`]);
      });

      it('lets exactly one of 10 concurrent put-if-absents win', async () => {
        // Act
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.write(put('REQ#race', 'VOTE#x', { data: { n: i } }))));
        // Assess
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(await store.get({ pk: 'REQ#race', sk: 'VOTE#x' })).toMatchObject({ version: 1 });
      });

      it('loses no update when concurrent writers retry on conflict', async () => {
        // Prepare
        await store.write(put('CERT#counter', 'META'));
        const increment = async (): Promise<void> => {
          for (let attempt = 0; attempt < 100; attempt++) {
            const current = (await store.get<Doc>({ pk: 'CERT#counter', sk: 'META' }))!;
            const result = await store.write(cas('CERT#counter', 'META', current.version, { data: { n: current.data.n + 1 } }));
            if (result.ok) return;
          }
          throw new Error('increment kept losing');
        };
        const writer = async () => {
          for (let i = 0; i < 4; i++) await increment();
        };
        // Act
        await Promise.all(Array.from({ length: 5 }, writer));
        // Assess
        expect(await store.get({ pk: 'CERT#counter', sk: 'META' })).toMatchObject({ version: 21, data: { n: 20 } });
      });
    });
  });
}
