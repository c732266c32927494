import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CertflowError, type ErrorCode } from '../../domain/errors/index.js';

/** Options shared by the SQLite stores. */
export interface SqliteStoreOptions {
  /** How long a writer waits for another connection's lock before failing retryably. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** The clock expiry is judged by. Default: the system clock. */
  readonly now?: () => Date;
  /**
   * NORMAL (default) survives a process crash; FULL also survives power loss, at one fsync per
   * (group) commit. The key store uses FULL: a key must never be lost once a CSR exists for it.
   */
  readonly synchronous?: 'NORMAL' | 'FULL';
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
 * synchronous=NORMAL or FULL (never OFF), a busy timeout, and `schema` applied.
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
    db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
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

/**
 * An in-memory copy of the SQLite file at `path`, for readers that must change nothing on disk
 * (`certflow plan`, `ls`): writes to the copy stay in memory. Opening the file itself, even
 * read-only, would leave -wal/-shm files behind; so a file with no WAL (no writer has it open)
 * is read as bytes, and one with a WAL is read through a read-only connection, which adds no file.
 */
export function openSqliteSnapshot(path: string, schema: string, code: ErrorCode): Database.Database {
  let db: Database.Database | undefined;
  try {
    let bytes: Buffer;
    if (existsSync(`${path}-wal`)) {
      const source = new Database(path, { readonly: true, fileMustExist: true });
      try {
        bytes = source.serialize();
      } finally {
        source.close();
      }
    } else {
      bytes = readFileSync(path);
    }
    // Bytes 18-19 say "WAL"; an in-memory database cannot use WAL, so the copy says "rollback journal".
    if (bytes.length >= 20) {
      bytes[18] = 1;
      bytes[19] = 1;
    }
    db = new Database(bytes);
    db.exec(schema);
    return db;
  } catch (error) {
    db?.close();
    const errno = (error as { code?: unknown }).code;
    if (typeof errno === 'string' && !errno.startsWith('SQLITE')) {
      throw new CertflowError(code, `Cannot read ${path} (${errno})`, { context: { path }, cause: error });
    }
    throw sqliteError(error, code, path);
  }
}
