import type { AttributeValue, CreateTableCommandInput, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import type { ItemKey, ItemWrite, OutboxEvent, StoredItem } from '../../ports/state-store.port.js';

/*
 * The state table's layout, shared by DynamoDbStateStore, its tests and the stack definition.
 *   pk, sk            the item key (strings)
 *   version           number, starts at 1; conditional writes compare it
 *   data              JSON text, Dates tagged {"$date": ISO} so they come back as Dates
 *   dueAt, dueShard   sparse: only items with a due time are in the `due` GSI (dueAt in epoch ms)
 *   expiresAt         epoch seconds, the TTL attribute; expiresAtMs keeps the exact instant for reads
 *   outbox            map event id -> { t: order stamp, dt: detail-type, d: detail JSON }
 *   outboxAt, outboxShard  sparse: items with pending events are in the `outbox` GSI, by oldest event
 *   obRev             counter bumped by every change to `outbox`; acknowledgements are conditioned on it
 */

/** The GSI over due items. */
export const DUE_INDEX = 'due';
/** The GSI over items holding pending outbox events. */
export const OUTBOX_INDEX = 'outbox';
/** TTL must be enabled on this attribute (UpdateTimeToLive / TimeToLiveSpecification); CreateTable cannot. */
export const STATE_TABLE_TTL_ATTRIBUTE = 'expiresAt';

/**
 * The CreateTable input for the state table: on-demand, key (pk, sk), GSIs `due` (dueShard, dueAt)
 * and `outbox` (outboxShard, outboxAt). After creating it, enable TTL on {@link STATE_TABLE_TTL_ATTRIBUTE}.
 */
export function stateTableDefinition(tableName: string): CreateTableCommandInput {
  const s = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  const n = (name: string) => ({ AttributeName: name, AttributeType: 'N' as const });
  const key = (hash: string, range: string) => [
    { AttributeName: hash, KeyType: 'HASH' as const },
    { AttributeName: range, KeyType: 'RANGE' as const },
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [s('pk'), s('sk'), s('dueShard'), n('dueAt'), s('outboxShard'), n('outboxAt')],
    KeySchema: key('pk', 'sk'),
    GlobalSecondaryIndexes: [
      {
        IndexName: DUE_INDEX,
        KeySchema: key('dueShard', 'dueAt'),
        // Not ALL: pending events in `outbox` would be copied into the due index for nothing.
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['version', 'data', 'expiresAtMs'] },
      },
      {
        IndexName: OUTBOX_INDEX,
        KeySchema: key('outboxShard', 'outboxAt'),
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['outbox'] },
      },
    ],
  };
}

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // JSON.stringify has already applied Date#toJSON to `value`; the Date itself is on the holder.
  const raw = this[key];
  if (raw instanceof Date) return { $date: Number.isNaN(raw.getTime()) ? null : raw.toISOString() };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && '$date' in value && Object.keys(value).length === 1) {
    return new Date((value as { $date: string | null }).$date ?? Number.NaN);
  }
  return value;
}

/** JSON text that keeps Dates as Dates. */
export const toJson = (value: unknown): string => JSON.stringify(value, replacer);
/** Parses {@link toJson} output. */
export const fromJson = <T>(text: string): T => JSON.parse(text, reviver) as T;

/** A raw DynamoDB item. */
export type Item = Record<string, AttributeValue>;
/** An outbox event with its order stamp. */
export type StampedEvent = OutboxEvent & { readonly at: number };

export const num = (value: number): AttributeValue => ({ N: String(value) });
export const str = (value: string): AttributeValue => ({ S: value });
export const keyOf = (key: ItemKey): Item => ({ pk: str(key.pk), sk: str(key.sk) });
export const eventValue = (e: StampedEvent): AttributeValue => ({ M: { t: num(e.at), dt: str(e.detailType), d: str(toJson(e.detail)) } });

/** The index shard of a partition key: FNV-1a, stable across processes and releases, as a stored item's shard must be. */
export function shardKey(index: 'DUE' | 'OUTBOX', pk: string, shards: number): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < pk.length; i++) hash = Math.imul(hash ^ pk.charCodeAt(i), 0x01000193) >>> 0;
  return `${index}#${hash % shards}`;
}

/** Every shard of an index, for reads that must visit them all. */
export const shardKeys = (index: 'DUE' | 'OUTBOX', shards: number): string[] =>
  Array.from({ length: shards }, (_, i) => `${index}#${i}`);

