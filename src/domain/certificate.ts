import { createHash } from 'node:crypto';

/** Key algorithms certflow generates and accepts. P-256 is the default: cheap to make, small to ship. */
export const KEY_ALGORITHMS = ['EC_P256', 'EC_P384', 'RSA_2048', 'RSA_3072', 'RSA_4096'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** The names a certificate covers, by subjectAltName type. */
export interface SubjectNames {
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  readonly uri: readonly string[];
}

/** Where the inventory learned of a certificate. */
export type CertificateOrigin = 'managed' | 'acm' | 'endpoint' | 'file';

/** Which configured issuer signs a managed certificate (`kind` picks the adapter, `name` the instance). */
export interface IssuerRef {
  readonly kind: string;
  readonly name: string;
}

/** What a certificate should look like: the managed certificate's desired state, from configuration or a request. */
export interface CertificateSpec {
  readonly id: string;
  readonly commonName: string;
  readonly names: SubjectNames;
  readonly keyAlgorithm: KeyAlgorithm;
  readonly issuer: IssuerRef;
  readonly owner: string;
  readonly validityDays: number;
  /** Renew this long before notAfter instead of at 2/3 of the lifetime. */
  readonly renewBeforeDays?: number;
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

/** Canonical form: lower-case DNS names, sorted, de-duplicated, so equal sets compare equal. */
export function normalizeNames(names: Partial<SubjectNames>): SubjectNames {
  const tidy = (values: readonly string[] | undefined, lower: boolean) =>
    [...new Set((values ?? []).map((v) => (lower ? v.trim().toLowerCase() : v.trim())))].sort();
  return { dns: tidy(names.dns, true), ip: tidy(names.ip, true), uri: tidy(names.uri, false) };
}

export function sameNames(a: SubjectNames, b: SubjectNames): boolean {
  const x = normalizeNames(a);
  const y = normalizeNames(b);
  return JSON.stringify(x) === JSON.stringify(y);
}

export function allNames(names: SubjectNames): string[] {
  return [...names.dns, ...names.ip, ...names.uri];
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
