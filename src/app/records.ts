import { renewBeforeMsOf, type CertificateFacts, type CertificateSpec, type InventoryCertificate } from '../domain/certificate.js';
import { renewalDueWithAdvice, type CaRenewalAdvice, type RenewalTiming } from '../domain/renewal-policy.js';
import type { ItemKey } from '../ports/state-store.port.js';
import type { DeliveredTo } from '../ports/destination.port.js';

/** Single-table layout (see ARCHITECTURE.md "State and idempotency"). */
export const keys = {
  certificate: (id: string): ItemKey => ({ pk: `CERT#${id}`, sk: 'META' }),
  revision: (id: string, revision: number): ItemKey => ({ pk: `CERT#${id}`, sk: `REV#${revision.toString().padStart(10, '0')}` }),
  alert: (id: string, marker: string): ItemKey => ({ pk: `CERT#${id}`, sk: `ALERT#${marker}` }),
  request: (id: string): ItemKey => ({ pk: `REQ#${id}`, sk: 'META' }),
  /**
   * One certificate (by its SHA-256 fingerprint) wherever it is seen: the same certificate in ACM
   * and on an endpoint is two locations of one identity. Its markers make `Certificate Discovered`
   * and each alert once per certificate, not once per place.
   */
  identityMarker: (fingerprintSha256: string, marker: string): ItemKey => ({ pk: identityPk(fingerprintSha256), sk: marker }),
  /** The last discovery sweep's scope reports (the report's "problems found" and the CLI's progress summary). */
  lastSweep: (): ItemKey => ({ pk: 'SWEEP#last', sk: 'META' }),
} as const;

export const CERT_PREFIX = 'CERT#';
export const IDENTITY_PREFIX = 'IDENT#';

/** The identity partition of a certificate: its fingerprint without separators. */
export function identityPk(fingerprintSha256: string): string {
  return `${IDENTITY_PREFIX}${fingerprintSha256.replace(/:/g, '').toUpperCase()}`;
}
export const REQUEST_PREFIX = 'REQ#';

/** The inventory item of a certificate. */
export interface CertificateRecord extends InventoryCertificate {
  /** The request now working on the next revision; one in flight per certificate. */
  readonly pendingRequestId?: string;
  /**
   * Set when the current certificate was revoked: the planner replaces it at once unless the
   * reason says the certificate is no longer wanted (`replace: false`).
   */
  readonly revoked?: { readonly serialNumber: string; readonly reason: string; readonly at: Date; readonly replace: boolean };
  /** The CA's renewal advice on the current certificate (ACME ARI), when its issuer offers it. */
  readonly renewalAdvice?: CaRenewalAdvice;
  /** Key store entry of a managed certificate. */
  readonly secretName?: string;
  /** The last delivery to each destination, by destination name (e.g. the ACM ARN re-imported into). */
  readonly deliveries?: Readonly<Record<string, DeliveredTo>>;
  /** Which source and scope saw it last (discovered certificates). */
  readonly source?: string;
  readonly scope?: string;
  readonly account?: string;
  readonly region?: string;
  readonly inUse?: boolean;
  /** The source's change token from the last sweep (see ObservedCertificate.changeTag). */
  readonly changeTag?: string;
  /** What is wrong with it as last seen (endpoints: expired, name mismatch, ...). Untrusted text: print escaped. */
  readonly problems?: readonly string[];
  /** Set when a sweep that covered its scope no longer found it; cleared when it reappears. */
  readonly vanishedAt?: Date;
  /** The newest signal ACM's own events gave about this certificate (origin `acm`); see record-acm-signal.use-case.ts. */
  readonly acmSignal?: {
    /** The ACM detail-type, e.g. `ACM Certificate Approaching Expiration`. */
    readonly kind: string;
    readonly daysToExpiry?: number;
    readonly expired?: boolean;
    /**
     * The event's own time, never later than when certflow received it (plus a small skew): signals
     * are ordered by it, never by arrival, and a signal dated in the future cannot outrank later ones.
     */
    readonly observedAt: Date;
    /** The time the event claimed, when it was later than `observedAt` allows. */
    readonly claimedAt?: Date;
    /** When certflow recorded it; absent on signals recorded before future times were capped. */
    readonly receivedAt?: Date;
    readonly account: string;
    readonly region: string;
  };
}

/** One issued revision, kept for history and audit. */
export interface RevisionRecord {
  readonly certificateId: string;
  readonly revision: number;
  readonly requestId: string;
  readonly facts: CertificateFacts;
  /**
   * The certificate itself (public): what the planner shows the CA to ask its renewal advice,
   * so planning needs no read access to the key store. Absent on revisions older than this field.
   */
  readonly certificatePem?: string;
  readonly secretName: string;
  readonly secretVersionId: string;
  readonly issuedAt: Date;
}

export function secretNameFor(certificateId: string): string {
  return `certflow/${certificateId}`;
}

/**
 * Key store versions are named after the request, not only the revision: a later request for
 * the same revision (after a denial, a failure or a config fix) gets its own key and bundle.
 */
function attemptTag(requestId: string): string {
  return requestId.replace(/^req_/, '').slice(0, 10);
}

export function keyVersionId(revision: number, requestId: string): string {
  return `r${revision.toString()}-${attemptTag(requestId)}-key`;
}

export function bundleVersionId(revision: number, requestId: string): string {
  return `r${revision.toString()}-${attemptTag(requestId)}`;
}

/** The inventory item of a managed certificate before its first issuance. */
export function newManagedRecord(spec: CertificateSpec, now: Date): CertificateRecord {
  return {
    id: spec.id,
    origin: 'managed',
    locator: spec.id,
    owner: spec.owner,
    revision: 0,
    firstSeenAt: now,
    lastSeenAt: now,
    secretName: secretNameFor(spec.id),
  };
}

/** The renewal timing of a certificate's facts, with the renew-before its spec asks for. */
export function renewalTimingOf(facts: CertificateFacts, spec: Pick<CertificateSpec, 'renewBeforeDays' | 'renewBeforeHours'> | undefined): RenewalTiming {
  const renewBeforeMs = spec ? renewBeforeMsOf(spec) : undefined;
  return { notBefore: facts.notBefore, notAfter: facts.notAfter, ...(renewBeforeMs === undefined ? {} : { renewBeforeMs }) };
}

/** Where a certificate sits in the due index: its renewal time, once it has a current certificate. */
export function renewalIndexOf(record: CertificateRecord): { dueAt?: Date } {
  const due = renewalDueOf(record);
  return due ? { dueAt: due.dueAt } : {};
}

/** The revocation of the certificate now current, if it was revoked (older revocations do not count). */
export function currentRevocation(record: CertificateRecord): CertificateRecord['revoked'] {
  return record.revoked && record.revoked.serialNumber === record.current?.serialNumber ? record.revoked : undefined;
}

/** When the current certificate renews: the policy's time, or the CA's advice when earlier (`byCa`). */
export function renewalDueOf(record: CertificateRecord, spec = record.spec): { dueAt: Date; byCa: boolean } | undefined {
  const current = record.current;
  return current ? renewalDueWithAdvice(renewalTimingOf(current, spec), record.renewalAdvice, current.serialNumber) : undefined;
}
