import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  type DynamoDBClient,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import type { ItemKey, ItemWrite, Outbox, OutboxEvent, QueryOptions, StateStore, StoredItem, WriteResult } from '../../ports/state-store.port.js';
import { DUE_INDEX, OUTBOX_INDEX, decodeItem, dynamoDbError, eventValue, eventsOf, itemFields } from './dynamodb.state-table.js';
import { keyOf, num, shardKey, shardKeys, str, updateInput, type Item, type StampedEvent } from './dynamodb.state-table.js';

export { DUE_INDEX, OUTBOX_INDEX, STATE_TABLE_TTL_ATTRIBUTE, stateTableDefinition } from './dynamodb.state-table.js';

/*
 * Outbox without transactions: a write's events go into the item itself (`outbox`, a map from
 * event id to event) in the same PutItem/UpdateItem, so item and events commit together or not at
 * all. Items holding events carry `outboxShard` + `outboxAt` (their oldest event), a sparse GSI
 * that `pending()` reads. `acknowledge()` removes events with an UpdateItem conditioned on
 * `obRev`, which every outbox change bumps, retrying when a writer got in between. CAS is an
 * UpdateItem (not a PutItem) so events not yet acknowledged survive the next write. The `due` and
 * `outbox` GSIs spread over a few shards (hash of pk) so no index partition takes every write.
 * Pending events count against the 400 KB item limit: the publisher must keep draining. TTL may
 * delete an expired item with events still pending, so expiring items should carry none.
 */

/** How the DynamoDB state store is built. */
export interface DynamoDbStateStoreOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** Index shards for `due` and `outbox` (1–16), default 4. Fixed per table: changing it strands index entries. */
  readonly shards?: number;
  /** The clock expiry is judged by. Default: the system clock. */
  readonly now?: () => Date;
}

type PendingEvent = StampedEvent & { readonly key: string };

const MAX_PAGES = 1000; // Bounds every paging loop; 1000 pages of 1 MB is past any sane size for these reads.
const ACK_ATTEMPTS = 10;
const NOT_EXPIRED = '(attribute_not_exists(expiresAtMs) OR expiresAtMs >= :now)';

/** The state store on DynamoDB: conditional writes, sparse sharded GSIs, events embedded in items. */
export class DynamoDbStateStore implements StateStore, Outbox {
  private readonly client: DynamoDBClient;
  private readonly table: string;
  private readonly shards: number;
  private readonly now: () => Date;
  private lastStamp = 0;
  /** Where `pending()` last saw each event, so `acknowledge()` rarely has to search the index. */
  private readonly seen = new Map<string, string>();

  constructor(options: DynamoDbStateStoreOptions) {
    this.client = options.client;
    this.table = options.tableName;
    this.shards = Math.min(16, Math.max(1, Math.trunc(options.shards ?? 4)));
    this.now = options.now ?? (() => new Date());
  }

  async get<T>(key: ItemKey): Promise<StoredItem<T> | undefined> {
    const read = new GetItemCommand({ TableName: this.table, Key: keyOf(key), ConsistentRead: true });
    return this.visible<T>((await this.call('GetItem', () => this.client.send(read))).Item);
  }

  async write<T>(write: ItemWrite<T>): Promise<WriteResult<T>> {
    const now = this.now().getTime();
    const events: StampedEvent[] = (write.events ?? []).map((e) => ({ ...e, at: this.stamp() }));
    if (write.condition.kind === 'version') {
      const { version } = write.condition;
      return this.result(write, version + 1, await this.update(write, events, version + 1, `#v = :expected AND ${NOT_EXPIRED}`, version, now));
    }
    const item: Item = { ...keyOf(write.key), version: num(1), obRev: num(0), outbox: { M: {} }, ...this.fields(write) };
    if (events.length > 0) {
      item.outbox = { M: Object.fromEntries(events.map((e) => [e.id, eventValue(e)])) };
      Object.assign(item, { outboxShard: str(shardKey('OUTBOX', write.key.pk, this.shards)), outboxAt: num(events[0]!.at) });
    }
    const condition = { ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const };
    const put = new PutItemCommand({ TableName: this.table, Item: item, ...condition });
    const old = await this.conditional('PutItem', put, write.key);
    if (old === undefined || this.visible(old) !== undefined) return this.result(write, 1, old);
    // The stored item expired, so it reads as absent: replace it in place, keeping its unpublished events.
    const cond = '#v = :expected AND expiresAtMs < :now';
    return this.result(write, 1, await this.update(write, events, 1, cond, Number(old.version?.N ?? 0), now));
  }

  async query<T>(pk: string, options: QueryOptions = {}): Promise<StoredItem<T>[]> {
    const prefix: Item = options.skPrefix ? { ':p': str(options.skPrefix) } : {};
    const items = await this.pages(options.limit, {
      TableName: this.table,
      ConsistentRead: true,
      KeyConditionExpression: options.skPrefix ? 'pk = :pk AND begins_with(sk, :p)' : 'pk = :pk',
      FilterExpression: NOT_EXPIRED,
      ExpressionAttributeValues: { ':pk': str(pk), ':now': num(this.now().getTime()), ...prefix },
    });
    return this.decode<T>(items);
  }

