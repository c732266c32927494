import type { CertificateFacts, CertificateOrigin } from '../domain/certificate.js';

/**
 * One independently listable place: an account-region pair, an endpoint list, a folder.
 * Scopes fail independently: one unreachable account never hides the others.
 */
export interface SourceScope {
  readonly id: string;
  readonly description: string;
}

export interface ObservedCertificate {
  readonly origin: CertificateOrigin;
  /** Stable address of the certificate within its source (ARN, host:port, file path). */
  readonly locator: string;
  readonly facts: CertificateFacts;
  readonly inUse?: boolean;
  readonly owner?: string;
}

export type ScopeScan =
  | { readonly scope: SourceScope; readonly ok: true; readonly certificates: readonly ObservedCertificate[]; readonly problems: readonly string[] }
  | { readonly scope: SourceScope; readonly ok: false; readonly code: string; readonly message: string };

export interface CertificateSource {
  readonly name: string;
  listScopes(): Promise<SourceScope[]>;
  scan(scope: SourceScope): Promise<ScopeScan>;
}
