import { isForbidden, nameMatches } from '../domain/approval-policy.js';
import { allNames, emailsOf } from '../domain/certificate.js';
import type { CertificateRequest } from '../domain/request.js';
import type { AppDeps } from './deps.js';
import { discoverCertificates, type ScopeReport } from './discover-certificates.use-case.js';
import { planRenewals, type ManagedCertificateInput, type PlanOutcome } from './plan-renewals.use-case.js';
import { alertExpiringCertificates, type AlertReport } from './alert-expiry.use-case.js';
import { listCertificates, listRequests, type CertificateView } from './read-inventory.use-case.js';
import { Requests } from './stores.js';

/** Requests a preview lists as due; a run works them in batches anyway. */
const DUE_LIMIT = 10_000;

/** A check made before anything would run: `ok: false` is something a person must fix. */
export interface PreflightCheck {
  readonly check: 'config' | 'issuer' | 'policy' | 'source';
  readonly subject: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface CyclePreview {
  readonly at: Date;
  readonly preflight: readonly PreflightCheck[];
  readonly discovery: readonly ScopeReport[];
  /** What planning would decide for each managed certificate (policy decisions included). */
  readonly plan: readonly PlanOutcome[];
  /** Requests a run would issue now (approved, or failed and due for a retry). */
  readonly toIssue: readonly CertificateRequest[];
  /** Requests still waiting for people; `overdue` ones would expire on this run. */
  readonly awaitingApproval: readonly { readonly request: CertificateRequest; readonly overdue: boolean }[];
  /** Alerts a run would raise (none for a certificate it renews: a run issues before it alerts). */
  readonly alerts: readonly AlertReport[];
  /** Certificates expired at that time that the run would not renew. */
  readonly expired: readonly CertificateView[];
  /** True when something needs a person: an approval, a denial, an alert, an expiry or a failed check. */
  readonly needsAttention: boolean;
}

/**
 * What one cycle would do at the clock's time, computed by the same use cases a run uses, on
 * dependencies that must change nothing (the composition root hands a snapshot: in-memory state,
 * no event log, issuers that refuse). Nothing is issued, so nothing reaches a CA or the key store.
 */
export function previewCycle(deps: AppDeps, context: { readonly issuers: readonly { readonly name: string; readonly ok: boolean; readonly detail: string }[] }) {
  return async (managed: readonly ManagedCertificateInput[]): Promise<CyclePreview> => {
    const at = deps.clock.now();
    const preflight: PreflightCheck[] = [{ check: 'config', subject: 'configuration', ok: true, detail: 'valid' }];
    for (const issuer of context.issuers) preflight.push({ check: 'issuer', subject: issuer.name, ok: issuer.ok, detail: issuer.detail });
    for (const { spec } of managed) {
      const names = allNames(spec.names);
      const emails = emailsOf(spec.names);
      const forbidden = names.find((n) => deps.policy.forbiddenNames.some((p) => (emails.includes(n) ? isForbidden(p, n, 'email') : nameMatches(p, n))));
      preflight.push(
        forbidden === undefined
          ? { check: 'policy', subject: spec.id, ok: true, detail: `${names.length.toString()} name(s) allowed` }
          : { check: 'policy', subject: spec.id, ok: false, detail: `name ${forbidden} is forbidden by policy` },
      );
    }
    const discovery = await discoverCertificates(deps)();
    for (const d of discovery) if (!d.ok) preflight.push({ check: 'source', subject: `${d.source} ${d.scope}`, ok: false, detail: d.problems.join('; ') || 'unreadable' });
    // No issuers: a preview asks no CA for renewal advice (it plans with what the inventory holds).
    const plan = await planRenewals({ state: deps.state, clock: deps.clock, policy: deps.policy })(managed);
    const due = await new Requests(deps.state).due(at, DUE_LIMIT);
    const toIssue = due.map((i) => i.data).filter((r) => r.state === 'approved' || r.state === 'issuing' || (r.state === 'failed' && r.progress.lastError?.retryable === true));
    const awaitingApproval = (await listRequests(deps)({ state: 'pending_approval' })).map((request) => ({
      request,
      overdue: request.approvalDeadline !== undefined && request.approvalDeadline.getTime() <= at.getTime(),
    }));
    // A run issues before it alerts: a certificate it renews raises no alert and does not stay expired.
    const renewed = new Set(toIssue.map((r) => r.certificateId));
    const alerts = (await alertExpiringCertificates(deps)()).filter((a) => !renewed.has(a.certificateId));
    const expired = (await listCertificates(deps)()).filter((v) => v.status === 'expired' && !renewed.has(v.record.id));
    const denied = plan.some((p) => p.action === 'requested' && p.request.state === 'denied');
    const needsAttention = awaitingApproval.length > 0 || denied || alerts.length > 0 || expired.length > 0 || preflight.some((c) => !c.ok);
    return { at, preflight, discovery, plan, toIssue, awaitingApproval, alerts, expired, needsAttention };
  };
}
