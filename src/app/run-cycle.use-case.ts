import type { AppDeps } from './deps.js';
import { discoverCertificates, type ScopeReport } from './discover-certificates.use-case.js';
import { planRenewals, type ManagedCertificateInput, type PlanOutcome } from './plan-renewals.use-case.js';
import { processDueRequests, type DueOutcome } from './process-due-requests.use-case.js';
import { alertExpiringCertificates, type AlertReport } from './alert-expiry.use-case.js';
import { publishPendingEvents, type PublishReport } from './publish-events.use-case.js';

export interface CycleReport {
  readonly discovery: readonly ScopeReport[];
  readonly plan: readonly PlanOutcome[];
  readonly work: readonly DueOutcome[];
  readonly alerts: readonly AlertReport[];
  readonly events: PublishReport;
}

/** Bounds the work loop of one cycle; what is left waits for the next cycle. */
const MAX_WORK_ROUNDS = 100;
/**
 * An issuer step due this soon (an ACME validation poll) is worked in the same cycle: the cycle
 * waits for it, up to CYCLE_WAIT_MS in all. Longer waits (DNS propagation on Route 53, backoff)
 * are left to the next cycle. The issuer itself never sleeps.
 */
const PENDING_WAIT_MS = 5_000;
const CYCLE_WAIT_MS = 60_000;
const TIMER_SLACK_MS = 2;

/** One full cycle: discover → plan → decide by policy → issue → alert → publish. */
export function runCycle(deps: AppDeps) {
  const discover = discoverCertificates(deps);
  const plan = planRenewals(deps);
  const work = processDueRequests(deps);
  const alert = alertExpiringCertificates(deps);
  const publish = publishPendingEvents(deps);
  return async (managed: readonly ManagedCertificateInput[]): Promise<CycleReport> => {
    const discovery = await discover();
    const planned = await plan(managed);
    const outcomes: DueOutcome[] = [];
    let waited = 0;
    let nextDue: number | undefined;
    for (let round = 0; round < MAX_WORK_ROUNDS; round++) {
      const batch = await work();
      outcomes.push(...batch);
      for (const o of batch) if (o.status === 'pending') nextDue = Math.min(nextDue ?? Infinity, o.resumeAfter.getTime());
      if (batch.some((o) => o.status === 'issued' || o.status === 'expired' || o.status === 'failed')) continue;
      // No progress: what remains is waiting (backoff, humans, a pending issuer). Wait only for a
      // pending issuer step due within PENDING_WAIT_MS.
      const wait = nextDue === undefined ? undefined : Math.max(0, nextDue - deps.clock.now().getTime());
      nextDue = undefined;
      if (wait === undefined || wait > PENDING_WAIT_MS || waited + wait > CYCLE_WAIT_MS) break;
      // A timer may fire a millisecond early; a step found not yet due would end the cycle.
      await new Promise((resolve) => setTimeout(resolve, wait + TIMER_SLACK_MS));
      waited += wait + TIMER_SLACK_MS;
    }
    const alerts = await alert();
    const events = await publish();
    return { discovery, plan: planned, work: outcomes, alerts, events };
  };
}
