import { createPrivateKey, type KeyObject } from 'node:crypto';
import { CertflowError, ErrorCodes, isCertflowError } from '../domain/errors/index.js';
import { isClosed, transition, nextAttemptAt, type CertificateRequest } from '../domain/request.js';
import { createCsr, generateKeyPair, verifyBundle } from '../crypto/index.js';
import type { IssuanceOrder, IssuedCertificate } from '../ports/issuer.port.js';
import type { StoredItem } from '../ports/state-store.port.js';
import type { AppDeps } from './deps.js';
import { bundleVersionId, keys, keyVersionId, renewalIndexOf, secretNameFor, type CertificateRecord, type RevisionRecord } from './records.js';
import { createOnce, saveOver } from './persistence.js';
import { issuanceFailed, stored } from './lifecycle-events.js';
import { deliverRevision } from './deliver-revision.js';

/** How long a worker owns an `issuing` request before another may take it over after a crash. */
export const ISSUING_LEASE_MS = 5 * 60_000;

export type IssueOutcome =
  | { readonly status: 'issued'; readonly requestId: string; readonly certificateId: string; readonly revision: number; readonly serialNumber: string }
  | { readonly status: 'pending'; readonly requestId: string; readonly resumeAfter: Date }
  | { readonly status: 'failed'; readonly requestId: string; readonly code: string; readonly message: string; readonly retryable: boolean }
  | { readonly status: 'skipped'; readonly requestId: string; readonly why: string };

type Deps = Pick<AppDeps, 'state' | 'keys' | 'issuers' | 'clock' | 'workers' | 'destinations'>;

/**
 * Runs issuance for one approved request, as a resumable workflow: the key is persisted before
 * the CSR; the issuer is idempotent on the revision; certificate, chain and key are stored as
 * one PENDING version, checked, and only then promoted to CURRENT. Every step records its outcome
 * before the next, so re-running after a crash at any point converges and never issues twice.
 */
export function issueCertificate(deps: Deps) {
  return async (requestId: string): Promise<IssueOutcome> => {
    let item = await deps.state.get<CertificateRequest>(keys.request(requestId));
    if (!item) throw new CertflowError(ErrorCodes.REQUEST_UNKNOWN, `no request ${requestId}`, { context: { requestId } });
    const now = deps.clock.now();
    const r = item.data;
    let meta = await deps.state.get<CertificateRecord>(keys.certificate(r.certificateId));
    if (!meta) throw new CertflowError(ErrorCodes.CERTIFICATE_UNKNOWN, `no certificate ${r.certificateId}`, { context: { requestId } });

    if (meta.data.revision >= r.revision) {
      // A crash after promotion: the revision is done, only its deliveries and the request's last
      // step may be missing. (If another request produced that revision, this one just leaves the queue.)
      const revision = (await deps.state.get<RevisionRecord>(keys.revision(r.certificateId, r.revision)))?.data;
      const ours = revision?.requestId === r.id && (r.state === 'issuing' || r.state === 'failed');
      if (ours && revision) {
        const delivered = await deliverRevision(deps, revision);
        if (!delivered.ok) return recordFailure(deps, item, delivered.error);
      }
      await saveOver(deps.state, item, ours ? transition(r, 'issued', now) : r);
      return { status: 'skipped', requestId, why: `revision ${r.revision.toString()} is already current` };
    }
    if (meta.data.pendingRequestId !== r.id && meta.data.revision + 1 === r.revision && (await holderIsClosedAndOlder(deps, meta.data.pendingRequestId, r))) {
      // Its planner stopped (or has not yet come) between writing the request and claiming the
      // certificate for it, and no open request holds the certificate: claim it here, or a later
      // run would find it claimed but never due.
      const claimed = await deps.state.write({ key: meta, condition: { kind: 'version', version: meta.version }, data: { ...meta.data, pendingRequestId: r.id } });
      if (!claimed.ok) return { status: 'skipped', requestId, why: 'the certificate changed; the next run looks again' };
      meta = claimed.item;
    }
    if (meta.data.pendingRequestId !== r.id) {
      // Superseded by a newer request: take it out of the due index so it never blocks the queue.
      await saveOver(deps.state, item, r);
      return { status: 'skipped', requestId, why: 'another request holds this certificate' };
    }
    const holder = r.progress.leaseHolder;
    const ready = isReady(r, now, holder !== undefined && deps.workers?.isGone(holder) === true);
    if (ready !== true) return { status: 'skipped', requestId, why: ready };

    // Take the lease with a compare-and-set: of two workers that read the request, one wins and
    // the other stops here (STATE.CONFLICT), so one attempt per revision is in flight at a time.
    const leaseUntil = new Date(now.getTime() + ISSUING_LEASE_MS);
    const leaseHolder = deps.workers?.self;
    const next =
      r.state === 'issuing'
        ? { ...r, progress: { ...r.progress, leaseUntil, leaseHolder }, updatedAt: now }
        : transition(r, 'issuing', now, { progress: { ...r.progress, attempt: r.progress.attempt + 1, lastError: undefined, leaseUntil, leaseHolder } });
    const leased = await deps.state.write({ key: item, condition: { kind: 'version', version: item.version }, data: next, dueAt: leaseUntil });
    if (!leased.ok) return { status: 'skipped', requestId, why: 'another worker took it first' };
    item = leased.item;
    // The issuer may checkpoint its handle mid-step; later writes go over the latest version.
    const held = { item };
    try {
      return await runSteps(deps, held, meta);
    } catch (error) {
      if (!isCertflowError(error) || error.code === ErrorCodes.STATE_CONFLICT) throw error;
      // Promoted already, and only the request's own last write failed: not a failed issuance.
      const latest = await deps.state.get<CertificateRecord>(keys.certificate(r.certificateId));
      if (latest && latest.data.revision >= r.revision) throw error;
      return recordFailure(deps, held.item, error);
    }
  };
}

