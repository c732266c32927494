import type { OutboxEvent } from './state-store.port.js';

export interface PublishOutcome {
  /** Ids of events the bus accepted. */
  readonly published: readonly string[];
  /** Events the bus refused after its retries, with a reason safe to log. */
  readonly failed: readonly { readonly id: string; readonly code: string; readonly message: string }[];
}

/** Publishes lifecycle events at least once; consumers deduplicate on each event's idempotency key. */
export interface EventBus {
  publish(events: readonly OutboxEvent[]): Promise<PublishOutcome>;
}
