import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { ErrorCodes, redact } from '../../domain/errors/index.js';
import { CERTFLOW_SOURCE } from '../../domain/events/envelope.js';
import { formatIssues, validateDetail } from '../../domain/events/validate.js';
import type { EventBus, PublishOutcome } from '../../ports/event-bus.port.js';
import type { OutboxEvent } from '../../ports/state-store.port.js';

/** PutEvents limits: at most 10 entries and 256 KB per request, 256 KB per entry. */
export const MAX_ENTRIES_PER_CALL = 10;
export const MAX_BYTES = 256 * 1024;

/** Per-entry codes EventBridge documents as retryable; every other documented code is final. */
const FINAL_ENTRY_CODES = new Set([
  'AccessDeniedException',
  'InvalidAccountIdException',
  'InvalidArgument',
  'MalformedDetail',
  'RedactionFailure',
  'NotAuthorizedForSourceException',
  'NotAuthorizedForDetailTypeException',
]);
const FINAL_CALL_ERRORS = new Set(['AccessDeniedException', 'ValidationException', 'ResourceNotFoundException', 'UnrecognizedClientException']);

export interface EventBridgeEventBusOptions {
  readonly client: EventBridgeClient;
  /** Name or ARN of the bus. */
  readonly eventBusName: string;
  /** Total tries per entry, the first included (default 4). */
  readonly maxAttempts?: number;
  /** Backoff cap grows as base · 2^retry, capped at maxDelayMs; the delay is uniform in [0, cap) ("full jitter"). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Injected for tests; default is a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injected for tests; default Math.random. */
  readonly random?: () => number;
}

interface Pending {
  readonly id: string;
  readonly entry: PutEventsRequestEntry;
  readonly size: number;
  lastError: string;
}

type Failure = PublishOutcome['failed'][number];

/**
 * Publishes certflow lifecycle events to an EventBridge bus, at least once. Events are validated
 * against their schema and measured before anything is sent; a bad one is refused on its own
 * (`EVENT.INVALID`, `EVENT.TOO_LARGE`) so it never blocks the others. Entries EventBridge fails,
 * and whole calls it throttles, are retried with exponential backoff and full jitter; only the
 * failed entries are re-sent, pooled across batches.
 */
