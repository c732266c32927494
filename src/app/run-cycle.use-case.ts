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

/** Where a cycle is, for a progress display: reported after each step and each round of work. */
export interface CycleProgress {
  readonly step: 'discover' | 'plan' | 'issue' | 'alert' | 'publish';
  /** Requests worked on so far in this cycle (step `issue`). */
  readonly worked: number;
  /** Certificates planned (from step `plan` on). */
  readonly planned: number;
}

/** Bounds the work loop of one cycle; what is left waits for the next cycle. */
const MAX_WORK_ROUNDS = 100;

/** One full cycle: discover → plan → decide by policy → issue → alert → publish. */
export function runCycle(deps: AppDeps) {
  const discover = discoverCertificates(deps);
  const plan = planRenewals(deps);
  const work = processDueRequests(deps);
  const alert = alertExpiringCertificates(deps);
  const publish = publishPendingEvents(deps);
  return async (managed: readonly ManagedCertificateInput[], options: { readonly onProgress?: (p: CycleProgress) => void } = {}): Promise<CycleReport> => {
    const progress = (step: CycleProgress['step'], worked = 0) => options.onProgress?.({ step, worked, planned: managed.length });
    progress('discover');
    const discovery = await discover();
    progress('plan');
    const planned = await plan(managed);
    const outcomes: DueOutcome[] = [];
    for (let round = 0; round < MAX_WORK_ROUNDS; round++) {
      progress('issue', outcomes.length);
      const batch = await work();
      outcomes.push(...batch);
      // Stop when a round makes no progress: what remains is waiting (backoff, pending issuer, humans).
      if (!batch.some((o) => o.status === 'issued' || o.status === 'expired' || o.status === 'failed')) break;
    }
    progress('alert', outcomes.length);
    const alerts = await alert();
    progress('publish', outcomes.length);
    const events = await publish();
    return { discovery, plan: planned, work: outcomes, alerts, events };
  };
}
