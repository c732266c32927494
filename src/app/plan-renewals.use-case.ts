import { isRenewalDue, renewalDueAt } from '../domain/renewal-policy.js';
import { ErrorCodes, isCertflowError } from '../domain/errors/index.js';
import { isClosed, type CertificateRequest, type RequestReason } from '../domain/request.js';
import type { CertificateSpec } from '../domain/certificate.js';
import type { StoredItem } from '../ports/state-store.port.js';
import type { AppDeps } from './deps.js';
import { keys, newManagedRecord, renewalIndexOf, renewalTimingOf, type CertificateRecord } from './records.js';
import { createOnce, saveOver } from './persistence.js';
import { contentHash, submitRequest } from './submit-request.use-case.js';
import { mapConcurrent, WORK_CONCURRENCY } from './concurrency.js';

export interface ManagedCertificateInput {
  readonly spec: CertificateSpec;
  readonly requester: string;
}

export type PlanOutcome =
  | { readonly certificateId: string; readonly action: 'requested'; readonly request: CertificateRequest; readonly created: boolean }
  | {
      readonly certificateId: string;
      readonly action: 'skipped';
      readonly why: string;
      readonly requestId?: string;
      /** Set when the request holding the certificate failed for good: the certificate gets nothing until someone acts. */
      readonly failure?: { readonly code: string; readonly message: string };
    };

export interface PlanOptions {
  /** Certificates to give a new revision now although not due: their CURRENT key store version is gone. */
  readonly reissue?: ReadonlySet<string>;
}

/**
 * Compares desired state (configuration) with the inventory and opens one request per
 * certificate that needs a revision: never issued, due for renewal, or changed. A certificate
 * with a request in flight is left alone, so re-running converges.
 */
export function planRenewals(deps: Pick<AppDeps, 'state' | 'clock' | 'policy'>) {
  const submit = submitRequest(deps);
  return async (managed: readonly ManagedCertificateInput[], options: PlanOptions = {}): Promise<PlanOutcome[]> => {
    return mapConcurrent(managed, WORK_CONCURRENCY, (input) =>
      planOne(deps, submit, input, options.reissue?.has(input.spec.id) === true).catch((error: unknown): PlanOutcome => {
        // A concurrent planner got there first; what it wrote is what this one would have.
        if (isCertflowError(error) && error.code === ErrorCodes.STATE_CONFLICT) {
          return { certificateId: input.spec.id, action: 'skipped', why: 'planned by another worker at the same time' };
        }
        throw error;
      }),
    );
  };
}

async function planOne(
  deps: Pick<AppDeps, 'state' | 'clock'>,
  submit: ReturnType<typeof submitRequest>,
  { spec, requester }: ManagedCertificateInput,
  keysMissing: boolean,
): Promise<PlanOutcome> {
  const now = deps.clock.now();
  let meta = await deps.state.get<CertificateRecord>(keys.certificate(spec.id));
  if (!meta) {
    meta = (await createOnce(deps.state, keys.certificate(spec.id), newManagedRecord(spec, now))).item;
  }
  const hash = contentHash(spec);
  const inFlight = await blockingRequest(deps, meta, hash);
  if (inFlight) {
    return { certificateId: spec.id, action: 'skipped', why: inFlight.why, requestId: inFlight.id, ...(inFlight.failure ? { failure: inFlight.failure } : {}) };
  }
  // A certificate whose CURRENT key store version is gone gets a new revision now, whatever its renewal time.
  const reason = keysMissing && meta.data.revision > 0 ? 'renewal' : renewalReason(meta.data, spec, hash, now);
  if (typeof reason !== 'string') return { certificateId: spec.id, action: 'skipped', why: reason.why };

  const previous = meta.data.revision > 0 ? meta.data.spec : undefined;
  const { request, created } = await submit({ spec, revision: meta.data.revision + 1, reason, requester, ...(previous ? { previous } : {}) });
  if (meta.data.pendingRequestId !== request.id) {
    await saveOver(deps.state, meta, { ...meta.data, pendingRequestId: request.id, lastSeenAt: now }, renewalIndexOf(meta.data));
    if (!created) await requeueIfStranded(deps, request.id, now);
  }
  return { certificateId: spec.id, action: 'requested', request, created };
}

/**
 * A request this planner re-attaches may have been dropped from the queue by a worker that saw
 * another holder at the time: put a request that still has work to do back on it.
 */
export async function requeueIfStranded(deps: Pick<AppDeps, 'state'>, requestId: string, now: Date): Promise<void> {
  const item = await deps.state.get<CertificateRequest>(keys.request(requestId));
  const r = item?.data;
  if (!item || item.dueAt || !r || (r.state !== 'approved' && !(r.state === 'failed' && r.progress.lastError?.retryable))) return;
  await saveOver(deps.state, item, r, { dueAt: now });
}

/** A request that keeps a new one from being opened: one in flight, or a refusal of this very content. */
async function blockingRequest(
  deps: Pick<AppDeps, 'state'>,
  meta: StoredItem<CertificateRecord>,
  hash: string,
): Promise<{ id: string; why: string; failure?: { code: string; message: string } } | undefined> {
  const id = meta.data.pendingRequestId;
  if (!id) return undefined;
  const pending = await deps.state.get<CertificateRequest>(keys.request(id));
  if (!pending) return undefined;
  const r = pending.data;
  const gaveUp = r.state === 'failed' && !r.progress.lastError?.retryable;
  if (!isClosed(r)) return { id, why: `request ${id} is ${r.state}` };
  if (r.state !== 'issued' && r.contentHash === hash) {
    const detail = gaveUp ? `failed (${r.progress.lastError?.code ?? 'unknown'})` : `was ${r.state}`;
    const why = `request ${id} ${detail}; change the configuration or run 'certflow request' to ask again`;
    const lastError = r.progress.lastError;
    return { id, why, ...(gaveUp && lastError ? { failure: { code: lastError.code, message: lastError.message } } : {}) };
  }
  return undefined;
}

function renewalReason(record: CertificateRecord, spec: CertificateSpec, hash: string, now: Date): RequestReason | { why: string } {
  const current = record.current;
  if (record.revision === 0 || !current) return 'new';
  if (record.spec && contentHash(record.spec) !== hash) return 'renewal';
  const timing = renewalTimingOf(current, spec);
  if (isRenewalDue(timing, now)) return 'renewal';
  return { why: `not due until ${renewalDueAt(timing).toISOString()}` };
}
