import { ErrorCodes } from '../domain/errors/index.js';
import type { OutboxEvent } from '../ports/state-store.port.js';
import type { AppDeps } from './deps.js';
import { createOnce } from './persistence.js';

export interface PublishReport {
  readonly published: number;
  /** Refused by the bus for now; they stay in the outbox for the next drain. */
  readonly failed: readonly { readonly id: string; readonly code: string; readonly message: string }[];
  /** Refused for good (off-schema or oversize: a bug); moved aside so they never block the outbox. */
  readonly deadLettered: readonly { readonly id: string; readonly code: string; readonly message: string }[];
  /** Longest time from an event's commit to the bus accepting it, in this drain (0 when none was published). */
  readonly maxCommitToBusMs: number;
  /** Age of the oldest event still in the outbox after this drain (0 when it is empty): the outbox-age metric. */
  readonly oldestPendingAgeMs: number;
}

const PAGE = 100;
/** Bounds one drain so a bus that keeps failing cannot hold a run forever. */
const MAX_PAGES = 1_000;
const FINAL = new Set<string>([ErrorCodes.EVENT_INVALID, ErrorCodes.EVENT_TOO_LARGE]);

export const deadLetterKey = (id: string) => ({ pk: `DEADLETTER#${id}`, sk: 'META' });

/**
 * Drains the outbox to the bus at least once. An event is acknowledged only after the bus
 * accepted it; a failed one stays for the next drain, so a crash delays an event but never loses it.
 * An event the bus can never accept is kept as a dead letter, with its reason, and an alert.
 */
export function publishPendingEvents(deps: Pick<AppDeps, 'outbox' | 'bus' | 'state' | 'clock' | 'notifier'>) {
  return async (): Promise<PublishReport> => {
    let published = 0;
    let maxCommitToBusMs = 0;
    const failed: PublishReport['failed'][number][] = [];
    const deadLettered: PublishReport['deadLettered'][number][] = [];
    const stuck = new Set<string>();
    for (let page = 0; page < MAX_PAGES; page++) {
      const batch = (await deps.outbox.pending(PAGE + stuck.size)).filter((e) => !stuck.has(e.id));
      if (batch.length === 0) break;
      const outcome = await deps.bus.publish(batch);
      await deps.outbox.acknowledge(outcome.published);
      published += outcome.published.length;
      const byId = new Map(batch.map((e) => [e.id, e]));
      const acceptedAt = deps.clock.now().getTime();
      for (const id of outcome.published) {
        const committedAt = byId.get(id)?.committedAt;
        if (committedAt) maxCommitToBusMs = Math.max(maxCommitToBusMs, acceptedAt - committedAt.getTime());
      }
      let movedAside = 0;
      for (const f of outcome.failed) {
        const event = byId.get(f.id);
        if (FINAL.has(f.code) && event) {
          await deadLetter(deps, event, f);
          deadLettered.push(f);
          movedAside++;
        } else {
          stuck.add(f.id);
          failed.push(f);
        }
      }
      // A page that moved nothing out of the outbox means the bus is failing: stop, try next drain.
      if (outcome.published.length === 0 && movedAside === 0) break;
    }
    const [oldest] = await deps.outbox.pending(1);
    const oldestPendingAgeMs = oldest?.committedAt ? Math.max(0, deps.clock.now().getTime() - oldest.committedAt.getTime()) : 0;
    return { published, failed, deadLettered, maxCommitToBusMs, oldestPendingAgeMs };
  };
}

async function deadLetter(
  deps: Pick<AppDeps, 'outbox' | 'state' | 'clock' | 'notifier'>,
  event: OutboxEvent,
  reason: { code: string; message: string },
): Promise<void> {
  // Kept before it leaves the outbox: a crash in between leaves it in both, never in neither.
  await createOnce(deps.state, deadLetterKey(event.id), { event, reason, at: deps.clock.now() });
  await deps.outbox.acknowledge([event.id]);
  await deps.notifier?.notify({
    severity: 'critical',
    title: `Event ${event.detailType} could not be published`,
    text: `${reason.code}: ${reason.message} (kept as dead letter ${event.id})`,
  });
}
