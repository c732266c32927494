import type { CertificateSpec } from '../domain/certificate.js';
import type { CertflowError } from '../domain/errors/index.js';

/** What the use case hands an issuer. `orderId` is the idempotency key: the same id never issues twice. */
export interface IssuanceOrder {
  readonly orderId: string;
  readonly certificateId: string;
  readonly revision: number;
  readonly spec: CertificateSpec;
  readonly csrPem: string;
  /** Only for issuers that declare `needsPrivateKey` (e.g. an import-style issuer). */
  readonly privateKeyPem?: string;
  /** Reads the certificate this one renews, when there is one (ACME ARI sends it as `replaces`). */
  readonly replacedCertificatePem?: () => Promise<string | undefined>;
  /**
   * Persists a handle on the request now, before the issuer goes on: an issuer calls it as soon
   * as the CA holds something a re-run must resume (an ACME order URL) instead of placing again.
   * A later `resume` receives the last handle checkpointed or returned with `pending`.
   */
  readonly checkpoint?: (handle: Readonly<Record<string, unknown>>) => Promise<void>;
}

/** RFC 5280 CRLReason codes certflow accepts (7 is unused in the RFC). */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[keyof typeof REVOCATION_REASONS];

export interface RevocationRequest {
  readonly certificateId: string;
  readonly certificatePem: string;
  readonly reason: RevocationReason;
  /** Only for issuers that declare `revokesWithCertificateKey` (ACME proves control of the key). */
  readonly privateKeyPem?: string;
}

export interface IssuedCertificate {
  readonly certificatePem: string;
  /** Intermediates, leaf-most first; the root is not included. */
  readonly chainPem: string;
}

/**
 * One step of issuance. Issuers whose result arrives later (ACME, Private CA) answer
 * `pending` with a handle the use case persists and passes back to `resume` after `resumeAfter`.
 */
export type IssuerStep =
  | { readonly status: 'issued'; readonly certificate: IssuedCertificate }
  | { readonly status: 'pending'; readonly handle: Readonly<Record<string, unknown>>; readonly resumeAfter: Date }
  | { readonly status: 'failed'; readonly error: CertflowError };

/**
 * A CA's own advice on when to renew one certificate (ACME Renewal Information, RFC 9773): the
 * window it suggests, a time picked inside it, and when to ask again.
 */
export interface RenewalInfo {
  readonly window: { readonly start: Date; readonly end: Date };
  /** A time picked at random inside the window, so renewals of many certificates spread out. */
  readonly renewAt: Date;
  /** The CA's Retry-After, bounded: asking sooner is wasted on the CA's rate limits. */
  readonly checkAgainAt: Date;
}

/**
 * What a verifier of this issuer's client certificates registers to trust them (IAM Roles
 * Anywhere's trust anchor): one CA certificate, or a CA the verifier already knows by reference.
 */
export type TrustAnchor =
  | { readonly kind: 'certificate'; readonly certificatePem: string; readonly note: string }
  | { readonly kind: 'reference'; readonly reference: string; readonly note: string };

export interface CertificateIssuer {
  readonly kind: string;
  readonly name: string;
  /** Lemur's rule: only adapters that declare it ever receive the private key. */
  readonly needsPrivateKey: boolean;
  /** Revocation is signed with the certificate's own key, so `revoke` receives it (and only `revoke`). */
  readonly revokesWithCertificateKey?: boolean;
  submit(order: IssuanceOrder): Promise<IssuerStep>;
  resume(order: IssuanceOrder, handle: Readonly<Record<string, unknown>>): Promise<IssuerStep>;
  /**
   * Revokes a certificate this issuer signed. Idempotent: revoking a revoked certificate succeeds.
   * Throws a `CertflowError` (retryable or not) when the issuer refuses or cannot be reached.
   */
  revoke(request: RevocationRequest): Promise<void>;
  /** PEM of the trust anchors of the certificates this issuer signs, for verification and export. */
  trustAnchorsPem(): Promise<string>;
  /**
   * Optional: the trust anchor to register for this issuer's client certificates. Never creates a
   * CA (a missing one is ISSUER.CA_MISSING); issuers without one (public ACME CAs) leave it out.
   */
  trustAnchor?(): Promise<TrustAnchor>;
  /** Optional: conditions an operator must hear of before they break issuance (e.g. a CA root near its end). */
  warnings?(): Promise<readonly string[]>;
  /**
   * Optional: the CA's renewal advice for a certificate it signed. Undefined when the CA offers
   * none (the renewal policy alone decides); throws a `CertflowError` when it cannot be asked.
   * A window earlier than the policy's time (the CA is about to revoke, say) brings renewal forward.
   */
  renewalInfo?(certificatePem: string): Promise<RenewalInfo | undefined>;
}
