import { createHash } from 'node:crypto';

/** Key algorithms certflow generates and accepts. P-256 is the default: cheap to make, small to ship. */
export const KEY_ALGORITHMS = ['EC_P256', 'EC_P384', 'RSA_2048', 'RSA_3072', 'RSA_4096'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** The names a certificate covers, by subjectAltName type. */
export interface SubjectNames {
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  readonly uri: readonly string[];
  /**
   * rfc822Name addresses (RFC 5280 §4.2.1.6). Optional and absent when empty, so names stored,
   * hashed or sent in events before email SANs existed keep their exact shape and content hash.
   */
  readonly email?: readonly string[];
}

/** Where the inventory learned of a certificate. */
export type CertificateOrigin = 'managed' | 'acm' | 'endpoint' | 'file';

/** Which configured issuer signs a managed certificate (`kind` picks the adapter, `name` the instance). */
export interface IssuerRef {
  readonly kind: string;
  readonly name: string;
}

/**
 * What a certificate is for: TLS servers (`server`, the default), TLS clients and workload
 * identity such as IAM Roles Anywhere (`client`), or both.
 */
export const CERTIFICATE_USAGES = ['server', 'client', 'both'] as const;
export type CertificateUsage = (typeof CERTIFICATE_USAGES)[number];

/** What a certificate should look like: the managed certificate's desired state, from configuration or a request. */
export interface CertificateSpec {
  readonly id: string;
  /** For `client`/`both` the workload's name, kept as written (it becomes the session's source identity). */
  readonly commonName: string;
  readonly names: SubjectNames;
  readonly keyAlgorithm: KeyAlgorithm;
  readonly issuer: IssuerRef;
  readonly owner: string;
  /**
   * Absent means `server`: specs stored before usages existed read as what they were issued as,
   * and a server spec hashes as it always did (no re-issuance, no new approval on upgrade).
   */
  readonly usage?: CertificateUsage;
  /**
   * The lifetime is `validityHours` when set, else `validityDays` (exactly one is set; see
   * {@link validityHoursOf}). Hours exist for short-lived client certificates (24 h by default);
   * days stay for everything stored before hours existed.
   */
  readonly validityDays?: number;
  readonly validityHours?: number;
  /** Renew this long before notAfter instead of at 2/3 of the lifetime (hours win when both are set). */
  readonly renewBeforeDays?: number;
  readonly renewBeforeHours?: number;
}

const HOUR_MS = 3_600_000;

/** The usage of a spec; absent (every spec written before usages) is `server`. */
export function usageOf(spec: Pick<CertificateSpec, 'usage'>): CertificateUsage {
  return spec.usage ?? 'server';
}

/** True when the certificate authenticates a client (its CN is a workload identity). */
export function isClientUsage(usage: CertificateUsage): boolean {
  return usage !== 'server';
}

/** The lifetime a spec asks for, in hours. */
export function validityHoursOf(spec: Pick<CertificateSpec, 'validityDays' | 'validityHours'>): number {
  return spec.validityHours ?? (spec.validityDays ?? 0) * 24;
}

/** The lifetime a spec asks for, in milliseconds. */
export function validityMsOf(spec: Pick<CertificateSpec, 'validityDays' | 'validityHours'>): number {
  return validityHoursOf(spec) * HOUR_MS;
}

/** The renew-before margin in milliseconds, or undefined for the default (2/3 of the lifetime). */
export function renewBeforeMsOf(spec: Pick<CertificateSpec, 'renewBeforeDays' | 'renewBeforeHours'>): number | undefined {
  if (spec.renewBeforeHours !== undefined) return spec.renewBeforeHours * HOUR_MS;
  return spec.renewBeforeDays === undefined ? undefined : spec.renewBeforeDays * 24 * HOUR_MS;
}

/** The validity as people read it: `90 days`, `24 hours`. */
export function describeValidity(spec: Pick<CertificateSpec, 'validityDays' | 'validityHours'>): string {
  if (spec.validityHours !== undefined) return `${spec.validityHours.toString()} hour${spec.validityHours === 1 ? '' : 's'}`;
  const days = spec.validityDays ?? 0;
  return `${days.toString()} day${days === 1 ? '' : 's'}`;
}

/** Facts read off an X.509 certificate; no key material. */
export interface CertificateFacts {
  readonly serialNumber: string;
  readonly subject: string;
  readonly issuerName: string;
  readonly names: SubjectNames;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly fingerprintSha256: string;
  readonly keyAlgorithm: KeyAlgorithm | 'OTHER';
}

/** One certificate of the inventory, whatever its origin. */
export interface InventoryCertificate {
  readonly id: string;
  readonly origin: CertificateOrigin;
  /** Where it lives: a config name, an ACM ARN, `host:port`, a file path. */
  readonly locator: string;
  readonly owner?: string;
  readonly spec?: CertificateSpec;
  /** Facts of the certificate now in use; absent until a managed certificate is first issued. */
  readonly current?: CertificateFacts;
  /** Revision now current (managed certificates); 0 before the first issuance. */
  readonly revision: number;
  readonly firstSeenAt: Date;
  readonly lastSeenAt: Date;
}

export const emptyNames: SubjectNames = Object.freeze({ dns: [], ip: [], uri: [] });

/**
 * An email address in canonical form: trimmed, the domain lower-cased; the local part is kept
 * as written, because RFC 5321 §2.4 lets a mailbox's local part be case-sensitive.
 */
export function canonicalEmail(address: string): string {
  const text = address.trim();
  const at = text.lastIndexOf('@');
  return at < 0 ? text : `${text.slice(0, at)}@${text.slice(at + 1).toLowerCase()}`;
}

/**
 * Canonical form: lower-case DNS names, email domains lower-cased, sorted, de-duplicated, so
 * equal sets compare equal. `email` appears only when there is one, so a set without emails
 * has the shape (and the content hash) it had before email SANs existed.
 */
export function normalizeNames(names: Partial<SubjectNames>): SubjectNames {
  const tidy = (values: readonly string[] | undefined, canonical: (v: string) => string) => [...new Set((values ?? []).map(canonical))].sort();
  const lower = (v: string) => v.trim().toLowerCase();
  const trim = (v: string) => v.trim();
  const email = tidy(names.email, canonicalEmail);
  return { dns: tidy(names.dns, lower), ip: tidy(names.ip, lower), uri: tidy(names.uri, trim), ...(email.length > 0 ? { email } : {}) };
}

export function sameNames(a: SubjectNames, b: SubjectNames): boolean {
  const x = normalizeNames(a);
  const y = normalizeNames(b);
  return JSON.stringify(x) === JSON.stringify(y);
}

/** The email addresses of a name set; none for names written before email SANs existed. */
export function emailsOf(names: Pick<SubjectNames, 'email'>): readonly string[] {
  return names.email ?? [];
}

export function allNames(names: SubjectNames): string[] {
  return [...names.dns, ...names.ip, ...names.uri, ...emailsOf(names)];
}

/** A short deterministic id: the same inputs give the same id on every machine and every run. */
export function deterministicId(prefix: string, ...parts: readonly string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest('base64url');
  return `${prefix}_${digest.slice(0, 22)}`;
}

/** Id of a discovered (unmanaged) certificate: stable across scans of the same place. */
export function discoveredCertificateId(origin: CertificateOrigin, locator: string): string {
  return deterministicId('crt', origin, locator);
}

/** Id of the revision-th issuance of a certificate; the issuer's idempotency key. */
export function revisionId(certificateId: string, revision: number): string {
  return `${certificateId}#${revision}`;
}

const MANAGED_ID = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Managed certificates are named by the operator; the name is the id, so it must be stable and path-safe. */
export function isValidManagedId(id: string): boolean {
  return MANAGED_ID.test(id);
}
