import { createHash } from 'node:crypto';
import { CertflowError, ErrorCodes, type ErrorContext } from '../../domain/errors/index.js';
import type { StateStore, StoredItem } from '../../ports/state-store.port.js';

/** Limits one ACME account keeps to, whatever the number of processes working for it. */
export interface BudgetLimits {
  /** New orders per account per 3 hours (Let's Encrypt: 300). */
  readonly newOrdersPer3Hours: number;
  /** Certificates for exactly the same set of names per week (Let's Encrypt: 5). */
  readonly duplicatesPerWeek: number;
  /** Failed validations per identifier per hour before certflow stops ordering for it (Let's Encrypt: 5). */
  readonly failedValidationsPerHour: number;
}

export const DEFAULT_LIMITS: BudgetLimits = { newOrdersPer3Hours: 300, duplicatesPerWeek: 5, failedValidationsPerHour: 3 };

const HOUR = 3_600_000;
const MAX_CAS_ATTEMPTS = 8;

interface Counter {
  readonly count: number;
}

/**
 * Rate-limit budgets kept in the state store (so they hold across processes and Lambdas), as
 * counters per fixed window (compare-and-set increments; items expire a day after their window).
 * A fixed window is stricter than the CA's sliding one within a window, and may let through up
 * to twice the limit across a window boundary; the defaults stay below Let's Encrypt's limits.
 */
export class RateBudgets {
  /** Increments from this process go one at a time: compare-and-set only has to beat other processes. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly state: StateStore,
    private readonly account: string,
    private readonly limits: BudgetLimits = DEFAULT_LIMITS,
  ) {}

  /** Takes one new order from the account's budget, or refuses with ISSUER.RATE_LIMITED. */
  async takeNewOrder(now: Date, context: ErrorContext): Promise<void> {
    const window = windowOf(now, 3 * HOUR);
    const taken = await this.increment(`NEWORDER#${window.start.toISOString()}`, window.end, this.limits.newOrdersPer3Hours);
    if (!taken) throw limited(`the new-order budget of ${this.limits.newOrdersPer3Hours.toString()} per 3 hours is spent until ${window.end.toISOString()}`, context);
  }

  /** Refuses when this exact set of names already had its certificates for the week. */
  async checkDuplicate(names: readonly string[], now: Date, context: ErrorContext): Promise<void> {
    const window = windowOf(now, 7 * 24 * HOUR);
    const count = await this.read(`DUP#${nameSetHash(names)}#${window.start.toISOString()}`);
    if (count >= this.limits.duplicatesPerWeek) {
      throw limited(`${this.limits.duplicatesPerWeek.toString()} certificates for these exact names were issued this week; next window ${window.end.toISOString()}`, context);
    }
  }

  async recordIssued(names: readonly string[], now: Date): Promise<void> {
    const window = windowOf(now, 7 * 24 * HOUR);
    await this.increment(`DUP#${nameSetHash(names)}#${window.start.toISOString()}`, window.end, Number.MAX_SAFE_INTEGER);
  }

  /** Refuses when an identifier failed validation too often this hour: a broken setup must not loop. */
  async checkFailedValidations(identifiers: readonly string[], now: Date, context: ErrorContext): Promise<void> {
    const window = windowOf(now, HOUR);
    for (const identifier of identifiers) {
      const count = await this.read(`FAILVAL#${identifier.toLowerCase()}#${window.start.toISOString()}`);
      if (count >= this.limits.failedValidationsPerHour) {
        throw limited(`${identifier} failed validation ${count.toString()} times this hour; next try after ${window.end.toISOString()}`, context);
      }
    }
  }

  async recordFailedValidation(identifier: string, now: Date): Promise<void> {
    const window = windowOf(now, HOUR);
    await this.increment(`FAILVAL#${identifier.toLowerCase()}#${window.start.toISOString()}`, window.end, Number.MAX_SAFE_INTEGER);
  }

  private key(sk: string) {
    return { pk: `ACME#${this.account}`, sk };
  }

  private async read(sk: string): Promise<number> {
    return (await this.state.get<Counter>(this.key(sk)))?.data.count ?? 0;
  }

  /** Adds one unless the counter is at `limit`; false when it is. */
  private increment(sk: string, windowEnd: Date, limit: number): Promise<boolean> {
    const run = this.queue.then(() => this.compareAndAdd(sk, windowEnd, limit));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async compareAndAdd(sk: string, windowEnd: Date, limit: number): Promise<boolean> {
    const expiresAt = new Date(windowEnd.getTime() + 24 * HOUR);
    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
      const current: StoredItem<Counter> | undefined = await this.state.get<Counter>(this.key(sk));
      const count = current?.data.count ?? 0;
      if (count >= limit) return false;
      const result = await this.state.write<Counter>({
        key: this.key(sk),
        condition: current ? { kind: 'version', version: current.version } : { kind: 'absent' },
        data: { count: count + 1 },
        expiresAt,
      });
      if (result.ok) return true;
    }
    throw new CertflowError(ErrorCodes.STATE_CONFLICT, 'rate budget counter kept changing', { retryable: true, context: { sk } });
  }
}

function windowOf(now: Date, length: number): { start: Date; end: Date } {
  const start = Math.floor(now.getTime() / length) * length;
  return { start: new Date(start), end: new Date(start + length) };
}

function nameSetHash(names: readonly string[]): string {
  return createHash('sha256').update([...new Set(names.map((n) => n.toLowerCase()))].sort().join(',')).digest('base64url').slice(0, 22);
}

function limited(message: string, context: ErrorContext): CertflowError {
  return new CertflowError(ErrorCodes.ISSUER_RATE_LIMITED, message, { retryable: true, context });
}
