import type { KeyMaterial } from './key-store.port.js';

/** Where a destination put an earlier revision, as the certificate record keeps it. */
export interface DeliveredTo {
  /** What the destination answered, e.g. the ACM certificate ARN or a folder. */
  readonly location: string;
  readonly versionId: string;
  readonly deliveredAt: Date;
  /** A delivery of this version was started and not recorded as done (a crash may have cut it). */
  readonly startedVersionId?: string;
}

/** A stored revision handed to a destination. */
export interface Delivery {
  readonly certificateId: string;
  readonly revision: number;
  /** The key store's version id: destinations are idempotent on it. */
  readonly versionId: string;
  /** Hex, as X509Certificate.serialNumber gives it. */
  readonly serialNumber: string;
  /** The certificate and chain always; the key only for destinations that declare `needsPrivateKey`. */
  readonly material: Partial<KeyMaterial> & { readonly certificatePem: string; readonly chainPem: string };
  /** This destination's previous delivery of the certificate (ACM re-imports into its ARN). */
  readonly previous?: DeliveredTo;
  /** True when an earlier attempt at this very version started and was never recorded as done. */
  readonly resumed?: boolean;
}

/**
 * Delivers a certificate where it is used (ACM re-import, files with a reload hook). Delivering the
 * same version twice is harmless; a delivery never moves what the key store calls CURRENT. Failures
 * are CertflowErrors (DESTINATION.*): retryable ones are delivered again by the workflow later.
 */
export interface Destination {
  readonly kind: string;
  readonly name: string;
  /** Lemur's rule: only destinations that declare it receive the private key. */
  readonly needsPrivateKey: boolean;
  deliver(delivery: Delivery): Promise<{ readonly location: string }>;
}

/** The destinations configuration names for each certificate, in order. */
export interface DestinationDirectory {
  forCertificate(certificateId: string): readonly Destination[];
}
