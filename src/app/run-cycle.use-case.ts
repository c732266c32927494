import type { AppDeps } from './deps.js';
import { ErrorCodes } from '../domain/errors/index.js';
import { discoverCertificates, type ScopeReport } from './discover-certificates.use-case.js';
import { planRenewals, type ManagedCertificateInput, type PlanOutcome } from './plan-renewals.use-case.js';
import { processDueRequests, type DueOutcome } from './process-due-requests.use-case.js';
import { alertExpiringCertificates, type AlertReport } from './alert-expiry.use-case.js';
import { publishPendingEvents, type PublishReport } from './publish-events.use-case.js';
import { checkStores, type Attention } from './check-stores.use-case.js';

export type { Attention } from './check-stores.use-case.js';

export interface CycleReport {
  readonly discovery: readonly ScopeReport[];
  readonly plan: readonly PlanOutcome[];
  readonly work: readonly DueOutcome[];
  readonly alerts: readonly AlertReport[];
  readonly events: PublishReport;
  /** What the operator must hear of even when nothing else happened: lost keys or CA, terminal failures, waiting leases. */
  readonly attention: readonly Attention[];
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
/**
 * An issuer step due this soon (an ACME validation poll) is worked in the same cycle: the cycle
 * waits for it, up to CYCLE_WAIT_MS in all. Longer waits (DNS propagation on Route 53, backoff)
 * are left to the next cycle. The issuer itself never sleeps.
 */
const PENDING_WAIT_MS = 5_000;
const CYCLE_WAIT_MS = 60_000;
const TIMER_SLACK_MS = 2;

/** True when a cycle must end in failure (exit 1): work failed, events were not delivered, or something critical needs a person. */
export function cycleFailed(report: CycleReport): boolean {
  return (
    report.work.some((o) => o.status === 'failed') ||
    report.events.failed.length > 0 ||
    report.events.deadLettered.length > 0 ||
    report.attention.some((a) => a.severity === 'critical')
  );
}

/** One full cycle: check the stores → discover → plan → decide by policy → issue → alert → publish. */
export function runCycle(deps: AppDeps) {
  const check = checkStores(deps);
  const discover = discoverCertificates(deps);
  const plan = planRenewals(deps);
  const alert = alertExpiringCertificates(deps);
  const publish = publishPendingEvents(deps);
  return async (managed: readonly ManagedCertificateInput[], options: { readonly onProgress?: (p: CycleProgress) => void } = {}): Promise<CycleReport> => {
    const progress = (step: CycleProgress['step'], worked = 0) => options.onProgress?.({ step, worked, planned: managed.length });
    const stores = await check();
    progress('discover');
    const discovery = await discover();
    progress('plan');
    const reissue = deps.reissueMissingKeys === false ? new Set<string>() : stores.missingKeys;
    const planned = await plan(managed, { reissue });
    // Built per cycle: which issuers are held depends on what the check found.
    const work = processDueRequests(deps, { holdIssuers: stores.unavailableIssuers });
    const outcomes: DueOutcome[] = [];
    let waited = 0;
    let nextDue: number | undefined;
    for (let round = 0; round < MAX_WORK_ROUNDS; round++) {
      progress('issue', outcomes.length);
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
    progress('alert', outcomes.length);
    const alerts = await alert();
    progress('publish', outcomes.length);
    const events = await publish();
    const attention = [...stores.attention, ...terminalFailures(planned), ...waitingLeases(outcomes)];
    for (const a of attention.filter((x) => x.severity === 'critical')) {
      await deps.notifier?.notify({ severity: 'critical', title: a.code, text: a.message, ...(a.certificateId ? { certificateId: a.certificateId } : {}) });
    }
    return { discovery, plan: planned, work: outcomes, alerts, events, attention };
  };
}

/** Certificates held by a request that failed for good: listed by every run until someone acts, and the run fails. */
function terminalFailures(planned: readonly PlanOutcome[]): Attention[] {
  return planned.flatMap((p): Attention[] =>
    p.action === 'skipped' && p.failure
      ? [{
          severity: 'critical',
          code: ErrorCodes.REQUEST_FAILED,
          certificateId: p.certificateId,
          ...(p.requestId ? { requestId: p.requestId } : {}),
          message: `${p.certificateId} is not issued: request ${p.requestId ?? '?'} failed for good with ${p.failure.code}: ${p.failure.message}`,
        }]
      : [],
  );
}

/** Requests leased to a worker that may be alive: they wait, and the run says for whom and until when (once each). */
function waitingLeases(outcomes: readonly DueOutcome[]): Attention[] {
  const seen = new Map<string, Attention>();
  for (const o of outcomes) {
    if (o.status !== 'waiting' || seen.has(o.requestId)) continue;
    seen.set(o.requestId, {
      severity: 'warning',
      code: ErrorCodes.REQUEST_LEASE_HELD,
      certificateId: o.certificateId,
      requestId: o.requestId,
      message: `${o.certificateId}: request ${o.requestId} is being issued by ${o.holder}; it waits until ${o.until.toISOString()}`,
    });
  }
  return [...seen.values()];
}
