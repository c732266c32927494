import type { ApprovalPrompt, Notification } from '../ports/notifier.port.js';
import type { AppDeps } from './deps.js';

/** A lifecycle event as a rule target receives it; only the fields notifications read. */
export interface ReceivedLifecycleEvent {
  readonly 'detail-type': string;
  readonly detail: Readonly<Record<string, unknown>>;
}

const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function approvalPrompt(d: Readonly<Record<string, unknown>>, requestId: string, certificateId: string): ApprovalPrompt {
  const names = (d['names'] ?? {}) as Record<string, unknown>;
  const issuer = (d['issuer'] ?? {}) as Record<string, unknown>;
  return {
    requestId,
    certificateId,
    contentHash: text(d['contentHash']),
    names: [...strings(names['dns']), ...strings(names['ip']), ...strings(names['uri']), ...strings(names['email'])],
    issuer: text(issuer['name']),
    keyAlgorithm: text(d['keyAlgorithm']),
    ...(typeof d['validityDays'] === 'number' ? { validityDays: d['validityDays'] } : {}),
    ...(typeof d['validityHours'] === 'number' ? { validityHours: d['validityHours'] } : {}),
    ...(typeof d['commonName'] === 'string' ? { commonName: d['commonName'] } : {}),
    requester: text(d['requester']),
    requiredApprovals: Number(d['requiredApprovals'] ?? 1),
    deadline: text(d['deadline']),
    reasons: strings(d['reasons']).length > 0 ? strings(d['reasons']) : [text(d['reason'])],
  };
}

/**
 * The human-facing message for a lifecycle event, or none for events people need not see.
 * Built from ids, names and dates only: events carry no key material, so neither do these.
 */
export function notificationFor(event: ReceivedLifecycleEvent): Notification | undefined {
  const d = event.detail;
  const certificateId = text(d['certificateId']);
  const requestId = text(d['requestId']);
  const ids = { ...(certificateId ? { certificateId } : {}), ...(requestId ? { requestId } : {}) };
  switch (event['detail-type']) {
    case 'Certificate Expiring': {
      const days = Number(d['daysRemaining']);
      return { severity: days <= 7 ? 'critical' : 'warning', title: `Certificate ${certificateId} expires in ${text(d['daysRemaining'])} days`, text: `${text(d['locator'])} expires at ${text(d['notAfter'])} (threshold ${text(d['thresholdDays'])} days)`, ...ids };
    }
    case 'Certificate Expired':
      return { severity: 'critical', title: `Certificate ${certificateId} has expired`, text: `${text(d['locator'])} expired at ${text(d['notAfter'])}`, ...ids };
    case 'Approval Requested':
      return {
        severity: 'info',
        title: `Approval needed for ${certificateId}`,
        text: `${text(d['requester'])} asked for request ${requestId}; it needs ${text(d['requiredApprovals'])} approval(s) before ${text(d['deadline'])}`,
        ...ids,
        ...(typeof d['contentHash'] === 'string' ? { approval: approvalPrompt(d, requestId, certificateId) } : {}),
      };
    case 'Approval Expired':
      return { severity: 'warning', title: `Request ${requestId} expired`, text: `nobody decided on ${certificateId} before ${text(d['deadline'])}`, ...ids, decision: { requestId, outcome: 'expired', approvers: [], reason: 'nobody decided before the deadline' } };
    case 'Issuance Approved':
      // Only approvals by people: a channel that asked updates its message; policy approvals need nobody.
      if (d['decidedBy'] !== 'approvers') return undefined;
      return { severity: 'info', title: `Request ${requestId} approved`, text: `${certificateId}: ${text(d['reason'])}`, ...ids, decision: { requestId, outcome: 'approved', approvers: strings(d['approvers']), reason: text(d['reason']) } };
    case 'Issuance Denied':
      return { severity: 'info', title: `Request ${requestId} denied`, text: `${certificateId}: ${text(d['reason'])}`, ...ids, decision: { requestId, outcome: 'denied', approvers: strings(d['approvers']), reason: text(d['reason']) } };
    case 'Issuance Failed':
      return { severity: d['retryable'] === true ? 'warning' : 'critical', title: `Issuance of ${certificateId} failed`, text: `${text(d['errorCode'])}: ${text(d['message'])}${d['nextAttemptAt'] ? ` (retry at ${text(d['nextAttemptAt'])})` : ''}`, ...ids };
    case 'Certificate Revoked':
      return { severity: 'warning', title: `Certificate ${certificateId} revoked`, text: text(d['reason']), ...ids };
    default:
      return undefined;
  }
}

/** Target of the `notify` rule: tells people about the events that need them. */
export function notifyOnEvent(deps: Required<Pick<AppDeps, 'notifier'>>) {
  return async (event: ReceivedLifecycleEvent): Promise<void> => {
    const notification = notificationFor(event);
    if (notification) await deps.notifier.notify(notification);
  };
}