  async queryDue<T>(until: Date, options: { readonly pkPrefix?: string; readonly limit?: number } = {}): Promise<StoredItem<T>[]> {
    const prefix: Item = options.pkPrefix ? { ':p': str(options.pkPrefix) } : {};
    const perShard = await Promise.all(
      shardKeys('DUE', this.shards).map((shard) =>
        this.pages(options.limit, {
          TableName: this.table,
          IndexName: DUE_INDEX,
          KeyConditionExpression: 'dueShard = :s AND dueAt <= :u',
          FilterExpression: options.pkPrefix ? `begins_with(pk, :p) AND ${NOT_EXPIRED}` : NOT_EXPIRED,
          ExpressionAttributeValues: { ':s': str(shard), ':u': num(until.getTime()), ':now': num(this.now().getTime()), ...prefix },
        }),
      ),
    );
    // Each shard is in due order; merge them and keep the earliest `limit`.
    const items = this.decode<T>(perShard.flat()).sort(
      (a, b) => a.dueAt!.getTime() - b.dueAt!.getTime() || cmp(a.pk, b.pk) || cmp(a.sk, b.sk),
    );
    return options.limit === undefined ? items : items.slice(0, options.limit);
  }

  /** A Scan: DynamoDB has no index over partition keys alone. Meant for the occasional inventory listing. */
  async listPartitions(pkPrefix: string, options: { readonly limit?: number; readonly after?: string } = {}): Promise<string[]> {
    const found = new Set<string>();
    let start: Item | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const scan = new ScanCommand({
        TableName: this.table,
        ConsistentRead: true,
        ProjectionExpression: 'pk',
        FilterExpression: `begins_with(pk, :p) AND ${NOT_EXPIRED}`,
        ExpressionAttributeValues: { ':p': str(pkPrefix), ':now': num(this.now().getTime()) },
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      const out = await this.call('Scan', () => this.client.send(scan));
      for (const item of out.Items ?? []) found.add(item.pk!.S!);
      start = out.LastEvaluatedKey;
      if (!start) break;
    }
    const sorted = [...found].filter((pk) => options.after === undefined || pk > options.after).sort(cmp);
    return options.limit === undefined ? sorted : sorted.slice(0, options.limit);
  }

  async pending(limit: number): Promise<OutboxEvent[]> {
    // An item sits in the index at its oldest event, so the first `limit` items per shard hold the oldest `limit` events.
    const events = (await this.readOutbox(limit)).sort((a, b) => a.at - b.at || cmp(a.id, b.id)).slice(0, limit);
    if (this.seen.size > 10_000) this.seen.clear();
    for (const e of events) this.seen.set(e.id, e.key);
    return events.map(({ id, detailType, detail, at }) => ({ id, detailType, detail, committedAt: new Date(Math.floor(at / 1000)) }));
  }

  async acknowledge(ids: readonly string[]): Promise<void> {
    const byItem = new Map<string, Set<string>>();
    const add = (key: string, id: string) => byItem.set(key, (byItem.get(key) ?? new Set<string>()).add(id));
    const unknown = new Set<string>();
    for (const id of ids) {
      const key = this.seen.get(id);
      if (key === undefined) unknown.add(id);
      else add(key, id);
    }
    // Listed by another process, or long gone: look it up in the index (absent ids are already acknowledged).
    if (unknown.size > 0) for (const e of await this.readOutbox(undefined, unknown)) add(e.key, e.id);
    await Promise.all([...byItem].map(([key, idSet]) => this.ackItem(key, idSet)));
    for (const id of ids) this.seen.delete(id);
  }

  private async ackItem(keyString: string, ids: ReadonlySet<string>): Promise<void> {
    const [pk, sk] = JSON.parse(keyString) as [string, string];
    const Key = keyOf({ pk, sk });
    for (let attempt = 0; attempt < ACK_ATTEMPTS; attempt++) {
      const read = new GetItemCommand({ TableName: this.table, Key, ConsistentRead: true, ProjectionExpression: 'outbox, obRev' });
      const stored = (await this.call('GetItem', () => this.client.send(read))).Item;
      const outbox = Object.entries(stored?.outbox?.M ?? {});
      const gone = outbox.filter(([id]) => ids.has(id)).map(([id]) => id);
      if (!stored || gone.length === 0) return;
      const left = eventsOf(stored).filter((e) => !ids.has(e.id)).map((e) => e.at);
      const names = Object.fromEntries(gone.map((id, i) => [`#e${i}`, id]));
      const removes = [...Object.keys(names).map((n) => `outbox.${n}`), ...(left.length === 0 ? ['outboxAt', 'outboxShard'] : [])];
      const lost = await this.conditional(
        'UpdateItem',
        new UpdateItemCommand({
          TableName: this.table,
          Key,
          UpdateExpression: `REMOVE ${removes.join(', ')}${left.length > 0 ? ' SET outboxAt = :at' : ''} ADD obRev :one`,
          ConditionExpression: 'obRev = :rev',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ':rev': stored.obRev ?? num(0), ':one': num(1),
            ...(left.length > 0 ? { ':at': num(Math.min(...left)) } : {}),
          },
        }),
      );
      if (lost === undefined) return;
    }
    const message = `Acknowledging events on ${pk} kept conflicting with writers`;
    throw new CertflowError(ErrorCodes.STATE_CONFLICT, message, { retryable: true, context: { pk, sk } });
  }

