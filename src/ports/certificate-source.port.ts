import type { CertificateFacts, CertificateOrigin } from '../domain/certificate.js';

/**
 * One independently listable place: an account-region pair, an endpoint list, a folder.
 * Scopes fail independently: one unreachable account never hides the others.
 */
export interface SourceScope {
  readonly id: string;
  readonly description: string;
  /** The AWS account and region the scope stands for, when it is one (for filters and the report). */
  readonly account?: string;
  readonly region?: string;
}

export interface ObservedCertificate {
  readonly origin: CertificateOrigin;
  /** Stable address of the certificate within its source (ARN, host:port, file path). */
  readonly locator: string;
  readonly facts: CertificateFacts;
  readonly inUse?: boolean;
  readonly owner?: string;
  /**
   * A cheap token of the certificate's state as the source's summary listing shows it (ACM: status,
   * validity and issue/import times). When the inventory holds the same token, the source may
   * reuse the stored facts instead of an expensive per-certificate call.
   */
  readonly changeTag?: string;
  /** What is wrong with the certificate as served or stored (endpoint sources: expired, name mismatch, ...). */
  readonly problems?: readonly string[];
}

/** What the inventory already knows of a locator, so a source can skip re-reading what did not change. */
export interface KnownCertificate {
  readonly changeTag?: string;
  readonly facts?: CertificateFacts;
}

/** Given to `scan`: looks up what the last sweep stored for a locator of this source. */
export interface ScanContext {
  known(origin: CertificateOrigin, locator: string): Promise<KnownCertificate | undefined>;
}

export type ScopeScan =
  | { readonly scope: SourceScope; readonly ok: true; readonly certificates: readonly ObservedCertificate[]; readonly problems: readonly string[] }
  | { readonly scope: SourceScope; readonly ok: false; readonly code: string; readonly message: string };

export interface CertificateSource {
  readonly name: string;
  listScopes(): Promise<SourceScope[]>;
  /** Scans one scope; a failure is a value (`ok: false`), never a throw that would stop other scopes. */
  scan(scope: SourceScope, context?: ScanContext): Promise<ScopeScan>;
}
