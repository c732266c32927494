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

export interface CertificateIssuer {
  readonly kind: string;
  readonly name: string;
  /** Lemur's rule: only adapters that declare it ever receive the private key. */
  readonly needsPrivateKey: boolean;
  submit(order: IssuanceOrder): Promise<IssuerStep>;
  resume(order: IssuanceOrder, handle: Readonly<Record<string, unknown>>): Promise<IssuerStep>;
  /** PEM of the trust anchors of the certificates this issuer signs, for verification and export. */
  trustAnchorsPem(): Promise<string>;
  /** Optional: conditions an operator must hear of before they break issuance (e.g. a CA root near its end). */
  warnings?(): Promise<readonly string[]>;
}
