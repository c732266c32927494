import type Database from 'better-sqlite3';

const MAX_BUSY_RETRIES = 5;
const BUSY_PAUSE_MS = 25;

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

interface Pending {
  readonly op: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: writes submitted during one turn of the event loop share one SQLite
 * transaction, and each caller's promise settles only after that transaction has committed.
 * Durability per write is unchanged (nobody proceeds on an uncommitted write); what changes is
 * that N concurrent issuances pay for one commit instead of N. Each write runs in its own
 * savepoint, so a write that throws (a conflict, a bad version) is rolled back alone and
 * rejected alone; the others commit.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private busyRetries = 0;
  private readonly batch;
  private readonly single;

  constructor(
    private readonly db: Database.Database,
    private readonly wrapError: (error: unknown) => unknown,
  ) {
    // Called inside `batch`, better-sqlite3 runs `single` as a SAVEPOINT.
    this.single = db.transaction((op: () => unknown) => op());
    this.batch = db.transaction((items: readonly Pending[]) =>
      items.map((item): { ok: true; value: unknown } | { ok: false; error: unknown } => {
        try {
          return { ok: true, value: this.single(item.op) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  }

  /** Runs `op` in the next shared transaction; resolves with its result once committed. */
  run<R>(op: () => R): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate, not a microtask: lets every runnable worker queue its write first.
        setImmediate(() => this.flush(true));
      }
    });
  }

  /**
   * Commits whatever is queued now (also used, without retries, before closing the database).
   * A batch SQLite refuses as busy (another process holds the lock past busy_timeout, or WAL
   * recovery) committed nothing, so it is retried a few times after a pause before anyone fails.
   */
  flush(retryWhenBusy = false): void {
    this.scheduled = false;
    const items = this.queue.splice(0);
    if (items.length === 0 || !this.db.open) {
      for (const item of items) item.reject(this.wrapError(new Error('database is closed')));
      return;
    }
    let outcomes;
    try {
      // IMMEDIATE takes the write lock up front: no deadlock upgrading a read lock under contention.
      outcomes = this.batch.immediate(items);
    } catch (error) {
      if (retryWhenBusy && isBusy(error) && this.busyRetries < MAX_BUSY_RETRIES) {
        this.busyRetries++;
        this.queue.unshift(...items);
        this.scheduled = true;
        setTimeout(() => this.flush(true), BUSY_PAUSE_MS * this.busyRetries);
        return;
      }
      this.busyRetries = 0;
      const wrapped = this.wrapError(error);
      for (const item of items) item.reject(wrapped);
      return;
    }
    this.busyRetries = 0;
    outcomes.forEach((outcome, i) => {
      const item = items[i];
      if (!item) return;
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(this.wrapError(outcome.error));
    });
  }
}