  /** Reads the outbox index: the first `limit` items per shard, or until every id in `want` is seen. */
  private async readOutbox(limit: number | undefined, want?: ReadonlySet<string>): Promise<PendingEvent[]> {
    const query = (shard: string): QueryCommandInput => ({
      TableName: this.table,
      IndexName: OUTBOX_INDEX,
      KeyConditionExpression: 'outboxShard = :s',
      ExpressionAttributeValues: { ':s': str(shard) },
    });
    const perShard = await Promise.all(shardKeys('OUTBOX', this.shards).map((shard) => this.pages(limit, query(shard), want)));
    return perShard.flat().flatMap((item) => {
      const key = JSON.stringify([item.pk!.S!, item.sk!.S!]);
      return eventsOf(item).filter((e) => !want || want.has(e.id)).map((e) => ({ ...e, key }));
    });
  }

  /** Query pages until `limit` items, the end, or (with `want`) every wanted event id seen. */
  private async pages(limit: number | undefined, input: QueryCommandInput, want?: ReadonlySet<string>): Promise<Item[]> {
    const items: Item[] = [];
    const missing = want ? new Set(want) : undefined;
    let start: Item | undefined;
    for (let page = 0; page < MAX_PAGES && (limit === undefined || items.length < limit); page++) {
      const paging = { ...(limit === undefined ? {} : { Limit: limit - items.length }), ...(start ? { ExclusiveStartKey: start } : {}) };
      const out = await this.call('Query', () => this.client.send(new QueryCommand({ ...input, ...paging })));
      for (const item of out.Items ?? []) {
        items.push(item);
        for (const id of Object.keys(item.outbox?.M ?? {})) missing?.delete(id);
      }
      start = out.LastEvaluatedKey;
      if (!start || missing?.size === 0) break;
    }
    return items;
  }

  /** The conditional UpdateItem of a CAS or of replacing an expired item; on failure, the stored item. */
  private update<T>(write: ItemWrite<T>, events: StampedEvent[], version: number, condition: string, expected: number, now: number) {
    const input = updateInput(write, events, this.shards, { version, expected, now });
    const returnOld = { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const };
    const command = new UpdateItemCommand({ ...input, TableName: this.table, ConditionExpression: condition, ...returnOld });
    return this.conditional('UpdateItem', command, write.key);
  }

  /** Sends a conditional write: undefined when it applied, else the stored item (`{}` when none; read back if not returned). */
  private async conditional(operation: string, command: PutItemCommand | UpdateItemCommand, readBack?: ItemKey): Promise<Item | undefined> {
    try {
      await this.call(operation, () => this.client.send(command as PutItemCommand), true);
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (error.Item || !readBack) return error.Item ?? {};
      // Engines that ignore ReturnValuesOnConditionCheckFailure (dynalite): read what won, consistently.
      const read = new GetItemCommand({ TableName: this.table, Key: keyOf(readBack), ConsistentRead: true });
      return (await this.call('GetItem', () => this.client.send(read))).Item ?? {};
    }
  }

  /** Runs one SDK call, mapping its failure to a CertflowError (a lost condition passes through when asked). */
  private async call<O>(operation: string, fn: () => Promise<O>, keepConditional = false): Promise<O> {
    try {
      return await fn();
    } catch (error) {
      if (keepConditional && error instanceof ConditionalCheckFailedException) throw error;
      throw dynamoDbError(error, operation, this.table);
    }
  }

  private result<T>(write: ItemWrite<T>, version: number, lost: Item | undefined): WriteResult<T> {
    if (lost !== undefined) {
      const current = this.visible<T>(lost);
      return current ? { ok: false, current } : { ok: false };
    }
    const { key, data, dueAt, expiresAt } = write;
    return { ok: true, item: { ...key, version, data, ...(dueAt ? { dueAt } : {}), ...(expiresAt ? { expiresAt } : {}) } };
  }

  private decode<T>(items: Item[]): StoredItem<T>[] {
    return items.map((i) => this.visible<T>(i)).filter((i): i is StoredItem<T> => i !== undefined);
  }

  /** Monotonic per instance (ms × 1000 plus a counter), so one writer's events keep their order within a millisecond. */
  private stamp(): number {
    this.lastStamp = Math.max(this.lastStamp + 1, this.now().getTime() * 1000);
    return this.lastStamp;
  }

  private fields<T>(write: ItemWrite<T>): Item {
    return itemFields(write, this.shards);
  }

  private visible<T>(item: Item | undefined): StoredItem<T> | undefined {
    return decodeItem<T>(item, this.now().getTime());
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