export class EventBridgeEventBus implements EventBus {
  private readonly client: EventBridgeClient;
  private readonly eventBusName: string;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: EventBridgeEventBusOptions) {
    this.client = options.client;
    this.eventBusName = options.eventBusName;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 5_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  async publish(events: readonly OutboxEvent[]): Promise<PublishOutcome> {
    const published: string[] = [];
    const failed: Failure[] = [];
    let pending: Pending[] = [];
    for (const event of events) {
      const prepared = this.prepare(event);
      if ('code' in prepared) failed.push(prepared);
      else pending.push(prepared);
    }
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > 1) await this.sleep(this.backoff(attempt - 1));
      const retry: Pending[] = [];
      for (const batch of toBatches(pending)) {
        const result = await this.send(batch);
        published.push(...result.published);
        failed.push(...result.failed);
        retry.push(...result.retry);
      }
      if (attempt >= this.maxAttempts) {
        failed.push(...retry.map((p) => publishFailed(p, `EventBridge did not accept the event after ${attempt} attempts (${p.lastError})`)));
        break;
      }
      pending = retry;
    }
    return { published, failed };
  }

  /** Validates and sizes one event; returns the entry to send, or the reason it is refused. */
  private prepare(event: OutboxEvent): Pending | Failure {
    const detailBytes = utf8Bytes(safeStringify(event.detail));
    if (detailBytes > MAX_BYTES) {
      return { id: event.id, code: ErrorCodes.EVENT_TOO_LARGE, message: `detail is ${detailBytes} bytes; EventBridge accepts at most ${MAX_BYTES}` };
    }
    const valid = validateDetail(event.detailType, event.detail);
    if (!valid.ok) {
      // A schema mismatch is a certflow bug: refuse it loudly rather than ship a broken contract.
      const lines = formatIssues(valid.issues);
      return { id: event.id, code: ErrorCodes.EVENT_INVALID, message: redact(`${event.detailType} does not match its schema: ${lines.join('; ')}`) };
    }
    const occurredAt = (event.detail as { occurredAt?: unknown }).occurredAt;
    const entry: PutEventsRequestEntry = {
      EventBusName: this.eventBusName,
      Source: CERTFLOW_SOURCE,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      // The fact's own time, not the publish time: an event drained late from the outbox keeps it.
      ...(typeof occurredAt === 'string' ? { Time: new Date(occurredAt) } : {}),
    };
    const size = entrySize(entry);
    if (size > MAX_BYTES) {
      return { id: event.id, code: ErrorCodes.EVENT_TOO_LARGE, message: `entry is ${size} bytes; EventBridge accepts at most ${MAX_BYTES}` };
    }
    return { id: event.id, entry, size, lastError: '' };
  }

  private async send(batch: readonly Pending[]): Promise<{ published: string[]; failed: Failure[]; retry: Pending[] }> {
    const out = { published: [] as string[], failed: [] as Failure[], retry: [] as Pending[] };
    let response;
    try {
      response = await this.client.send(new PutEventsCommand({ Entries: batch.map((p) => p.entry) }));
    } catch (error) {
      const name = errorName(error);
      for (const p of batch) p.lastError = name;
      if (isRetryableCallError(error)) out.retry.push(...batch);
      else out.failed.push(...batch.map((p) => publishFailed(p, `EventBridge refused the call: ${name}`)));
      return out;
    }
    const entries = response.Entries ?? [];
    batch.forEach((p, i) => {
      const result = entries[i];
      // An entry without a result is not known to be stored: retrying it is the at-least-once choice.
      const code = result === undefined ? 'MissingResult' : result.ErrorCode;
      if (code === undefined || code === null || code === '') {
        out.published.push(p.id);
        return;
      }
      p.lastError = `${code}${result?.ErrorMessage ? `: ${result.ErrorMessage}` : ''}`;
      if (FINAL_ENTRY_CODES.has(code)) out.failed.push(publishFailed(p, `EventBridge refused the event: ${p.lastError}`));
      else out.retry.push(p);
    });
    return out;
  }

  private backoff(retry: number): number {
    const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (retry - 1));
    return Math.floor(this.random() * cap);
  }
}

/** EventBridge's own entry-size rule: Time is 14 bytes; Source, DetailType, Detail and each Resource count as UTF-8 bytes. */
export function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time === undefined ? 0 : 14;
  size += utf8Bytes(entry.Source ?? '') + utf8Bytes(entry.DetailType ?? '') + utf8Bytes(entry.Detail ?? '');
  for (const resource of entry.Resources ?? []) size += utf8Bytes(resource);
  return size;
}

/** Greedy, order-preserving batches within both PutEvents limits. */
function toBatches(items: readonly Pending[]): Pending[][] {
  const batches: Pending[][] = [];
  let current: Pending[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length === MAX_ENTRIES_PER_CALL || (current.length > 0 && bytes + item.size > MAX_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function publishFailed(p: Pending, message: string): Failure {
  return { id: p.id, code: ErrorCodes.EVENT_PUBLISH_FAILED, message: redact(message) };
}

/** Throttling, 5xx and transport errors are retried; a 4xx (bad request, no permission) would fail again. */
function isRetryableCallError(error: unknown): boolean {
  const e = error as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } } | null;
  const name = e?.name ?? '';
  if (e?.$retryable || /throttl/i.test(name)) return true;
  if (FINAL_CALL_ERRORS.has(name)) return false;
  const status = e?.$metadata?.httpStatusCode;
  return status === undefined || status === 429 || status >= 500;
}

function errorName(error: unknown): string {
  return (error as { name?: string } | null)?.name ?? 'UnknownError';
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
