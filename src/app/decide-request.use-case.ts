import { castVote } from '../domain/approval-policy.js';
import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import type { CertificateRequest } from '../domain/request.js';
import type { AppDeps } from './deps.js';
import { keys } from './records.js';
import { decisionEvent } from './lifecycle-events.js';
import { toOutbox } from './persistence.js';

export interface DecideCommand {
  readonly requestId: string;
  readonly approver: string;
  readonly verdict: 'approve' | 'deny';
  readonly comment?: string;
  /** The content the approver saw (a Slack button carries it); a vote on other content is refused. */
  readonly expectedContentHash?: string;
  /** Approver groups the channel verified the approver in (Slack user groups); absent: the policy's lists. */
  readonly groups?: readonly string[];
}

/** Concurrent voters on one request each get their vote in; the loser of a race re-reads and retries. */
const MAX_ATTEMPTS = 5;

/**
 * Records an approver's vote. The domain refuses self-approval, outsiders, double votes and
 * votes after the decision; the compare-and-set makes the decision write-once under races.
 */
export function decideRequest(deps: Pick<AppDeps, 'state' | 'clock' | 'policy'>) {
  return async (cmd: DecideCommand): Promise<CertificateRequest> => {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const item = await deps.state.get<CertificateRequest>(keys.request(cmd.requestId));
      if (!item) {
        throw new CertflowError(ErrorCodes.REQUEST_UNKNOWN, `no request ${cmd.requestId}`, { context: { requestId: cmd.requestId } });
      }
      if (cmd.expectedContentHash !== undefined && cmd.expectedContentHash !== item.data.contentHash) {
        throw new CertflowError(ErrorCodes.APPROVAL_STALE, `request ${cmd.requestId} asks for other content than the message shown; decide on the current message`, {
          context: { requestId: cmd.requestId },
        });
      }
      const now = deps.clock.now();
      const next = castVote(
        deps.policy,
        item.data,
        { approver: cmd.approver, verdict: cmd.verdict, at: now, ...(cmd.comment ? { comment: cmd.comment } : {}) },
        cmd.groups ? { groups: cmd.groups } : {},
      );
      const dueAt = next.state === 'approved' ? now : next.state === 'pending_approval' ? next.approvalDeadline : undefined;
      const result = await deps.state.write({
        key: item,
        condition: { kind: 'version', version: item.version },
        data: next,
        ...(dueAt ? { dueAt } : {}),
        events: toOutbox(next.decision ? [decisionEvent(next)] : []),
      });
      if (result.ok) return result.item.data;
    }
    throw new CertflowError(ErrorCodes.STATE_CONFLICT, `request ${cmd.requestId} is changing too fast; try again`, {
      retryable: true,
      context: { requestId: cmd.requestId },
    });
  };
}