/** The attributes a write sets besides key, version and outbox: data, the due index, expiry. */
export function itemFields<T>(write: ItemWrite<T>, shards: number): Item {
  const item: Item = { data: str(toJson(write.data)) };
  if (write.dueAt) Object.assign(item, { dueAt: num(write.dueAt.getTime()), dueShard: str(shardKey('DUE', write.key.pk, shards)) });
  // TTL is whole seconds; rounding up means DynamoDB never deletes before the exact expiry.
  const exp = write.expiresAt?.getTime();
  if (exp !== undefined) Object.assign(item, { expiresAt: num(Math.ceil(exp / 1000)), expiresAtMs: num(exp) });
  return item;
}

/** Decodes an item; undefined when there is none or it has expired (TTL deletion lags by up to days). */
export function decodeItem<T>(item: Item | undefined, nowMs: number): StoredItem<T> | undefined {
  if (!item?.pk?.S) return undefined;
  const expiresAtMs = item.expiresAtMs?.N === undefined ? undefined : Number(item.expiresAtMs.N);
  if (expiresAtMs !== undefined && expiresAtMs < nowMs) return undefined;
  return {
    pk: item.pk.S,
    sk: item.sk!.S!,
    version: Number(item.version!.N),
    data: fromJson<T>(item.data!.S!),
    ...(item.dueAt?.N ? { dueAt: new Date(Number(item.dueAt.N)) } : {}),
    ...(expiresAtMs === undefined ? {} : { expiresAt: new Date(expiresAtMs) }),
  };
}

const RETRYABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionConflictException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

/**
 * Maps a DynamoDB failure to STATE.UNAVAILABLE: retryable for throttling, 5xx and network
 * errors, terminal otherwise (missing table, validation). The SDK's message is not copied: a
 * validation message may quote attribute values.
 */
export function dynamoDbError(error: unknown, operation: string, tableName: string): CertflowError {
  if (error instanceof CertflowError) return error;
  const e = (error ?? {}) as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const retryable =
    RETRYABLE_NAMES.has(name) ||
    (status !== undefined && status >= 500) ||
    e.$retryable !== undefined ||
    (e.code !== undefined && NETWORK_CODES.has(e.code));
  const detail = name === 'ResourceNotFoundException' ? 'table or index not found' : name;
  return new CertflowError(ErrorCodes.STATE_UNAVAILABLE, `DynamoDB ${operation} on ${tableName} failed (${detail})`, {
    retryable,
    context: { tableName, operation, errorName: name, ...(status === undefined ? {} : { httpStatusCode: status }) },
    cause: error,
  });
}

/** The events pending on an item, with their order stamps. */
export function eventsOf(item: Item): StampedEvent[] {
  return Object.entries(item.outbox?.M ?? {}).map(([id, e]) => ({
    id,
    at: Number(e.M!.t!.N),
    detailType: e.M!.dt!.S!,
    detail: fromJson<Record<string, unknown>>(e.M!.d!.S!),
  }));
}

/**
 * The UpdateItem of a compare-and-set: replaces data, version, due and expiry attributes (removing
 * those the write omits) and adds the events to `outbox` without disturbing events still pending.
 * Binds `:expected` and `:now` for the caller's condition.
 */
export function updateInput<T>(
  write: ItemWrite<T>,
  events: readonly StampedEvent[],
  shards: number,
  at: { readonly version: number; readonly expected: number; readonly now: number },
): Omit<UpdateItemCommandInput, 'TableName'> {
  const fields = itemFields(write, shards);
  const set = ['#d = :data', '#v = :v'];
  const remove: string[] = [];
  const names: Record<string, string> = { '#d': 'data', '#v': 'version' };
  const values: Item = { ':data': fields.data!, ':v': num(at.version), ':expected': num(at.expected), ':now': num(at.now) };
  for (const attr of ['dueAt', 'dueShard', 'expiresAt', 'expiresAtMs']) {
    const value = fields[attr];
    if (value) values[`:${attr}`] = value;
    (value ? set : remove).push(value ? `${attr} = :${attr}` : attr);
  }
  events.forEach((e, i) => {
    // if_not_exists: an event id already pending stays as it is (the outbox ignores duplicates).
    set.push(`outbox.#e${i} = if_not_exists(outbox.#e${i}, :e${i})`);
    names[`#e${i}`] = e.id;
    values[`:e${i}`] = eventValue(e);
  });
  if (events.length > 0) {
    // The oldest pending event keeps its place in the index; obRev tells acknowledgers the outbox changed.
    set.push('outboxAt = if_not_exists(outboxAt, :at)', 'outboxShard = :os');
    Object.assign(values, { ':at': num(events[0]!.at), ':os': str(shardKey('OUTBOX', write.key.pk, shards)), ':one': num(1) });
  }
  const removeClause = remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : '';
  return {
    Key: keyOf(write.key),
    UpdateExpression: `SET ${set.join(', ')}${removeClause}${events.length > 0 ? ' ADD obRev :one' : ''}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
