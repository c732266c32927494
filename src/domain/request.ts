import { CertflowError, ErrorCodes } from './errors/index.js';
import type { CertificateSpec } from './certificate.js';

/** Lifecycle of an issuance request. */
export const REQUEST_STATES = [
  'requested',
  'pending_approval',
  'approved',
  'denied',
  'expired',
  'issuing',
  'issued',
  'failed',
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

const TRANSITIONS: Readonly<Record<RequestState, readonly RequestState[]>> = {
  requested: ['pending_approval', 'approved', 'denied'],
  pending_approval: ['approved', 'denied', 'expired'],
  approved: ['issuing'],
  denied: [],
  expired: [],
  issuing: ['issued', 'failed'],
  // A retryable failure goes back to issuing when its retry time comes; a terminal one stays.
  // failed → issued reconciles a request whose revision was promoted before its own write failed.
  failed: ['issuing', 'issued'],
  issued: [],
};

export const TERMINAL_STATES: ReadonlySet<RequestState> = new Set(['denied', 'expired', 'issued']);

/** True once nothing more will happen to a request by itself: decided against, done, or failed for good. */
export function isClosed(request: Pick<CertificateRequest, 'state' | 'progress'>): boolean {
  return TERMINAL_STATES.has(request.state) || (request.state === 'failed' && !request.progress.lastError?.retryable);
}

export function canTransition(from: RequestState, to: RequestState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Throws REQUEST.ILLEGAL_TRANSITION for a move the state machine does not allow. */
export function assertTransition(requestId: string, from: RequestState, to: RequestState): void {
  if (!canTransition(from, to)) {
    throw new CertflowError(ErrorCodes.REQUEST_ILLEGAL_TRANSITION, `request ${requestId} cannot go from ${from} to ${to}`, {
      context: { requestId, from, to },
    });
  }
}

export type RequestReason = 'new' | 'renewal' | 'manual';

/** One approver's vote; written once, keyed by approver. */
export interface Vote {
  readonly approver: string;
  readonly verdict: 'approve' | 'deny';
  readonly at: Date;
  readonly comment?: string;
}

/** The decision, once made. Written once: a later vote cannot change it. */
export interface Decision {
  readonly outcome: 'approved' | 'denied' | 'expired';
  readonly by: 'policy' | 'approvers' | 'deadline';
  readonly approvers: readonly string[];
  readonly reason: string;
  readonly at: Date;
}

/** Where issuance stands, recorded before each next step so any step can be re-run after a crash. */
export interface IssuanceProgress {
  readonly attempt: number;
  /** Opaque issuer state for issuers whose result arrives later (ACME order URL, PCA certificate ARN). */
  readonly issuerHandle?: unknown;
  readonly resumeAfter?: Date;
  /** Until when the worker running this attempt holds it; another worker waits for it to lapse. */
  readonly leaseUntil?: Date;
  /** Who holds the lease (host and process): a worker on the same host takes over at once from one that is gone. */
  readonly leaseHolder?: { readonly host: string; readonly pid: number; readonly pidNamespace?: string };
  readonly lastError?: { readonly code: string; readonly message: string; readonly retryable: boolean };
  readonly serialNumber?: string;
}

export interface CertificateRequest {
  readonly id: string;
  readonly certificateId: string;
  /** The revision this request will produce when issued. */
  readonly revision: number;
  readonly reason: RequestReason;
  readonly requester: string;
  /** Why a person asked for it, in their words (manual requests). */
  readonly note?: string;
  readonly spec: CertificateSpec;
  /** Hash of the spec: an approval covers exactly this content. */
  readonly contentHash: string;
  readonly state: RequestState;
  readonly requiredApprovals: number;
  readonly votes: readonly Vote[];
  readonly decision?: Decision;
  readonly approvalDeadline?: Date;
  /** Policy approver groups whose members may decide; absent: the policy's approvers. */
  readonly approverGroups?: readonly string[];
  readonly progress: IssuanceProgress;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Returns the request in its new state, or throws REQUEST.ILLEGAL_TRANSITION. */
export function transition(
  request: CertificateRequest,
  to: RequestState,
  at: Date,
  changes: Partial<Pick<CertificateRequest, 'decision' | 'progress' | 'votes' | 'approvalDeadline'>> = {},
): CertificateRequest {
  assertTransition(request.id, request.state, to);
  return { ...request, ...changes, state: to, updatedAt: at };
}

const RETRY_BASE_MS = 60_000;
const RETRY_CAP_MS = 24 * 3_600_000;

/**
 * When a retryable failure is tried again: exponential from one minute, capped at a day, so a
 * broken DNS-01 setup never burns an ACME authorization-failure budget in a tight loop.
 */
export function nextAttemptAt(attempt: number, now: Date): Date {
  const delay = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return new Date(now.getTime() + delay);
}
