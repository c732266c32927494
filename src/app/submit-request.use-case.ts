import { createHash } from 'node:crypto';
import { deterministicId, type CertificateSpec } from '../domain/certificate.js';
import { evaluatePolicy, type PolicyContext } from '../domain/approval-policy.js';
import { transition, type CertificateRequest, type RequestReason } from '../domain/request.js';
import type { LifecycleEvent } from '../domain/events/catalogue.js';
import type { AppDeps } from './deps.js';
import { keys } from './records.js';
import { createOnce } from './persistence.js';
import { approvalRequested, decisionEvent, issuanceRequested } from './lifecycle-events.js';

export interface SubmitRequestCommand {
  readonly spec: CertificateSpec;
  readonly revision: number;
  readonly reason: RequestReason;
  readonly requester: string;
  /** Distinguishes a deliberate re-request of the same content (e.g. after a denial); absent for planned ones. */
  readonly attemptTag?: string;
  /** The certificate as last issued, for rules on unchanged renewals and new issuers. */
  readonly previous?: PolicyContext['previous'];
  /** Why a person asked (e.g. `certflow renew --reason`), kept with the request for the approvers and the audit. */
  readonly note?: string;
}

export interface SubmitRequestResult {
  readonly request: CertificateRequest;
  /** False when the same request already existed: re-submitting converges. */
  readonly created: boolean;
}

/** Hash of what an approval covers: the whole spec, canonically serialised. */
export function contentHash(spec: CertificateSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}

/** JSON with object keys sorted at every depth, so equal content hashes equally. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Deterministic: the same certificate, revision and content always name the same request. */
export function requestIdFor(certificateId: string, revision: number, hash: string, attemptTag = ''): string {
  return deterministicId('req', certificateId, revision.toString(), hash, attemptTag);
}

/**
 * Accepts a request and lets policy decide at once what it can: deny, approve, or wait for
 * humans. The request and the events of its first decision are written in one put-if-absent.
 */
export function submitRequest(deps: Pick<AppDeps, 'state' | 'clock' | 'policy'>) {
  return async (cmd: SubmitRequestCommand): Promise<SubmitRequestResult> => {
    const now = deps.clock.now();
    const hash = contentHash(cmd.spec);
    const id = requestIdFor(cmd.spec.id, cmd.revision, hash, cmd.attemptTag);
    const requested: CertificateRequest = {
      id,
      certificateId: cmd.spec.id,
      revision: cmd.revision,
      reason: cmd.reason,
      requester: cmd.requester,
      ...(cmd.note ? { note: cmd.note } : {}),
      spec: cmd.spec,
      contentHash: hash,
      state: 'requested',
      requiredApprovals: 0,
      votes: [],
      progress: { attempt: 0 },
      createdAt: now,
      updatedAt: now,
    };
    const events: LifecycleEvent[] = [issuanceRequested(requested)];
    const verdict = evaluatePolicy(deps.policy, requested, now, cmd.previous ? { previous: cmd.previous } : {});
    let request: CertificateRequest;
    let dueAt: Date | undefined;
    switch (verdict.kind) {
      case 'deny':
        request = transition(requested, 'denied', now, {
          decision: { outcome: 'denied', by: 'policy', approvers: [], reason: verdict.reason, at: now },
        });
        events.push(decisionEvent(request));
        break;
      case 'auto-approve':
        request = transition(requested, 'approved', now, {
          decision: { outcome: 'approved', by: 'policy', approvers: [], reason: `auto-approved by rule ${verdict.rule}`, at: now },
        });
        events.push(decisionEvent(request));
        dueAt = now;
        break;
      case 'needs-approval':
        request = {
          ...transition(requested, 'pending_approval', now, { approvalDeadline: verdict.deadline }),
          requiredApprovals: verdict.requiredApprovals,
          ...(verdict.approverGroups ? { approverGroups: verdict.approverGroups } : {}),
        };
        events.push(approvalRequested(request, verdict.reason, verdict.reasons));
        // Due at the deadline, when it expires unless decided.
        dueAt = verdict.deadline;
        break;
    }
    const { item, created } = await createOnce(deps.state, keys.request(id), request, { ...(dueAt ? { dueAt } : {}), events });
    return { request: item.data, created };
  };
}
