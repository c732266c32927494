import { appendFileSync, closeSync, openSync } from 'node:fs';
import type { Clock } from '../../ports/clock.port.js';
import type { EventBus, PublishOutcome } from '../../ports/event-bus.port.js';
import type { OutboxEvent } from '../../ports/state-store.port.js';
import { compilePattern, matches, type CompiledPattern } from '../../domain/events/pattern.js';
import { toEnvelope, type ReceivedEvent } from '../../domain/events/envelope.js';
import { formatIssues, validateDetail } from '../../domain/events/validate.js';
import type { DetailType, EventDetail } from '../../domain/events/catalogue.js';
import { ErrorCodes } from '../../domain/errors/index.js';

/** The EventBridge envelope, as a rule target receives it. */
export type EventEnvelope = ReceivedEvent;

export type EventTarget = (event: EventEnvelope) => void | Promise<void>;

interface Rule {
  readonly name: string;
  readonly pattern: CompiledPattern;
  readonly target: EventTarget;
}

export interface LocalEventBusOptions {
  readonly clock: Clock;
  /** Every accepted event is appended here as one JSON line (the local stand-in for an archive). */
  readonly logPath?: string;
  readonly account?: string;
  readonly region?: string;
  /** Where a target's failure is reported; a failing target never fails the publish. */
  readonly onTargetError?: (rule: string, eventId: string, error: unknown) => void;
}

/**
 * The in-process bus of the local default. It routes by the same EventBridge patterns as
 * `events/patterns`, so a rule that works here works in AWS; delivery to a target is separate
 * from acceptance, as in EventBridge.
 */
export class LocalEventBus implements EventBus {
  private readonly rules: Rule[] = [];
  private readonly options: LocalEventBusOptions;

  constructor(options: LocalEventBusOptions) {
    this.options = options;
    if (options.logPath) closeSync(openSync(options.logPath, 'a', 0o600));
  }

  /** Adds a rule; an unsupported pattern is refused here, never silently mismatched later. */
  subscribe(name: string, pattern: unknown, target: EventTarget): void {
    this.rules.push({ name, pattern: compilePattern(pattern), target });
  }

  async publish(events: readonly OutboxEvent[]): Promise<PublishOutcome> {
    const accepted: EventEnvelope[] = [];
    const failed: { id: string; code: string; message: string }[] = [];
    for (const e of events) {
      // The same contract as the EventBridge publisher: an event off its schema is a bug, refused here too.
      const check = validateDetail(e.detailType, e.detail);
      if (check.ok) accepted.push(this.envelope(e));
      else failed.push({ id: e.id, code: ErrorCodes.EVENT_INVALID, message: `${e.detailType}: ${formatIssues(check.issues).join('; ')}` });
    }
    if (this.options.logPath && accepted.length > 0) {
      appendFileSync(this.options.logPath, accepted.map((e) => JSON.stringify(e)).join('\n') + '\n', { mode: 0o600 });
    }
    for (const envelope of accepted) {
      for (const rule of this.rules) {
        if (!matches(rule.pattern, envelope)) continue;
        try {
          await rule.target(envelope);
        } catch (error) {
          this.options.onTargetError?.(rule.name, envelope.id, error);
        }
      }
    }
    return { published: accepted.map((e) => e.id), failed };
  }

  private envelope(e: OutboxEvent): EventEnvelope {
    const detail = e.detail as EventDetail<DetailType>;
    return toEnvelope(
      { id: e.id, detailType: e.detailType as DetailType, detail },
      { account: this.options.account ?? '000000000000', region: this.options.region ?? 'local', time: String(detail.occurredAt) },
    );
  }
}
