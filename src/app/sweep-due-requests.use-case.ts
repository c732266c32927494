import type { WorkQueue } from '../ports/work-queue.port.js';
import type { AppDeps } from './deps.js';
import { Requests } from './stores.js';

const BATCH = 1000;

export interface SweepReport {
  readonly queued: number;
}

/**
 * The safety net under the queue: every request due now that waits on a worker (approved, a
 * pending issuer, a retry, a lapsed lease) is queued again. A message lost, or a delay longer than
 * the queue holds, costs at most one planner period.
 */
export function sweepDueRequests(deps: Pick<AppDeps, 'state' | 'clock'> & { readonly queue: WorkQueue }) {
  const requests = new Requests(deps.state);
  return async (limit = BATCH): Promise<SweepReport> => {
    const due = await requests.due(deps.clock.now(), limit);
    const work = due.filter((i) => i.data.state !== 'pending_approval').map((i) => ({ requestId: i.data.id }));
    if (work.length > 0) await deps.queue.enqueue(work);
    return { queued: work.length };
  };
}
