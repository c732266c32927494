import type { WorkQueue } from '../ports/work-queue.port.js';
import type { AppDeps } from './deps.js';
import { issueCertificate, type IssueOutcome } from './issue-certificate.use-case.js';
import { Requests } from './stores.js';

export interface WorkReport {
  readonly outcome: IssueOutcome;
  /** When the request next needs a worker (a pending issuer, a retry, a lease), if it does. */
  readonly next?: Date;
  /** Whether a delayed work item was queued for `next`. */
  readonly requeued: boolean;
}

/**
 * The issuance worker's one step: work a request, then read back when it next needs a worker
 * (its place in the due index) and queue a delayed item for it. A wait is never slept through.
 * Duplicates are harmless: the lease and the request's recorded steps make a second worker stop.
 */
export function workRequest(deps: Pick<AppDeps, 'state' | 'keys' | 'issuers' | 'clock'> & { readonly queue: WorkQueue }) {
  const issue = issueCertificate(deps);
  const requests = new Requests(deps.state);
  return async (requestId: string): Promise<WorkReport> => {
    const outcome = await issue(requestId);
    const item = await requests.get(requestId);
    const next = item?.dueAt;
    // An approval waiting for people is not worker business: the expiry sweep handles its deadline.
    if (!next || !item || item.data.state === 'pending_approval') return { outcome, requeued: false };
    await deps.queue.enqueue([{ requestId, notBefore: next }]);
    return { outcome, next, requeued: true };
  };
}
