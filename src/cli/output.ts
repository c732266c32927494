import type { CertificateView, CertificateDetail } from '../app/read-inventory.use-case.js';
import type { CyclePreview } from '../app/preview-cycle.use-case.js';
import type { PlanOutcome } from '../app/plan-renewals.use-case.js';
import type { CertificateRequest } from '../domain/request.js';
import { emailsOf, isClientUsage, usageOf, validityHoursOf, type CertificateFacts, type SubjectNames } from '../domain/certificate.js';

/**
 * The CLI's machine output: documented shapes (schemas/cli/*.schema.json), each with an
 * `apiVersion` and a `kind`. Computed fields in, internal bookkeeping (leases, content hashes,
 * issuer handles) out. Adding a field is compatible; renaming or removing one needs a new apiVersion.
 */
export const API_VERSION = 'certflow/v1';

const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null);

/** Names by type; `email` always listed (empty when none), like the other types. */
export const namesJson = (names: SubjectNames) => ({ dns: [...names.dns], ip: [...names.ip], uri: [...names.uri], email: [...emailsOf(names)] });

export function certificateJson(v: CertificateView) {
  const r = v.record;
  const c: CertificateFacts | undefined = v.current;
  const names = c?.names ?? r.spec?.names ?? { dns: [], ip: [], uri: [] };
  return {
    id: r.id,
    origin: r.origin,
    locator: r.locator,
    owner: r.owner ?? null,
    issuer: r.spec ? { name: r.spec.issuer.name, kind: r.spec.issuer.kind } : null,
    names: namesJson(names),
    revision: r.revision,
    status: v.status,
    daysRemaining: v.daysRemaining ?? null,
    notBefore: iso(c?.notBefore),
    notAfter: iso(c?.notAfter),
    renewalDueAt: iso(v.renewalDueAt),
    serialNumber: c?.serialNumber ?? null,
    fingerprintSha256: c?.fingerprintSha256 ?? null,
    keyAlgorithm: c?.keyAlgorithm ?? null,
    subject: c?.subject ?? null,
    issuerName: c?.issuerName ?? null,
    pendingRequest: v.pendingRequest ? { id: v.pendingRequest.id, state: v.pendingRequest.state } : null,
    firstSeenAt: r.firstSeenAt.toISOString(),
    lastSeenAt: r.lastSeenAt.toISOString(),
    seenIn: r.source && r.scope ? { source: r.source, scope: r.scope, account: r.account ?? null, region: r.region ?? null } : null,
    problems: [...(r.problems ?? [])],
    vanishedAt: r.vanishedAt ? new Date(r.vanishedAt).toISOString() : null,
  };
}

export function requestJson(r: CertificateRequest) {
  return {
    id: r.id,
    certificateId: r.certificateId,
    revision: r.revision,
    reason: r.reason,
    state: r.state,
    requester: r.requester,
    note: r.note ?? null,
    issuer: { name: r.spec.issuer.name, kind: r.spec.issuer.kind },
    names: namesJson(r.spec.names),
    validityDays: r.spec.validityHours === undefined ? (r.spec.validityDays ?? null) : null,
    validityHours: validityHoursOf(r.spec),
    usage: usageOf(r.spec),
    commonName: isClientUsage(usageOf(r.spec)) ? r.spec.commonName : null,
    keyAlgorithm: r.spec.keyAlgorithm,
    requiredApprovals: r.requiredApprovals,
    votes: r.votes.map((v) => ({ approver: v.approver, verdict: v.verdict, at: v.at.toISOString(), comment: v.comment ?? null })),
    decision: r.decision ? { outcome: r.decision.outcome, by: r.decision.by, approvers: [...r.decision.approvers], reason: r.decision.reason, at: r.decision.at.toISOString() } : null,
    approvalDeadline: iso(r.approvalDeadline),
    attempts: r.progress.attempt,
    lastError: r.progress.lastError ? { code: r.progress.lastError.code, message: r.progress.lastError.message, retryable: r.progress.lastError.retryable } : null,
    serialNumber: r.progress.serialNumber ?? null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export const certificateListJson = (views: readonly CertificateView[], at: Date) => ({ apiVersion: API_VERSION, kind: 'CertificateList' as const, at: at.toISOString(), items: views.map(certificateJson) });

export const requestListJson = (requests: readonly CertificateRequest[]) => ({ apiVersion: API_VERSION, kind: 'RequestList' as const, items: requests.map(requestJson) });

export function certificateDetailJson(d: CertificateDetail, at: Date) {
  return {
    apiVersion: API_VERSION,
    kind: 'Certificate' as const,
    at: at.toISOString(),
    certificate: certificateJson(d.view),
    revisions: d.revisions.map((rev) => ({
      revision: rev.revision,
      requestId: rev.requestId,
      serialNumber: rev.facts.serialNumber,
      notBefore: rev.facts.notBefore.toISOString(),
      notAfter: rev.facts.notAfter.toISOString(),
      fingerprintSha256: rev.facts.fingerprintSha256,
      keyStoreVersion: rev.secretVersionId,
      issuedAt: rev.issuedAt.toISOString(),
    })),
    keyStoreVersions: d.keyVersions
      ? d.keyVersions.map((k) => ({ versionId: k.versionId, labels: [...k.labels], createdAt: k.createdAt.toISOString(), hasCertificate: k.hasCertificate }))
      : null,
  };
}

export const requestDetailJson = (r: CertificateRequest) => ({ apiVersion: API_VERSION, kind: 'Request' as const, request: requestJson(r) });

function planEntryJson(p: PlanOutcome) {
  if (p.action === 'skipped') return { certificateId: p.certificateId, action: 'none' as const, why: p.why, request: null };
  const r = p.request;
  const action = r.state === 'pending_approval' ? 'ask-approval' : r.state === 'denied' ? 'denied' : 'issue';
  return { certificateId: p.certificateId, action, why: `${r.reason} r${r.revision.toString()}${r.decision ? `: ${r.decision.reason}` : ''}`, request: requestJson(r) };
}

export function planJson(p: CyclePreview) {
  return {
    apiVersion: API_VERSION,
    kind: 'Plan' as const,
    at: p.at.toISOString(),
    needsAttention: p.needsAttention,
    preflight: p.preflight.map((c) => ({ check: c.check, subject: c.subject, ok: c.ok, detail: c.detail })),
    discovery: p.discovery.map((d) => ({ source: d.source, scope: d.scope, ok: d.ok, seen: d.seen, added: d.added, changed: d.changed, problems: [...d.problems] })),
    plan: p.plan.map(planEntryJson),
    toIssue: p.toIssue.map(requestJson),
    awaitingApproval: p.awaitingApproval.map((a) => ({ overdue: a.overdue, request: requestJson(a.request) })),
    alerts: p.alerts.map((a) => ({ certificateId: a.certificateId, locator: a.locator, kind: a.kind, thresholdDays: a.thresholdDays ?? null, daysRemaining: a.daysRemaining })),
    expired: p.expired.map(certificateJson),
  };
}
