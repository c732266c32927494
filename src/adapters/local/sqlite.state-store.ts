import type Database from 'better-sqlite3';
import { ErrorCodes } from '../../domain/errors/index.js';
import { dateJson, openSqliteDatabase, openSqliteSnapshot, sqliteError, type SqliteStoreOptions } from './sqlite-support.js';
import { GroupCommit } from './group-commit.js';
import type {
  ItemKey,
  ItemWrite,
  Outbox,
  OutboxEvent,
  QueryOptions,
  StateStore,
  StoredItem,
  WriteResult,
} from '../../ports/state-store.port.js';

const STATE_SCHEMA = `
  -- TEXT, not a JSON type name: that would get NUMERIC affinity and turn "123" into an integer.
  -- A rowid table, not WITHOUT ROWID: rows of about 1 KB make WITHOUT ROWID inserts ~3x slower
  -- (SQLite advises it only for rows under ~1/20 of a page).
  CREATE TABLE IF NOT EXISTS items (
    pk TEXT NOT NULL, sk TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL,
    due_at INTEGER NULL, expires_at INTEGER NULL,
    id INTEGER PRIMARY KEY,
    UNIQUE (pk, sk)
  );
  CREATE INDEX IF NOT EXISTS items_due ON items (due_at) WHERE due_at IS NOT NULL;
  -- seq without AUTOINCREMENT: max(rowid)+1 keeps insertion order for pending events, without a
  -- sqlite_sequence write per event.
  CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
    detail_type TEXT NOT NULL, detail TEXT NOT NULL, created_at INTEGER NOT NULL
  );
`;

interface ItemRow {
  pk: string;
  sk: string;
  version: number;
  data: string;
  due_at: number | null;
  expires_at: number | null;
}

const COLUMNS = 'pk, sk, version, data, due_at, expires_at';
const VISIBLE = '(expires_at IS NULL OR expires_at >= @now)';
// Upper bound of a prefix range: every realistic key starting with the prefix sorts below it.
const rangeEnd = (prefix: string): string => `${prefix}\u{10FFFF}`;
const sqlLimit = (limit: number | undefined): number => (limit === undefined ? -1 : Math.max(0, Math.trunc(limit)));

function toItem<T>(row: ItemRow): StoredItem<T> {
  return {
    pk: row.pk,
    sk: row.sk,
    version: row.version,
    data: dateJson.parse<T>(row.data),
    ...(row.due_at === null ? {} : { dueAt: new Date(row.due_at) }),
    ...(row.expires_at === null ? {} : { expiresAt: new Date(row.expires_at) }),
  };
}

/**
 * The embedded state store: one SQLite file, items plus an outbox table written in the same
 * transaction, so an event exists exactly when the change it describes committed.
 */
export class SqliteStateStore implements StateStore, Outbox {
  private readonly now: () => Date;
  private readonly stmt;
  private readonly writeTx;
  private readonly ackTx;
  private readonly commits: GroupCommit;

  private constructor(
    private readonly db: Database.Database,
    private readonly path: string,
    options: SqliteStoreOptions,
  ) {
    this.now = options.now ?? (() => new Date());
    this.commits = new GroupCommit(db, (error) => sqliteError(error, ErrorCodes.STATE_UNAVAILABLE, path));
    this.stmt = {
      get: db.prepare<{ pk: string; sk: string; now: number }, ItemRow>(
        `SELECT ${COLUMNS} FROM items WHERE pk = @pk AND sk = @sk AND ${VISIBLE}`,
      ),
      // An expired row counts as absent, so put-if-absent may replace it.
      insert: db.prepare(
        `INSERT INTO items (${COLUMNS}) VALUES (@pk, @sk, 1, @data, @due, @exp)
         ON CONFLICT (pk, sk) DO UPDATE SET version = 1, data = excluded.data, due_at = excluded.due_at, expires_at = excluded.expires_at
         WHERE items.expires_at IS NOT NULL AND items.expires_at < @now`,
      ),
      update: db.prepare(
        `UPDATE items SET version = version + 1, data = @data, due_at = @due, expires_at = @exp
         WHERE pk = @pk AND sk = @sk AND version = @version AND ${VISIBLE}`,
      ),
      event: db.prepare('INSERT OR IGNORE INTO outbox (id, detail_type, detail, created_at) VALUES (?, ?, ?, ?)'),
      query: db.prepare<{ pk: string; lo: string; hi: string; now: number; limit: number }, ItemRow>(
        `SELECT ${COLUMNS} FROM items WHERE pk = @pk AND sk >= @lo AND sk < @hi AND ${VISIBLE} ORDER BY sk LIMIT @limit`,
      ),
      due: db.prepare<{ until: number; lo: string; hi: string; now: number; limit: number }, ItemRow>(
        `SELECT ${COLUMNS} FROM items WHERE due_at IS NOT NULL AND due_at <= @until AND pk >= @lo AND pk < @hi AND ${VISIBLE}
         ORDER BY due_at, pk, sk LIMIT @limit`,
      ),
      partitionsFrom: db.prepare<{ lo: string; hi: string; now: number; limit: number }, { pk: string }>(
        `SELECT DISTINCT pk FROM items WHERE pk >= @lo AND pk < @hi AND ${VISIBLE} ORDER BY pk LIMIT @limit`,
      ),
      partitionsAfter: db.prepare<{ lo: string; hi: string; now: number; limit: number }, { pk: string }>(
        `SELECT DISTINCT pk FROM items WHERE pk > @lo AND pk < @hi AND ${VISIBLE} ORDER BY pk LIMIT @limit`,
      ),
      pending: db.prepare<[number], { id: string; detail_type: string; detail: string; created_at: number }>(
        'SELECT id, detail_type, detail, created_at FROM outbox ORDER BY seq LIMIT ?',
      ),
      ack: db.prepare('DELETE FROM outbox WHERE id = ?'),
    };
    this.ackTx = db.transaction((ids: readonly string[]) => {
      for (const id of ids) this.stmt.ack.run(id);
    });
    this.writeTx = db.transaction(<T>(write: ItemWrite<T>, now: number): WriteResult<T> => {
      const { pk, sk } = write.key;
      const row = {
        pk,
        sk,
        data: dateJson.stringify(write.data),
        due: write.dueAt?.getTime() ?? null,
        exp: write.expiresAt?.getTime() ?? null,
        now,
      };
      const changed =
        write.condition.kind === 'absent'
          ? this.stmt.insert.run(row).changes
          : this.stmt.update.run({ ...row, version: write.condition.version }).changes;
      if (changed !== 1) {
        const current = this.stmt.get.get({ pk, sk, now });
        return { ok: false, ...(current ? { current: toItem<T>(current) } : {}) };
      }
      for (const event of write.events ?? []) this.stmt.event.run(event.id, event.detailType, dateJson.stringify(event.detail), now);
      const version = write.condition.kind === 'absent' ? 1 : write.condition.version + 1;
      return {
        ok: true,
        item: {
          pk,
          sk,
          version,
          data: write.data,
          ...(write.dueAt ? { dueAt: write.dueAt } : {}),
          ...(write.expiresAt ? { expiresAt: write.expiresAt } : {}),
        },
      };
    });
  }

