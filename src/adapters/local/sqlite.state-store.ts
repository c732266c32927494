import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CertflowError, ErrorCodes, type ErrorCode } from '../../domain/errors/index.js';
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

/** Options shared by the SQLite stores. */
export interface SqliteStoreOptions {
  /** How long a writer waits for another connection's lock before failing retryably. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** The clock expiry is judged by. Default: the system clock. */
  readonly now?: () => Date;
}

/** Dates become `{"$date": ISO}` so they survive JSON (domain objects hold Dates). */
function tagDates(value: unknown): unknown {
  if (value instanceof Date) return { $date: Number.isNaN(value.getTime()) ? null : value.toISOString() };
  if (Array.isArray(value)) return value.map(tagDates);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = tagDates(v);
    return out;
  }
  return value;
}

function untagDates(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = untagDates(value[i]);
    return value;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('$date' in record && Object.keys(record).length === 1) return new Date((record['$date'] as string | null) ?? Number.NaN);
    for (const k of Object.keys(record)) record[k] = untagDates(record[k]);
  }
  return value;
}

/**
 * JSON that keeps Dates as Dates: `{"$date":"<ISO>"}` on disk. A walk plus plain JSON, not a
 * replacer/reviver: those call back into JS for every key and cost 3-4x more on this hot path.
 */
export const dateJson = {
  stringify: (value: unknown): string => JSON.stringify(tagDates(value)),
  parse: <T>(text: string): T => untagDates(JSON.parse(text)) as T,
};

/** Maps a better-sqlite3 error to a CertflowError carrying `code`; only SQLite's own code reaches the message. */
export function sqliteError(error: unknown, code: ErrorCode, path: string): CertflowError {
  if (error instanceof CertflowError) return error;
  const sqliteCode = (error as { code?: unknown }).code;
  const name = typeof sqliteCode === 'string' ? sqliteCode : 'UNKNOWN';
  if (name === 'SQLITE_NOTADB' || name === 'SQLITE_CORRUPT') {
    return new CertflowError(code, `${path} is not a SQLite database or is corrupt (${name})`, { context: { path }, cause: error });
  }
  // A lock held past busy_timeout or a transient I/O failure may clear on its own.
  const retryable = name.startsWith('SQLITE_BUSY') || name.startsWith('SQLITE_LOCKED') || name.startsWith('SQLITE_IOERR');
  return new CertflowError(code, `SQLite operation on ${path} failed (${name})`, { retryable, context: { path }, cause: error });
}

/**
 * Opens a SQLite file for a certflow store: created 0600 (parent 0700 when created here), WAL,
 * synchronous=NORMAL (durable at checkpoints, never OFF), a busy timeout, and `schema` applied.
 * A file that is not a database fails with a CertflowError of `code`.
 */
export function openSqliteDatabase(path: string, schema: string, code: ErrorCode, options: SqliteStoreOptions = {}): Database.Database {
  const inMemory = path === ':memory:';
  let db: Database.Database | undefined;
  try {
    if (!inMemory) {
      const dir = dirname(path);
      if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Created before SQLite opens it so the file never exists with umask permissions; 'a' never truncates.
      closeSync(openSync(path, 'a', 0o600));
    }
    db = new Database(path);
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // A 64 MiB page cache: the default 2 MiB makes every write to a random key a read from the OS.
    db.pragma('cache_size = -65536');
    db.exec(schema);
    if (!inMemory) {
      // SQLite copies the database's mode to -wal/-shm; set it explicitly in case they pre-existed.
      for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
    }
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof CertflowError) throw error;
    const errno = (error as { code?: unknown }).code;
    if (typeof errno === 'string' && !errno.startsWith('SQLITE')) {
      throw new CertflowError(code, `Cannot open ${path} (${errno})`, { context: { path }, cause: error });
    }
    throw sqliteError(error, code, path);
  }
}

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
  CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
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
      pending: db.prepare<[number], { id: string; detail_type: string; detail: string }>(
        'SELECT id, detail_type, detail FROM outbox ORDER BY seq LIMIT ?',
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
