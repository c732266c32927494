import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';

/** The `fetch` this client needs; injected so tests and the local server can stand in for Slack. */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<{
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  json(): Promise<unknown>;
}>;

export interface SlackWebApiOptions {
  /** Bot token (`xoxb-…`); read from the secret store, held in memory only, never logged. */
  readonly token: string;
  readonly fetch?: FetchLike;
  readonly baseUrl?: string;
  /** Per call; a slow Slack must not hold a Lambda. */
  readonly timeoutMs?: number;
  /** 429s waited out before giving up. */
  readonly maxRetries?: number;
  /** Longest single `Retry-After` honoured; a longer one fails the call (retryable) instead of sleeping. */
  readonly maxRetryAfterSeconds?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A minimal Slack Web API client: JSON POSTs with the bot token, a timeout on every call, and
 * Slack's 429 `Retry-After` honoured (waited out up to a bound, then a retryable error). Errors
 * carry Slack's error name and the method, never the token or the request body.
 */
export class SlackWebApi {
  private readonly fetch: FetchLike;
  private readonly base: string;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: SlackWebApiOptions) {
    this.fetch = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
    this.base = options.baseUrl ?? 'https://slack.com/api';
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Calls `method`; resolves with Slack's JSON answer when `ok`, else throws SLACK.* (retryable for 429, 5xx, timeouts). */
  async call<T extends Record<string, unknown>>(method: string, args: Record<string, unknown>): Promise<T> {
    const maxRetries = this.options.maxRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      let response: Awaited<ReturnType<FetchLike>>;
      try {
        response = await this.fetch(`${this.base}/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${this.options.token}` },
          body: JSON.stringify(args),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 2500),
        });
      } catch (cause) {
        throw new CertflowError(ErrorCodes.SLACK_UNAVAILABLE, `Slack ${method} did not answer`, { retryable: true, cause: { name: (cause as Error | undefined)?.name }, context: { method } });
      }
      if (response.status === 429) {
        const seconds = Number(response.headers.get('retry-after') ?? '1');
        const wait = Number.isFinite(seconds) && seconds >= 0 ? seconds : 1;
        if (attempt >= maxRetries || wait > (this.options.maxRetryAfterSeconds ?? 30)) {
          throw new CertflowError(ErrorCodes.SLACK_UNAVAILABLE, `Slack ${method} is rate limited (retry after ${wait.toString()} s)`, { retryable: true, context: { method, retryAfterSeconds: wait } });
        }
        await this.sleep(wait * 1000);
        continue;
      }
      if (response.status >= 500) {
        throw new CertflowError(ErrorCodes.SLACK_UNAVAILABLE, `Slack ${method} failed with HTTP ${response.status.toString()}`, { retryable: true, context: { method, status: response.status } });
      }
      let body: { ok?: unknown; error?: unknown };
      try {
        body = (await response.json()) as { ok?: unknown; error?: unknown };
      } catch {
        throw new CertflowError(ErrorCodes.SLACK_UNAVAILABLE, `Slack ${method} answered with something other than JSON`, { retryable: true, context: { method } });
      }
      if (body.ok !== true) {
        const error = typeof body.error === 'string' ? body.error.slice(0, 64) : 'unknown_error';
        throw new CertflowError(ErrorCodes.SLACK_REJECTED, `Slack ${method} refused the call: ${error}`, { retryable: error === 'ratelimited' || error === 'internal_error', context: { method, error } });
      }
      return body as T;
    }
  }
}

/** Posts to an interaction's `response_url` (no token: the URL is the capability). */
export async function postToResponseUrl(fetchFn: FetchLike, url: string, message: Record<string, unknown>, options: { timeoutMs?: number; prefix?: string } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 1500;
  // Only Slack's own hooks: a payload is verified, but the URL is still data from outside.
  if (!url.startsWith(options.prefix ?? 'https://hooks.slack.com/')) {
    throw new CertflowError(ErrorCodes.SLACK_REJECTED, 'the response URL is not a Slack hook');
  }
  const response = await fetchFn(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(message), signal: AbortSignal.timeout(timeoutMs) });
  if (response.status >= 400) throw new CertflowError(ErrorCodes.SLACK_UNAVAILABLE, `Slack response URL answered HTTP ${response.status.toString()}`, { retryable: response.status >= 500 });
}
