import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import type { CertificateFacts } from '../domain/certificate.js';
import { REQUEST_STATES, type CertificateRequest, type RequestState } from '../domain/request.js';
import { daysRemaining, isExpired, renewalDueAt } from '../domain/renewal-policy.js';
import type { KeyVersionInfo } from '../ports/key-store.port.js';
import type { AppDeps } from './deps.js';
import { renewalTimingOf, type CertificateRecord, type RevisionRecord } from './records.js';
import { Inventory, Requests } from './stores.js';

/**
 * The read side of the inventory, as people and monitoring see it: computed fields (days
 * remaining, status, next renewal) instead of bookkeeping. Reads only; the CLI's `ls`,
 * `requests`, `show`, `check` and `metrics` go through here.
 */

/** Where a certificate stands at a given time. */
export type CertificateStatus =
  /** Managed, not issued yet. */
  | 'not-issued'
  /** Valid, and not yet due for renewal. */
  | 'ready'
  /** Managed, past its renewal time and not yet renewed. */
  | 'renewal-due'
  /** Not managed, and within the largest alert threshold of expiry. */
  | 'expiring'
  | 'expired';

export interface CertificateView {
  readonly record: CertificateRecord;
  readonly current?: CertificateFacts;
  readonly status: CertificateStatus;
  /** Whole days until notAfter (negative once expired). */
  readonly daysRemaining?: number;
  /** When a managed certificate is renewed (the due time of its current certificate). */
  readonly renewalDueAt?: Date;
  readonly pendingRequest?: { readonly id: string; readonly state: RequestState };
}

/** A certificate's view at `now`. */
export function viewOf(record: CertificateRecord, now: Date, alertThresholdsDays: readonly number[], pending?: CertificateRequest): CertificateView {
  const current = record.current;
  const pendingRequest = pending ? { pendingRequest: { id: pending.id, state: pending.state } } : {};
  if (!current) return { record, status: 'not-issued', ...pendingRequest };
  const due = record.origin === 'managed' ? renewalDueAt(renewalTimingOf(current, record.spec)) : undefined;
  const left = daysRemaining(current.notAfter, now);
  const horizon = Math.max(0, ...alertThresholdsDays);
  const status: CertificateStatus = isExpired(current.notAfter, now)
    ? 'expired'
    : due
      ? now.getTime() >= due.getTime()
        ? 'renewal-due'
        : 'ready'
      : left <= horizon
        ? 'expiring'
        : 'ready';
  return { record, current, status, daysRemaining: left, ...(due ? { renewalDueAt: due } : {}), ...pendingRequest };
}

/** Every certificate of the inventory, with its view at the clock's time. */
export function listCertificates(deps: Pick<AppDeps, 'state' | 'clock' | 'alertThresholdsDays'>) {
  const inventory = new Inventory(deps.state);
  const requests = new Requests(deps.state);
  return async (): Promise<CertificateView[]> => {
    const now = deps.clock.now();
    const out: CertificateView[] = [];
    for await (const record of inventory.records()) {
      const pending = record.pendingRequestId ? (await requests.get(record.pendingRequestId))?.data : undefined;
      out.push(viewOf(record, now, deps.alertThresholdsDays, pending));
    }
    return out;
  };
}

/** Requests, optionally of one state; an unknown state is bad input, not an empty list. */
export function listRequests(deps: Pick<AppDeps, 'state'>) {
  const requests = new Requests(deps.state);
  return async (filter: { readonly state?: string } = {}): Promise<CertificateRequest[]> => {
    if (filter.state !== undefined && !(REQUEST_STATES as readonly string[]).includes(filter.state)) {
      throw new CertflowError(ErrorCodes.INPUT_INVALID, `unknown request state '${filter.state}' (one of: ${REQUEST_STATES.join(', ')})`);
    }
    const out: CertificateRequest[] = [];
    for await (const request of requests.all()) if (filter.state === undefined || request.state === filter.state) out.push(request);
    return out;
  };
}

export interface CertificateDetail {
  readonly view: CertificateView;
  readonly revisions: readonly RevisionRecord[];
  /** Key store versions (labels and times, never material); absent when the key store was not read. */
  readonly keyVersions?: readonly KeyVersionInfo[];
}

/** One certificate with its revisions, and its key store versions when `withKeys`. */
export function showCertificate(deps: Pick<AppDeps, 'state' | 'clock' | 'alertThresholdsDays' | 'keys'>) {
  const inventory = new Inventory(deps.state);
  const requests = new Requests(deps.state);
  return async (id: string, options: { readonly withKeys?: boolean } = {}): Promise<CertificateDetail> => {
    const item = await inventory.get(id);
    if (!item) throw new CertflowError(ErrorCodes.CERTIFICATE_UNKNOWN, `no certificate '${id}' in the inventory (see 'certflow ls')`, { context: { certificateId: id } });
    const pendingId = item.data.pendingRequestId;
    const pending = pendingId ? (await requests.get(pendingId))?.data : undefined;
    const revisions = await inventory.revisions(id);
    const keyVersions = options.withKeys && item.data.secretName ? await deps.keys.listVersions(item.data.secretName) : undefined;
    return { view: viewOf(item.data, deps.clock.now(), deps.alertThresholdsDays, pending), revisions, ...(keyVersions ? { keyVersions } : {}) };
  };
}

/** A request named by its id, or by a certificate whose request in flight (or last request) is meant. */
export function findRequest(deps: Pick<AppDeps, 'state'>) {
  const inventory = new Inventory(deps.state);
  const requests = new Requests(deps.state);
  return async (ref: string): Promise<CertificateRequest> => {
    const direct = await requests.get(ref);
    if (direct) return direct.data;
    const pendingId = (await inventory.get(ref))?.data.pendingRequestId;
    if (pendingId) {
      const pending = await requests.get(pendingId);
      if (pending) return pending.data;
    }
    throw new CertflowError(ErrorCodes.REQUEST_UNKNOWN, `no request '${ref}' (give a request id, or a certificate with a pending request)`, { context: { ref } });
  };
}