/** A closed holder older than `r` gives way to it; an open one, or a newer one, keeps the certificate. */
async function holderIsClosedAndOlder(deps: Deps, holderId: string | undefined, r: CertificateRequest): Promise<boolean> {
  if (holderId === undefined) return true;
  const holder = await deps.state.get<CertificateRequest>(keys.request(holderId));
  return !holder || (isClosed(holder.data) && holder.data.createdAt.getTime() <= r.createdAt.getTime());
}

/** `holderGone`: the lease's holder is certainly dead (a process of this host that no longer exists), so its lease ends now. */
function isReady(r: CertificateRequest, now: Date, holderGone: boolean): true | string {
  if (r.state === 'approved') return true;
  const lease = r.progress.leaseUntil;
  if (r.state === 'issuing' && lease && lease.getTime() > now.getTime() && !holderGone) return `held by ${describeHolder(r)} until ${lease.toISOString()}`;
  if (r.state === 'issuing' || (r.state === 'failed' && r.progress.lastError?.retryable)) {
    if (!r.progress.resumeAfter || r.progress.resumeAfter.getTime() <= now.getTime()) return true;
    return `waiting until ${r.progress.resumeAfter.toISOString()}`;
  }
  return `request is ${r.state}`;
}

/** The holder of a request's lease, as an operator reads it. */
export function describeHolder(r: Pick<CertificateRequest, 'progress'>): string {
  const holder = r.progress.leaseHolder;
  return holder ? `process ${holder.pid.toString()} on ${holder.host}` : 'another worker';
}

async function runSteps(deps: Deps, held: { item: StoredItem<CertificateRequest> }, meta: StoredItem<CertificateRecord>): Promise<IssueOutcome> {
  const r = held.item.data;
  const secretName = meta.data.secretName ?? secretNameFor(r.certificateId);
  const { privateKeyPem, privateKey } = await reserveKey(deps, secretName, r);
  const issuer = deps.issuers.get(r.spec.issuer.name);
  const checkpoint = async (handle: Readonly<Record<string, unknown>>): Promise<void> => {
    const latest = held.item;
    const progress = { ...latest.data.progress, issuerHandle: handle };
    held.item = await saveOver(deps.state, latest, { ...latest.data, progress, updatedAt: deps.clock.now() }, latest.dueAt ? { dueAt: latest.dueAt } : {});
  };
  const order: IssuanceOrder = {
    // The request is the idempotency key: a retry replays its order, a new request places its own.
    orderId: r.id,
    certificateId: r.certificateId,
    revision: r.revision,
    spec: r.spec,
    csrPem: createCsr(privateKey, { commonName: r.spec.commonName, names: r.spec.names }),
    ...(issuer.needsPrivateKey ? { privateKeyPem } : {}),
    // A renewal names the certificate it replaces (ACME ARI `replaces`); read only if asked.
    ...(meta.data.current ? { replacedCertificatePem: async () => (await deps.keys.getVersion(secretName, { label: 'CURRENT' }))?.material.certificatePem } : {}),
    checkpoint,
  };
  const handle = r.progress.issuerHandle as Readonly<Record<string, unknown>> | undefined;
  const step = handle ? await issuer.resume(order, handle) : await issuer.submit(order);
  const item = held.item;
  if (step.status === 'failed') return recordFailure(deps, item, step.error);
  if (step.status === 'pending') {
    // Waiting on the issuer holds no lease: whoever runs after resumeAfter picks it up.
    const progress = { ...item.data.progress, issuerHandle: step.handle, resumeAfter: step.resumeAfter, leaseUntil: undefined, leaseHolder: undefined };
    await saveOver(deps.state, item, { ...item.data, progress, updatedAt: deps.clock.now() }, { dueAt: step.resumeAfter });
    return { status: 'pending', requestId: r.id, resumeAfter: step.resumeAfter };
  }
  return storeAndPromote(deps, item, meta, secretName, privateKeyPem, step.certificate, await issuer.trustAnchorsPem());
}

