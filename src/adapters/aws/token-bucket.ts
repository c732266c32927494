/**
 * Client-side rate limits for AWS APIs: one bucket per account, region and API, filled at a share
 * of the published quota, so a sweep stays under the quota instead of learning it from throttling.
 */

export interface Ticker {
  /** Milliseconds, monotonic enough for pacing. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realTicker: Ticker = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A token bucket in its GCRA form: each call reserves the next free slot, so waiting callers are
 * served in order and never wake up together. `burst` tokens may be spent at once after a pause.
 */
export class TokenBucket {
  private readonly interval: number;
  private readonly tolerance: number;
  private tat = Number.NEGATIVE_INFINITY;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly ticker: Ticker = realTicker,
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new RangeError('a token bucket needs rate > 0 and burst >= 1');
    this.interval = 1000 / ratePerSecond;
    this.tolerance = (Math.floor(burst) - 1) * this.interval;
  }

  /** Resolves when the caller may make one call. */
  async take(): Promise<void> {
    const now = this.ticker.now();
    const start = Math.max(now, this.tat - this.tolerance);
    this.tat = Math.max(this.tat, now) + this.interval;
    const wait = start - now;
    if (wait > 0) await this.ticker.sleep(wait);
  }

  /** After a throttle the quota is smaller than we thought: push the schedule back one interval. */
  penalize(): void {
    this.tat = Math.max(this.tat, this.ticker.now()) + this.interval;
  }
}

/** Published per-account, per-region request quotas (requests per second) certflow paces itself by. */
export const ACM_QUOTAS: Readonly<Record<string, number>> = {
  ListCertificates: 8,
  DescribeCertificate: 10,
  GetCertificate: 10,
  ListTagsForCertificate: 10,
};

/** The buckets of one process, by account, region and API. */
export class RateLimits {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly quotas: Readonly<Record<string, number>>,
    /** Share of each quota to use; the rest is left to whoever else calls the API in that account. */
    private readonly share: number,
    private readonly ticker: Ticker = realTicker,
    private readonly burst = 1,
  ) {
    if (!(share > 0 && share <= 1)) throw new RangeError('share must be in (0, 1]');
  }

  bucket(account: string, region: string, api: string): TokenBucket {
    const key = `${account}|${region}|${api}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const quota = this.quotas[api];
      if (quota === undefined) throw new RangeError(`no quota known for ${api}`);
      bucket = new TokenBucket(quota * this.share, this.burst, this.ticker);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Sustained calls per second this process allows itself for one API in one account-region. */
  rate(api: string): number {
    return (this.quotas[api] ?? 0) * this.share;
  }
}
