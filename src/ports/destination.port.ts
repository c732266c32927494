import type { KeyMaterial } from './key-store.port.js';

/** A stored revision handed to a destination. */
export interface Delivery {
  readonly certificateId: string;
  readonly revision: number;
  /** The key store's version id: destinations are idempotent on it. */
  readonly versionId: string;
  readonly material: KeyMaterial;
}

/**
 * Delivers a certificate where it is used (ACM re-import, files with a reload hook). Delivering the
 * same version twice is a no-op; a delivery never moves what the key store calls CURRENT.
 */
export interface Destination {
  readonly kind: string;
  readonly name: string;
  /** Lemur's rule: only destinations that declare it receive the private key. */
  readonly needsPrivateKey: boolean;
  deliver(delivery: Delivery): Promise<{ readonly location: string }>;
}