/** Invariant 2: the key exists durably before any CSR or order; a re-run reuses it. */
async function reserveKey(deps: Deps, secretName: string, r: CertificateRequest): Promise<{ privateKeyPem: string; privateKey: KeyObject }> {
  const versionId = keyVersionId(r.revision, r.id);
  const existing = await deps.keys.getVersion(secretName, { versionId });
  if (existing) return { privateKeyPem: existing.material.privateKeyPem, privateKey: createPrivateKey(existing.material.privateKeyPem) };
  const generated = generateKeyPair(r.spec.keyAlgorithm);
  try {
    const saved = await deps.keys.putVersion(secretName, versionId, { privateKeyPem: generated.privateKeyPem }, ['RESERVED']);
    // The stored key is the one just made (putVersion refuses different material under this id).
    return { privateKeyPem: saved.material.privateKeyPem, privateKey: generated.privateKey };
  } catch (error) {
    // Another worker persisted its key first: the persisted key is the revision's key.
    if (!isCertflowError(error) || error.code !== ErrorCodes.KEYSTORE_CONFLICT) throw error;
    const stored = await deps.keys.getVersion(secretName, { versionId });
    if (!stored) throw error;
    return { privateKeyPem: stored.material.privateKeyPem, privateKey: createPrivateKey(stored.material.privateKeyPem) };
  }
}

async function storeAndPromote(
  deps: Deps,
  item: StoredItem<CertificateRequest>,
  meta: StoredItem<CertificateRecord>,
  secretName: string,
  privateKeyPem: string,
  issued: IssuedCertificate,
  trustAnchorsPem: string,
): Promise<IssueOutcome> {
  const r = item.data;
  const versionId = bundleVersionId(r.revision, r.id);
  await deps.keys.putVersion(secretName, versionId, { privateKeyPem, certificatePem: issued.certificatePem, chainPem: issued.chainPem }, ['PENDING']);
  // Check what readers would get, read back from the store, before it becomes CURRENT.
  const pending = await deps.keys.getVersion(secretName, { versionId });
  const now = deps.clock.now();
  const check = verifyBundle({
    certificatePem: pending?.material.certificatePem ?? '',
    chainPem: pending?.material.chainPem ?? '',
    privateKeyPem: pending?.material.privateKeyPem ?? '',
    trustAnchorsPem,
    expectedNames: r.spec.names,
    at: now,
  });
  if (!check.ok) {
    await deps.keys.removeLabel(secretName, 'PENDING');
    throw new CertflowError(ErrorCodes.ISSUANCE_VERIFICATION_FAILED, `issued certificate failed verification: ${check.reason}`, {
      context: { requestId: r.id, certificateId: r.certificateId },
    });
  }
  await deps.keys.moveLabel(secretName, 'CURRENT', versionId);
  // The key is now part of CURRENT; its key-only version stays, unlabelled, for audit.
  await deps.keys.removeLabel(secretName, 'RESERVED');

  const revision: RevisionRecord = {
    certificateId: r.certificateId,
    revision: r.revision,
    requestId: r.id,
    facts: check.facts,
    certificatePem: issued.certificatePem,
    secretName,
    secretVersionId: versionId,
    issuedAt: now,
  };
  await createOnce(deps.state, keys.revision(r.certificateId, r.revision), revision);
  const record: CertificateRecord = {
    ...meta.data,
    spec: r.spec,
    owner: r.spec.owner,
    current: check.facts,
    revision: r.revision,
    pendingRequestId: undefined,
    // The CA's advice and a revocation were about the certificate this one replaces.
    renewalAdvice: undefined,
    revoked: undefined,
    secretName,
    lastSeenAt: now,
  };
  await saveOver(deps.state, meta, record, { ...renewalIndexOf(record), events: stored(r, revision, meta.data) });
  // Promoted: delivering is the next resumable step. A failure leaves CURRENT where it is and the
  // request failed (retried later when the destination says it may succeed).
  const delivered = await deliverRevision(deps, revision);
  if (!delivered.ok) return recordFailure(deps, item, delivered.error);
  await saveOver(deps.state, item, transition(r, 'issued', now, { progress: { ...r.progress, serialNumber: check.facts.serialNumber } }));
  return { status: 'issued', requestId: r.id, certificateId: r.certificateId, revision: r.revision, serialNumber: check.facts.serialNumber };
}

async function recordFailure(deps: Deps, item: StoredItem<CertificateRequest>, error: CertflowError): Promise<IssueOutcome> {
  const now = deps.clock.now();
  const r = item.data;
  const retryAt = error.retryable ? nextAttemptAt(r.progress.attempt, now) : undefined;
  const progress = {
    ...r.progress,
    issuerHandle: undefined,
    leaseUntil: undefined,
    leaseHolder: undefined,
    resumeAfter: retryAt,
    lastError: { code: error.code, message: error.message, retryable: error.retryable },
  };
  // A delivery failing again after promotion finds the request failed already: it stays failed.
  const failed = r.state === 'failed' ? { ...r, progress: { ...progress, attempt: r.progress.attempt + 1 }, updatedAt: now } : transition(r, 'failed', now, { progress });
  await saveOver(deps.state, item, failed, { ...(retryAt ? { dueAt: retryAt } : {}), events: [issuanceFailed(failed, now)] });
  return { status: 'failed', requestId: r.id, code: error.code, message: error.message, retryable: error.retryable };
}
