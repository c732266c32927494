import type { KeyLabel, KeyMaterial, KeyStore, KeyVersion, KeyVersionInfo, VersionSelector } from '../../ports/key-store.port.js';

/**
 * A key store opened on first use: commands that read only the state (`ls`, `requests`) never
 * open the key database, so a missing or corrupt `keys.db` blocks only what needs keys, and a
 * read never creates one.
 */
export class LazyKeyStore implements KeyStore {
  private store: (KeyStore & { close(): Promise<void> }) | undefined;

  constructor(private readonly open: () => KeyStore & { close(): Promise<void> }) {}

  putVersion(secretName: string, versionId: string, material: KeyMaterial, labels: readonly KeyLabel[]): Promise<KeyVersion> {
    return this.get().putVersion(secretName, versionId, material, labels);
  }

  getVersion(secretName: string, selector: VersionSelector): Promise<KeyVersion | undefined> {
    return this.get().getVersion(secretName, selector);
  }

  moveLabel(secretName: string, label: KeyLabel, toVersionId: string): Promise<void> {
    return this.get().moveLabel(secretName, label, toVersionId);
  }

  removeLabel(secretName: string, label: KeyLabel): Promise<void> {
    return this.get().removeLabel(secretName, label);
  }

  listVersions(secretName: string): Promise<KeyVersionInfo[]> {
    return this.get().listVersions(secretName);
  }

  /** True once something has used the store (tests and diagnostics). */
  get opened(): boolean {
    return this.store !== undefined;
  }

  async close(): Promise<void> {
    await this.store?.close();
    this.store = undefined;
  }

  private get(): KeyStore {
    this.store ??= this.open();
    return this.store;
  }
}
