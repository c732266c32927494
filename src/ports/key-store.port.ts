/**
 * Where certificates live with their private keys: versions with staging labels, like
 * AWS Secrets Manager (CURRENT ~ AWSCURRENT, PENDING ~ AWSPENDING, PREVIOUS ~ AWSPREVIOUS).
 * A reader asking for a label always gets one version whole: never a new certificate with an old key.
 */

export const KEY_LABELS = ['CURRENT', 'PENDING', 'PREVIOUS', 'RESERVED'] as const;
/** RESERVED marks the key generated for an in-flight revision, persisted before its CSR exists. */
export type KeyLabel = (typeof KEY_LABELS)[number];

/** What one version holds. A RESERVED version holds only the key. */
export interface KeyMaterial {
  readonly privateKeyPem: string;
  readonly certificatePem?: string;
  /** Intermediates, leaf-most first, as concatenated PEM. */
  readonly chainPem?: string;
}

export interface KeyVersionInfo {
  readonly versionId: string;
  readonly labels: readonly KeyLabel[];
  readonly createdAt: Date;
  readonly hasCertificate: boolean;
}

export interface KeyVersion extends KeyVersionInfo {
  readonly material: KeyMaterial;
}

export type VersionSelector = { readonly label: KeyLabel } | { readonly versionId: string };

export interface KeyStore {
  /**
   * Creates a version (idempotent on versionId, like a ClientRequestToken): writing the same
   * material again returns the stored version; different material under the same id is
   * KEYSTORE.CONFLICT. Labels given here move to the new version atomically.
   */
  putVersion(secretName: string, versionId: string, material: KeyMaterial, labels: readonly KeyLabel[]): Promise<KeyVersion>;
  getVersion(secretName: string, selector: VersionSelector): Promise<KeyVersion | undefined>;
  /**
   * Moves a label to a version in one atomic step. Moving CURRENT also moves PREVIOUS to the
   * version that was current, and removes PENDING from the newly current one.
   */
  moveLabel(secretName: string, label: KeyLabel, toVersionId: string): Promise<void>;
  /**
   * Removing a label nobody holds is a no-op. Secrets Manager never removes AWSCURRENT, only moves
   * it: its adapter answers KEYSTORE.LABEL_PROTECTED for CURRENT. (The SQLite store still removes
   * CURRENT, which revocation relies on; see the contract's `currentIsProtected`.)
   */
  removeLabel(secretName: string, label: KeyLabel): Promise<void>;
  listVersions(secretName: string): Promise<KeyVersionInfo[]>;
}
