import { isClientUsage, usageOf, validityHoursOf, type CertificateFacts, type SubjectNames } from '../domain/certificate.js';
import { lifecycleEvent, type LifecycleEvent } from '../domain/events/detail-types.js';
import type { CertificateRequest } from '../domain/request.js';
import { capLocator, capNames } from '../domain/events/event-size.js';
import type { CertificateRecord, RevisionRecord } from './records.js';

/**
 * Builders of the lifecycle events each state change implies. Idempotency keys name the fact,
 * not the delivery, so a re-run that reaches the same fact produces the same key.
 */

const iso = (d: Date) => d.toISOString();
/** `names` and, when some had to be left out to keep the event small, `namesOmitted`. */
const names = (n: SubjectNames) => capNames(n);

export function issuanceRequested(r: CertificateRequest): LifecycleEvent {
  return lifecycleEvent(
    'Issuance Requested',
    {
      occurredAt: iso(r.createdAt),
      requestId: r.id,
      certificateId: r.certificateId,
      revision: r.revision,
      reason: r.reason,
      requester: r.requester,
      ...names(r.spec.names),
      issuer: { ...r.spec.issuer },
      contentHash: r.contentHash,
    },
    `${r.id}:requested`,
  );
}

export function approvalRequested(r: CertificateRequest, reason: string, reasons: readonly string[] = [reason]): LifecycleEvent {
  return lifecycleEvent(
    'Approval Requested',
    {
      occurredAt: iso(r.updatedAt),
      requestId: r.id,
      certificateId: r.certificateId,
      requester: r.requester,
      ...names(r.spec.names),
      requiredApprovals: r.requiredApprovals,
      deadline: iso(r.approvalDeadline ?? r.updatedAt),
      reason,
      issuer: { kind: r.spec.issuer.kind, name: r.spec.issuer.name },
      keyAlgorithm: r.spec.keyAlgorithm,
      ...(r.spec.validityDays === undefined || r.spec.validityHours !== undefined ? {} : { validityDays: r.spec.validityDays }),
      validityHours: validityHoursOf(r.spec),
      usage: usageOf(r.spec),
      ...(isClientUsage(usageOf(r.spec)) ? { commonName: r.spec.commonName } : {}),
      contentHash: r.contentHash,
      reasons: reasons.slice(0, 20).map((x) => x.slice(0, 512)),
      ...(r.approverGroups ? { approverGroups: [...r.approverGroups] } : {}),
    },
    `${r.id}:approval-requested`,
  );
}

/** The event of a written decision (approved, denied or expired). */
export function decisionEvent(r: CertificateRequest): LifecycleEvent {
  const d = r.decision;
  if (!d) throw new Error(`request ${r.id} has no decision`);
  const key = `${r.id}:decided`;
  if (d.outcome === 'expired') {
    return lifecycleEvent(
      'Approval Expired',
      { occurredAt: iso(d.at), requestId: r.id, certificateId: r.certificateId, deadline: iso(r.approvalDeadline ?? d.at) },
      key,
    );
  }
  const body = {
    occurredAt: iso(d.at),
    requestId: r.id,
    certificateId: r.certificateId,
    decidedBy: d.by === 'policy' ? ('policy' as const) : ('approvers' as const),
    approvers: [...d.approvers],
    reason: d.reason,
  };
  return d.outcome === 'approved' ? lifecycleEvent('Issuance Approved', body, key) : lifecycleEvent('Issuance Denied', body, key);
}

export function issuanceFailed(r: CertificateRequest, at: Date): LifecycleEvent {
  const err = r.progress.lastError ?? { code: 'ISSUER.UNAVAILABLE', message: 'unknown failure', retryable: true };
  return lifecycleEvent(
    'Issuance Failed',
    {
      occurredAt: iso(at),
      requestId: r.id,
      certificateId: r.certificateId,
      attempt: Math.max(1, r.progress.attempt),
      errorCode: err.code,
      message: err.message,
      retryable: err.retryable,
      ...(r.progress.resumeAfter && err.retryable ? { nextAttemptAt: iso(r.progress.resumeAfter) } : {}),
    },
    `${r.id}:failed:${r.progress.attempt.toString()}`,
  );
}

function factsBody(certificateId: string, f: CertificateFacts) {
  return {
    certificateId,
    serialNumber: f.serialNumber,
    fingerprintSha256: f.fingerprintSha256,
    notBefore: iso(f.notBefore),
    notAfter: iso(f.notAfter),
    ...names(f.names),
  };
}

/** Issued (first revision) or Renewed, then Rotated: the downstream reload signal. */
export function stored(r: CertificateRequest, rev: RevisionRecord, previous?: CertificateRecord): LifecycleEvent[] {
  const base = {
    occurredAt: iso(rev.issuedAt),
    ...factsBody(rev.certificateId, rev.facts),
    requestId: r.id,
    revision: rev.revision,
    issuer: { ...r.spec.issuer },
    secretName: rev.secretName,
    secretVersionId: rev.secretVersionId,
  };
  const prefix = `${rev.certificateId}:r${rev.revision.toString()}`;
  const previousFacts = previous?.current;
  const first =
    rev.revision === 1 || !previousFacts
      ? lifecycleEvent('Certificate Issued', base, `${prefix}:issued`)
      : lifecycleEvent('Certificate Renewed', { ...base, previousSerialNumber: previousFacts.serialNumber }, `${prefix}:issued`);
  const rotated = lifecycleEvent(
    'Certificate Rotated',
    {
      occurredAt: iso(rev.issuedAt),
      certificateId: rev.certificateId,
      revision: rev.revision,
      ...(previous && previous.revision > 0 ? { previousRevision: previous.revision } : {}),
      serialNumber: rev.facts.serialNumber,
      fingerprintSha256: rev.facts.fingerprintSha256,
      notAfter: iso(rev.facts.notAfter),
      secretName: rev.secretName,
      secretVersionId: rev.secretVersionId,
    },
    `${prefix}:rotated`,
  );
  return [first, rotated];
}

export function discovered(c: CertificateRecord, facts: CertificateFacts, at: Date): LifecycleEvent {
  return lifecycleEvent(
    'Certificate Discovered',
    { occurredAt: iso(at), ...factsBody(c.id, facts), origin: c.origin, locator: capLocator(c.locator), ...(c.owner ? { owner: c.owner } : {}) },
    `${c.id}:${facts.serialNumber}:discovered`,
  );
}

export function expiring(c: CertificateRecord, facts: CertificateFacts, thresholdDays: number, daysRemaining: number, at: Date): LifecycleEvent {
  return lifecycleEvent(
    'Certificate Expiring',
    {
      occurredAt: iso(at),
      certificateId: c.id,
      serialNumber: facts.serialNumber,
      notAfter: iso(facts.notAfter),
      daysRemaining,
      thresholdDays,
      origin: c.origin,
      locator: capLocator(c.locator),
      ...(c.owner ? { owner: c.owner } : {}),
    },
    `${c.id}:${facts.serialNumber}:expiring:${thresholdDays.toString()}`,
  );
}

export function expired(c: CertificateRecord, facts: CertificateFacts, at: Date): LifecycleEvent {
  return lifecycleEvent(
    'Certificate Expired',
    {
      occurredAt: iso(at),
      certificateId: c.id,
      serialNumber: facts.serialNumber,
      notAfter: iso(facts.notAfter),
      origin: c.origin,
      locator: capLocator(c.locator),
      ...(c.owner ? { owner: c.owner } : {}),
    },
    `${c.id}:${facts.serialNumber}:expired`,
  );
}
