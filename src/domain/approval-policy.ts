import { CertflowError, ErrorCodes } from './errors/index.js';
import type { CertificateRequest, Decision, Vote, RequestReason } from './request.js';
import { transition } from './request.js';

/** One rule of automatic approval: every name of the request must match one of `names`. */
export interface AutoApproveRule {
  readonly name: string;
  readonly names: readonly string[];
  readonly issuers?: readonly string[];
  readonly reasons?: readonly RequestReason[];
  readonly maxValidityDays?: number;
}

export interface ApprovalPolicy {
  /** Names no request may cover, whatever the approvers say. */
  readonly forbiddenNames: readonly string[];
  readonly autoApprove: readonly AutoApproveRule[];
  /** Who may approve; empty means anyone except the requester. */
  readonly approvers: readonly string[];
  /** Distinct approvals needed when a human must decide. */
  readonly requiredApprovals: number;
  readonly approvalTtlHours: number;
}

export type PolicyVerdict =
  | { readonly kind: 'deny'; readonly reason: string }
  | { readonly kind: 'auto-approve'; readonly rule: string }
  | { readonly kind: 'needs-approval'; readonly requiredApprovals: number; readonly deadline: Date; readonly reason: string };

/**
 * Glob match on DNS-like names: `*` matches exactly one label (`*.example.com` matches
 * `a.example.com`, not `a.b.example.com`), `**` any number of labels. Case-insensitive.
 */
export function nameMatches(pattern: string, name: string): boolean {
  const p = pattern.toLowerCase().split('.');
  const n = name.toLowerCase().split('.');
  const match = (i: number, j: number): boolean => {
    if (i === p.length) return j === n.length;
    if (p[i] === '**') {
      for (let k = j + 1; k <= n.length; k++) if (match(i + 1, k)) return true;
      return false;
    }
    if (j === n.length) return false;
    return (p[i] === '*' || p[i] === n[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
}

function everyNameMatches(request: CertificateRequest, patterns: readonly string[]): boolean {
  const names = [...request.spec.names.dns, ...request.spec.names.ip, ...request.spec.names.uri];
  return names.length > 0 && names.every((name) => patterns.some((p) => nameMatches(p, name)));
}

/** Pure policy evaluation: what must happen to a new request. */
export function evaluatePolicy(policy: ApprovalPolicy, request: CertificateRequest, now: Date): PolicyVerdict {
  const allNames = [...request.spec.names.dns, ...request.spec.names.ip, ...request.spec.names.uri];
  const forbidden = allNames.find((name) => policy.forbiddenNames.some((p) => nameMatches(p, name)));
  if (forbidden !== undefined) return { kind: 'deny', reason: `name ${forbidden} is forbidden by policy` };

  for (const rule of policy.autoApprove) {
    if (rule.issuers && !rule.issuers.includes(request.spec.issuer.name)) continue;
    if (rule.reasons && !rule.reasons.includes(request.reason)) continue;
    if (rule.maxValidityDays !== undefined && request.spec.validityDays > rule.maxValidityDays) continue;
    if (everyNameMatches(request, rule.names)) return { kind: 'auto-approve', rule: rule.name };
  }
  return {
    kind: 'needs-approval',
    requiredApprovals: Math.max(1, policy.requiredApprovals),
    deadline: new Date(now.getTime() + policy.approvalTtlHours * 3_600_000),
    reason: 'no auto-approval rule covers every name of the request',
  };
}

/**
 * Records one approver's vote. Refuses the requester, approvers outside the policy, a second
 * vote by the same approver, and any vote once the decision is written. A deny vote decides
 * at once; approvals decide when enough distinct approvers agree.
 */
export function castVote(policy: ApprovalPolicy, request: CertificateRequest, cast: Vote): CertificateRequest {
  // Identities compare trimmed: "alice " must not slip past the self-approval or double-vote checks.
  const vote: Vote = { ...cast, approver: cast.approver.trim() };
  const context = { requestId: request.id, approver: vote.approver };
  if (request.state !== 'pending_approval' || request.decision) {
    throw new CertflowError(
      ErrorCodes.APPROVAL_NOT_PENDING,
      `request ${request.id} is ${request.state}; its decision is already written and cannot change`,
      { context },
    );
  }
  if (vote.approver.trim() === '') {
    throw new CertflowError(ErrorCodes.INPUT_INVALID, 'an approver identity is required', { context });
  }
  if (vote.approver === request.requester.trim()) {
    throw new CertflowError(
      ErrorCodes.APPROVAL_SELF_APPROVAL,
      `${vote.approver} requested ${request.id} and cannot decide on their own request`,
      { context },
    );
  }
  if (policy.approvers.length > 0 && !policy.approvers.includes(vote.approver)) {
    throw new CertflowError(ErrorCodes.APPROVAL_NOT_AUTHORIZED, `${vote.approver} is not an approver for ${request.id}`, {
      context,
    });
  }
  if (request.votes.some((v) => v.approver === vote.approver)) {
    throw new CertflowError(ErrorCodes.APPROVAL_ALREADY_VOTED, `${vote.approver} has already voted on ${request.id}`, {
      context,
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
