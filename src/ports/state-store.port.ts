/**
 * The state port: a single-table item store with the semantics certflow's invariants need.
 * Shaped after DynamoDB (partition + sort key, conditional writes) so the SQLite default and
 * the DynamoDB adapter pass one contract suite.
 */

export interface ItemKey {
  /** Partition, e.g. `CERT#web`, `REQ#req_abc`. */
  readonly pk: string;
  /** Sort key within the partition, e.g. `META`, `REV#3`, `ALERT#14`. */
  readonly sk: string;
}

export interface StoredItem<T> extends ItemKey {
  readonly data: T;
  /** Starts at 1; every successful write increments it. Compare-and-set checks it. */
  readonly version: number;
  /** Sparse index for planning: items with a due time can be queried by it. */
  readonly dueAt?: Date;
  /** When set, the item may be removed after this time (DynamoDB TTL). */
  readonly expiresAt?: Date;
}

/** An event to publish once the write it belongs to has committed (the transactional outbox). */
export interface OutboxEvent {
  /** Unique and deterministic: the idempotency key of the event. */
  readonly id: string;
  readonly detailType: string;
  readonly detail: Readonly<Record<string, unknown>>;
  /** When the write that holds it committed; set by `Outbox.pending`, ignored on write. */
  readonly committedAt?: Date;
}

export type WriteCondition = { readonly kind: 'absent' } | { readonly kind: 'version'; readonly version: number };

export interface ItemWrite<T> {
  readonly key: ItemKey;
  readonly condition: WriteCondition;
  readonly data: T;
  /** Omitted means "not in the due index". */
  readonly dueAt?: Date;
  readonly expiresAt?: Date;
  /** Committed atomically with the item: both or neither. */
  readonly events?: readonly OutboxEvent[];
}

export type WriteResult<T> =
  | { readonly ok: true; readonly item: StoredItem<T> }
  /** The condition failed; `current` is what is stored now (absent if nothing is). */
  | { readonly ok: false; readonly current?: StoredItem<T> };

export interface QueryOptions {
  readonly skPrefix?: string;
  readonly limit?: number;
}

export interface StateStore {
  get<T>(key: ItemKey): Promise<StoredItem<T> | undefined>;
  /** Put-if-absent or compare-and-set, with the outbox events of the change. A lost race is a value, not an error. */
  write<T>(write: ItemWrite<T>): Promise<WriteResult<T>>;
  /** Items of one partition, in sort-key order. */
  query<T>(pk: string, options?: QueryOptions): Promise<StoredItem<T>[]>;
  /** Items whose dueAt is at or before `until`, earliest first; `pkPrefix` narrows to one kind (e.g. `CERT#`). */
  queryDue<T>(until: Date, options?: { readonly pkPrefix?: string; readonly limit?: number }): Promise<StoredItem<T>[]>;
  /** Every partition key with the given prefix, in order (the inventory listing). */
  listPartitions(pkPrefix: string, options?: { readonly limit?: number; readonly after?: string }): Promise<string[]>;
}

/** Where a committed event waits until it is published. */
export interface Outbox {
  /** Oldest first. */
  pending(limit: number): Promise<OutboxEvent[]>;
  /** Idempotent: acknowledging an event twice, or one already gone, is fine. */
  acknowledge(ids: readonly string[]): Promise<void>;
}
