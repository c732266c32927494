import { CertflowError, ErrorCodes } from './errors/index.js';
import type { ApprovalPolicy } from './approval-policy.js';
import { identityKey, samePerson, validIdentityKey } from './identity.js';
import { ownValue } from './own-value.js';
import { transition, type CertificateRequest, type Decision, type Vote } from './request.js';

/*
 * Votes on a request that policy sent to people: who may vote, one vote per person, never the
 * requester, a denial decides at once, N distinct approvals decide, the deadline expires it.
 * What policy decides on its own is in approval-policy.ts.
 */

/** What the approval channel verified about a voter (Slack: user-group membership it looked up). */
export interface VerifiedVoter {
  /** Names of the policy's approver groups the voter belongs to; undefined: resolve from `policy.approverGroups`. */
  readonly groups?: readonly string[];
}

/** True when the voter may decide on the request: a member of one of its approver groups, or a listed approver. */
function mayDecide(policy: ApprovalPolicy, request: CertificateRequest, approver: string, verified: VerifiedVoter): boolean {
  const groups = request.approverGroups ?? [];
  if (groups.length > 0) {
    if (verified.groups) return verified.groups.some((g) => groups.includes(g));
    return groups.some((g) => ((policy.approverGroups && ownValue(policy.approverGroups, g)) ?? []).some((member) => validIdentityKey(member) === approver));
  }
  return policy.approvers.length === 0 || policy.approvers.some((a) => validIdentityKey(a) === approver);
}

/**
 * Records one approver's vote. Identities compare after NFKC and case folding, and a confusable
 * or invisible-character identity is refused (IDENTITY.*), so `CAROL`, `Ｃａｒｏｌ`, `сarol` or
 * `car\u200Bol` is never someone other than carol. Refuses the requester, approvers outside the
 * policy, a second vote by the same person, and any vote once the decision is written. A deny vote
 * decides at once; approvals decide when enough distinct people agree.
 */
export function castVote(policy: ApprovalPolicy, request: CertificateRequest, cast: Vote, verified: VerifiedVoter = {}): CertificateRequest {
  const context = { requestId: request.id };
  if (request.state !== 'pending_approval' || request.decision) {
    throw new CertflowError(
      ErrorCodes.APPROVAL_NOT_PENDING,
      `request ${request.id} is ${request.state}; its decision is already written and cannot change`,
      { context },
    );
  }
  if (cast.approver.trim() === '') {
    throw new CertflowError(ErrorCodes.INPUT_INVALID, 'an approver identity is required', { context });
  }
  const approver = identityKey(cast.approver, 'approver');
  const vote: Vote = { ...cast, approver };
  if (samePerson(approver, request.requester)) {
    throw new CertflowError(
      ErrorCodes.APPROVAL_SELF_APPROVAL,
      `${approver} requested ${request.id} and cannot decide on their own request`,
      { context: { ...context, approver } },
    );
  }
  if (!mayDecide(policy, request, approver, verified)) {
    throw new CertflowError(ErrorCodes.APPROVAL_NOT_AUTHORIZED, `${approver} is not an approver for ${request.id}`, {
      context: { ...context, approver },
    });
  }
  if (request.votes.some((v) => samePerson(v.approver, approver))) {
    throw new CertflowError(ErrorCodes.APPROVAL_ALREADY_VOTED, `${approver} has already voted on ${request.id}`, {
      context: { ...context, approver },
    });
  }
  if (request.approvalDeadline && vote.at.getTime() > request.approvalDeadline.getTime()) {
    throw new CertflowError(ErrorCodes.APPROVAL_NOT_PENDING, `the approval deadline of ${request.id} has passed`, {
      context,
    });
  }
  const votes = [...request.votes, vote];
  const decision = tally(request, votes, vote.at);
  if (!decision) return { ...request, votes, updatedAt: vote.at };
  return transition(request, decision.outcome, vote.at, { votes, decision });
}

function tally(request: CertificateRequest, votes: readonly Vote[], at: Date): Decision | undefined {
  const denial = votes.find((v) => v.verdict === 'deny');
  if (denial) {
    return { outcome: 'denied', by: 'approvers', approvers: [denial.approver], reason: denial.comment ?? 'denied by an approver', at };
  }
  const approvers = [...new Set(votes.filter((v) => v.verdict === 'approve').map((v) => v.approver))];
  if (approvers.length >= request.requiredApprovals) {
    return { outcome: 'approved', by: 'approvers', approvers, reason: `approved by ${approvers.join(', ')}`, at };
  }
  return undefined;
}

/** The decision for a request nobody decided before its deadline. */
export function expireIfOverdue(request: CertificateRequest, now: Date): CertificateRequest | undefined {
  if (request.state !== 'pending_approval' || !request.approvalDeadline) return undefined;
  if (now.getTime() <= request.approvalDeadline.getTime()) return undefined;
  const decision: Decision = { outcome: 'expired', by: 'deadline', approvers: [], reason: 'approval deadline passed', at: now };
  return transition(request, 'expired', now, { decision });
}
