import { expireIfOverdue } from '../domain/approval-policy.js';
import { ErrorCodes, isCertflowError } from '../domain/errors/index.js';
import type { CertificateRequest } from '../domain/request.js';
import type { AppDeps } from './deps.js';
import { REQUEST_PREFIX } from './records.js';
import { decisionEvent } from './lifecycle-events.js';
import { saveOver } from './persistence.js';
import { describeHolder, issueCertificate, ISSUING_LEASE_MS, type IssueOutcome } from './issue-certificate.use-case.js';
import { mapConcurrent, WORK_CONCURRENCY } from './concurrency.js';

export type DueOutcome =
  | IssueOutcome
  | { readonly status: 'expired'; readonly requestId: string }
  /** An `issuing` request whose lease a live (or remote) worker holds: it waits, and the run says so. */
  | { readonly status: 'waiting'; readonly requestId: string; readonly certificateId: string; readonly until: Date; readonly holder: string };

export interface DueOptions {
  /** Issuers through which nothing may be issued this run (their CA is missing): their requests stay as they are. */
  readonly holdIssuers?: ReadonlySet<string>;
}

/** Requests worked per call; the next run picks up the rest. */
const BATCH = 1000;

/**
 * Works every request whose due time has come: approved ones are issued, failed ones retried
 * after their backoff, pending issuers resumed, and approvals past their deadline expired.
 */
export function processDueRequests(deps: Pick<AppDeps, 'state' | 'keys' | 'issuers' | 'clock' | 'workers'>, options: DueOptions = {}) {
  const issue = issueCertificate(deps);
  return async (limit = BATCH): Promise<DueOutcome[]> => {
    const now = deps.clock.now();
    // A leased request sits in the due index at its lease's end, at most one lease ahead: looking
    // that far finds the leases of dead holders (taken over now) and of live ones (reported).
    const horizon = new Date(now.getTime() + ISSUING_LEASE_MS);
    const due = await deps.state.queryDue<CertificateRequest>(horizon, { pkPrefix: REQUEST_PREFIX, limit });
    const outcomes = await mapConcurrent(due, WORK_CONCURRENCY, async (item): Promise<DueOutcome | undefined> => {
      const r = item.data;
      const dueNow = !item.dueAt || item.dueAt.getTime() <= now.getTime();
      const leased = r.state === 'issuing' && r.progress.leaseUntil !== undefined && r.progress.leaseUntil.getTime() > now.getTime();
      if (!dueNow && !leased) return undefined;
      if (options.holdIssuers?.has(r.spec.issuer.name) && r.state !== 'pending_approval') {
        return { status: 'skipped', requestId: r.id, why: `issuer ${r.spec.issuer.name} is unavailable (its CA is missing)` };
      }
      if (leased) {
        const holder = r.progress.leaseHolder;
        if (!holder || deps.workers?.isGone(holder) !== true) {
          return { status: 'waiting', requestId: r.id, certificateId: r.certificateId, until: r.progress.leaseUntil as Date, holder: describeHolder(r) };
        }
      }
      if (r.state !== 'pending_approval') return issue(r.id).catch((error: unknown) => lostRace(r.id, error));
      const expired = expireIfOverdue(r, now);
      if (!expired) return undefined;
      try {
        await saveOver(deps.state, item, expired, { events: [decisionEvent(expired)] });
      } catch (error) {
        return lostRace(r.id, error);
      }
      return { status: 'expired', requestId: r.id };
    });
    return outcomes.filter((o): o is DueOutcome => o !== undefined);
  };
}

/**
 * Another worker moved the request on between our read and our write (two runs at once, or a
 * vote landing): not a failure. The request is left to whoever holds it; other requests go on.
 * Any other known (CertflowError) failure is reported for that request alone: one bad request
 * never stops the batch.
 */
function lostRace(requestId: string, error: unknown): DueOutcome {
  if (isCertflowError(error) && error.code === ErrorCodes.STATE_CONFLICT) {
    return { status: 'skipped', requestId, why: 'another worker is handling it' };
  }
  // A known failure fails this request only: it stays due (its lease lapses), the others go on.
  // Anything else is a bug, and stops the run loudly; the next run resumes where this one stopped.
  if (isCertflowError(error)) return { status: 'failed', requestId, code: error.code, message: error.message, retryable: error.retryable };
  throw error;
}
