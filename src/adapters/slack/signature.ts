import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Slack request signing (api.slack.com/authentication/verifying-requests-from-slack): Slack sends
 * `X-Slack-Request-Timestamp: <unix seconds>` and `X-Slack-Signature: v0=<hex HMAC-SHA256 of
 * "v0:<timestamp>:<raw body>" keyed with the app's signing secret>`. Verified over the exact bytes
 * received, before anything parses them.
 */

/** Requests older or newer than this are refused (Slack's five minutes, both directions). */
export const MAX_SKEW_SECONDS = 300;
const VERSION = 'v0';
const HEX64 = /^[0-9a-f]{64}$/;
const DIGITS = /^[0-9]{1,12}$/;

export type SignatureRefusal =
  | 'missing-timestamp'
  | 'duplicate-timestamp'
  | 'malformed-timestamp'
  | 'stale-timestamp'
  | 'future-timestamp'
  | 'missing-signature'
  | 'duplicate-signature'
  | 'unsupported-version'
  | 'malformed-signature'
  | 'mismatch';

export type SignatureVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: SignatureRefusal };

/** Headers as a platform gives them: any letter case, a value or a list of values. */
export type RawHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface SignedRequest {
  readonly headers: RawHeaders;
  /** The exact bytes received (a base64-encoded Lambda body decoded first). */
  readonly body: Buffer;
}

/** One header's single value; `duplicate` when it came more than once (a list, or values joined by commas). */
function header(headers: RawHeaders, name: string): string | 'duplicate' | undefined {
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    if (typeof value === 'string') values.push(value);
    else values.push(...value);
  }
  if (values.length === 0) return undefined;
  if (values.length > 1 || values[0]!.includes(',')) return 'duplicate';
  return values[0]!.trim();
}

/** The `v0=<hex>` signature of `body` sent at `timestamp`; for tests, the local server and `certflow slack verify`. */
export function signSlackRequest(secret: string, timestamp: string, body: Buffer | string): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${VERSION}:${timestamp}:`);
  mac.update(body);
  return `${VERSION}=${mac.digest('hex')}`;
}

/**
 * Checks a request's signature and freshness. Everything is refused unless proven: a missing,
 * empty or repeated header, another version than `v0`, a timestamp that is not plain digits or
 * is more than 300 s away from `nowSeconds` in either direction, a signature that is not 64
 * lower-case hex digits, and any mismatch. The comparison is constant-time over equal lengths.
 */
export function verifySlackSignature(secret: string, request: SignedRequest, nowSeconds: number): SignatureVerdict {
  const ts = header(request.headers, 'x-slack-request-timestamp');
  if (ts === undefined || ts === '') return { ok: false, reason: 'missing-timestamp' };
  if (ts === 'duplicate') return { ok: false, reason: 'duplicate-timestamp' };
  if (!DIGITS.test(ts)) return { ok: false, reason: 'malformed-timestamp' };
  const age = nowSeconds - Number(ts);
  if (age > MAX_SKEW_SECONDS) return { ok: false, reason: 'stale-timestamp' };
  if (age < -MAX_SKEW_SECONDS) return { ok: false, reason: 'future-timestamp' };
  const signature = header(request.headers, 'x-slack-signature');
  if (signature === undefined || signature === '') return { ok: false, reason: 'missing-signature' };
  if (signature === 'duplicate') return { ok: false, reason: 'duplicate-signature' };
  const eq = signature.indexOf('=');
  if (eq < 0 || signature.slice(0, eq) !== VERSION) return { ok: false, reason: 'unsupported-version' };
  const hex = signature.slice(eq + 1);
  if (!HEX64.test(hex)) return { ok: false, reason: 'malformed-signature' };
  const expected = Buffer.from(signSlackRequest(secret, ts, request.body).slice(VERSION.length + 1), 'hex');
  const given = Buffer.from(hex, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'mismatch' };
  return { ok: true };
}

/** The exact bytes of an HTTP body as API Gateway or a local server hands it over. */
export function rawBody(body: string | Buffer | undefined, isBase64Encoded = false): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  return isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
}

/** Words for an operator (`certflow slack verify`): what was refused and the likely cause. */
export function explainRefusal(reason: SignatureRefusal): string {
  switch (reason) {
    case 'missing-timestamp':
      return 'no X-Slack-Request-Timestamp header';
    case 'duplicate-timestamp':
      return 'X-Slack-Request-Timestamp came more than once';
    case 'malformed-timestamp':
      return 'the timestamp is not a number of seconds';
    case 'stale-timestamp':
      return `the timestamp is more than ${MAX_SKEW_SECONDS.toString()} s in the past (a replay, or a slow or queued proxy)`;
    case 'future-timestamp':
      return `the timestamp is more than ${MAX_SKEW_SECONDS.toString()} s in the future (a clock out of sync)`;
    case 'missing-signature':
      return 'no X-Slack-Signature header';
    case 'duplicate-signature':
      return 'X-Slack-Signature came more than once';
    case 'unsupported-version':
      return 'the signature is not of version v0';
    case 'malformed-signature':
      return 'the signature is not v0= followed by 64 lower-case hex digits';
    case 'mismatch':
      return 'the signature does not match: a different signing secret, or a body changed on the way (re-encoded, trimmed, re-ordered by a proxy)';
  }
}