  /** An in-memory copy of the database at `path` (which must exist): what is written to it is never saved. */
  static openSnapshot(path: string, options: SqliteStoreOptions = {}): SqliteStateStore {
    const db = openSqliteSnapshot(path, STATE_SCHEMA, ErrorCodes.STATE_UNAVAILABLE);
    try {
      return new SqliteStateStore(db, path, options);
    } catch (error) {
      db.close();
      throw sqliteError(error, ErrorCodes.STATE_UNAVAILABLE, path);
    }
  }

  /** Opens (creating if needed) the state database at `path`; `:memory:` for a throwaway store. */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStateStore {
    const db = openSqliteDatabase(path, STATE_SCHEMA, ErrorCodes.STATE_UNAVAILABLE, options);
    try {
      return new SqliteStateStore(db, path, options);
    } catch (error) {
      db.close();
      throw sqliteError(error, ErrorCodes.STATE_UNAVAILABLE, path);
    }
  }

  async get<T>(key: ItemKey): Promise<StoredItem<T> | undefined> {
    return this.run(() => {
      const row = this.stmt.get.get({ pk: key.pk, sk: key.sk, now: this.now().getTime() });
      return row ? toItem<T>(row) : undefined;
    });
  }

  async write<T>(write: ItemWrite<T>): Promise<WriteResult<T>> {
    // Group commit: concurrent writers share one transaction; each resolves after it commits.
    return this.commits.run(() => this.writeTx(write, this.now().getTime()) as WriteResult<T>);
  }

  async query<T>(pk: string, options: QueryOptions = {}): Promise<StoredItem<T>[]> {
    const lo = options.skPrefix ?? '';
    return this.run(() =>
      this.stmt.query.all({ pk, lo, hi: rangeEnd(lo), now: this.now().getTime(), limit: sqlLimit(options.limit) }).map((r) => toItem<T>(r)),
    );
  }

  async queryDue<T>(until: Date, options: { readonly pkPrefix?: string; readonly limit?: number } = {}): Promise<StoredItem<T>[]> {
    const lo = options.pkPrefix ?? '';
    const params = { until: until.getTime(), lo, hi: rangeEnd(lo), now: this.now().getTime(), limit: sqlLimit(options.limit) };
    return this.run(() => this.stmt.due.all(params).map((r) => toItem<T>(r)));
  }

  async listPartitions(pkPrefix: string, options: { readonly limit?: number; readonly after?: string } = {}): Promise<string[]> {
    const after = options.after !== undefined && options.after >= pkPrefix ? options.after : undefined;
    const params = { lo: after ?? pkPrefix, hi: rangeEnd(pkPrefix), now: this.now().getTime(), limit: sqlLimit(options.limit) };
    const stmt = after === undefined ? this.stmt.partitionsFrom : this.stmt.partitionsAfter;
    return this.run(() => stmt.all(params).map((r) => r.pk));
  }

  async pending(limit: number): Promise<OutboxEvent[]> {
    return this.run(() =>
      this.stmt.pending.all(sqlLimit(limit)).map((r) => ({
        id: r.id,
        detailType: r.detail_type,
        detail: dateJson.parse<Record<string, unknown>>(r.detail),
        committedAt: new Date(r.created_at),
      })),
    );
  }

  async acknowledge(ids: readonly string[]): Promise<void> {
    await this.commits.run(() => this.ackTx(ids));
  }

  /** Closes the connection; the WAL is checkpointed when the last connection closes. */
  async close(): Promise<void> {
    this.commits.flush();
    if (this.db.open) this.db.close();
  }

  private run<R>(fn: () => R): R {
    try {
      return fn();
    } catch (error) {
      throw sqliteError(error, ErrorCodes.STATE_UNAVAILABLE, this.path);
    }
  }
}
