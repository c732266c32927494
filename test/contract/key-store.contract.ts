import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyMaterial, KeyStore } from '../../src/ports/key-store.port.js';

/** A key store under test and how to dispose of it. */
export interface KeyStoreUnderTest {
  readonly store: KeyStore;
  close(): Promise<void>;
}

const SECRET = 'certflow/web';
// Opaque strings stand in for PEM: the contract is about versions and labels, not crypto.
const pair = (n: number): KeyMaterial => ({ privateKeyPem: `key-${n}`, certificatePem: `cert-${n}`, chainPem: `chain-${n}` });

/**
 * The semantics every KeyStore adapter shares (Secrets Manager-like): idempotent versions,
 * conflicts, atomic label moves with PREVIOUS and PENDING, RESERVED keys, and whole-version reads.
 */
export function keyStoreContract(name: string, makeStore: () => Promise<KeyStoreUnderTest>, rules: { currentIsProtected?: boolean } = {}): void {
  describe(`KeyStore contract: ${name}`, () => {
    let handle: KeyStoreUnderTest;
    let store: KeyStore;
    beforeEach(async () => {
      handle = await makeStore();
      store = handle.store;
    });
    afterEach(async () => {
      await handle.close();
    });

    const labelsOf = async (secret = SECRET) =>
      Object.fromEntries((await store.listVersions(secret)).map((v) => [v.versionId, [...v.labels].sort()]));

    it('stores a version with its labels and material', async () => {
      // Act
      const created = await store.putVersion(SECRET, 'v1', pair(1), ['PENDING']);
      // Assess
      expect(created).toMatchObject({ versionId: 'v1', labels: ['PENDING'], hasCertificate: true, material: pair(1) });
      expect(created.createdAt).toBeInstanceOf(Date);
      expect(await store.getVersion(SECRET, { versionId: 'v1' })).toEqual(created);
      expect(await store.getVersion(SECRET, { label: 'PENDING' })).toEqual(created);
    });

    it('returns the stored version when the same material is put again', async () => {
      // Prepare
      const first = await store.putVersion(SECRET, 'v1', pair(1), ['PENDING']);
      await store.moveLabel(SECRET, 'CURRENT', 'v1');
      // Act
      const again = await store.putVersion(SECRET, 'v1', pair(1), ['PENDING']);
      // Assess
      expect(again).toMatchObject({ versionId: 'v1', labels: ['CURRENT'], createdAt: first.createdAt, material: pair(1) });
      expect(await store.listVersions(SECRET)).toHaveLength(1);
    });

    it('refuses different material under an existing version id, changing nothing and quoting no material', async () => {
      // Prepare
      await store.putVersion(SECRET, 'v1', pair(1), ['CURRENT']);
      // Act
      const error = await store.putVersion(SECRET, 'v1', pair(2), ['PENDING']).catch((e: unknown) => e);
      // Assess
      expect(error).toMatchObject({ code: 'KEYSTORE.CONFLICT', retryable: false });
      expect(`${String(error)} ${JSON.stringify(error)}`).not.toMatch(/key-\d|cert-\d|chain-\d/);
      expect(await store.getVersion(SECRET, { versionId: 'v1' })).toMatchObject({ labels: ['CURRENT'], material: pair(1) });
    });

    it('moves CURRENT, carrying PREVIOUS to the old current and dropping PENDING from the new', async () => {
      // Prepare
      await store.putVersion(SECRET, 'v1', pair(1), ['CURRENT']);
      await store.putVersion(SECRET, 'v2', pair(2), ['PENDING']);
      // Act
      await store.moveLabel(SECRET, 'CURRENT', 'v2');
      // Assess
      expect(await labelsOf()).toEqual({ v1: ['PREVIOUS'], v2: ['CURRENT'] });
      expect((await store.getVersion(SECRET, { label: 'PREVIOUS' }))?.material).toEqual(pair(1));
    });

    it('keeps PREVIOUS in place when CURRENT moves to the version that already has it', async () => {
      // Prepare
      await store.putVersion(SECRET, 'v1', pair(1), ['CURRENT']);
      await store.putVersion(SECRET, 'v2', pair(2), ['CURRENT']);
      // Act
      await store.moveLabel(SECRET, 'CURRENT', 'v2');
      // Assess
      expect(await labelsOf()).toEqual({ v1: ['PREVIOUS'], v2: ['CURRENT'] });
    });

    it('gives a first CURRENT no PREVIOUS', async () => {
      // Act
      await store.putVersion(SECRET, 'v1', pair(1), ['PENDING', 'CURRENT']);
      // Assess
      expect(await labelsOf()).toEqual({ v1: ['CURRENT'] });
      expect(await store.getVersion(SECRET, { label: 'PREVIOUS' })).toBeUndefined();
    });

    it('rolls back by moving CURRENT to PREVIOUS', async () => {
      // Prepare
      await store.putVersion(SECRET, 'v1', pair(1), ['CURRENT']);
      await store.putVersion(SECRET, 'v2', pair(2), ['CURRENT']);
      // Act
      await store.moveLabel(SECRET, 'CURRENT', 'v1');
      // Assess
      expect(await labelsOf()).toEqual({ v1: ['CURRENT'], v2: ['PREVIOUS'] });
    });

    it('holds a RESERVED key without a certificate, then completes it in a new version', async () => {
      // Prepare
      await store.putVersion(SECRET, 'v1', pair(1), ['CURRENT']);
      const reserved = await store.putVersion(SECRET, 'r2', { privateKeyPem: 'key-2' }, ['RESERVED']);
      // Act
      await store.putVersion(SECRET, 'v2', pair(2), ['PENDING']);
      await store.removeLabel(SECRET, 'RESERVED');
      await store.removeLabel(SECRET, 'RESERVED');
      // Assess
      expect(reserved).toMatchObject({ hasCertificate: false, material: { privateKeyPem: 'key-2' } });
      expect(reserved.material.certificatePem).toBeUndefined();
      expect(await store.getVersion(SECRET, { label: 'RESERVED' })).toBeUndefined();
      expect(await labelsOf()).toEqual({ v1: ['CURRENT'], r2: [], v2: ['PENDING'] });
    });

    it.runIf(rules.currentIsProtected === true)('refuses to remove CURRENT, which only moves, and removes other labels idempotently', async () => {
      // Prepare
      await store.putVersion(SECRET, 'v1', pair(1), ['CURRENT']);
      await store.putVersion(SECRET, 'v2', pair(2), ['PENDING']);
      // Act
      const error = await store.removeLabel(SECRET, 'CURRENT').catch((e: unknown) => e);
      await store.removeLabel(SECRET, 'PENDING');
      await store.removeLabel(SECRET, 'PENDING');
      // Assess
      expect(error).toMatchObject({ code: 'KEYSTORE.LABEL_PROTECTED', retryable: false });
      expect(await labelsOf()).toEqual({ v1: ['CURRENT'], v2: [] });
    });

    it('moves a plain label from one version to another', async () => {
      // Prepare
      await store.putVersion(SECRET, 'r1', { privateKeyPem: 'key-1' }, ['RESERVED']);
      // Act
      await store.putVersion(SECRET, 'r2', { privateKeyPem: 'key-2' }, ['RESERVED']);
      // Assess
      expect(await labelsOf()).toEqual({ r1: [], r2: ['RESERVED'] });
    });

    it('refuses to move a label to an unknown version, changing nothing', async () => {
      // Prepare
      await store.putVersion(SECRET, 'v1', pair(1), ['CURRENT']);
      // Act
      const error = await store.moveLabel(SECRET, 'CURRENT', 'nope').catch((e: unknown) => e);
      // Assess
      expect(error).toMatchObject({ code: 'KEYSTORE.VERSION_UNKNOWN' });
      expect(await labelsOf()).toEqual({ v1: ['CURRENT'] });
    });

    it('answers undefined for unknown secrets, versions and labels', async () => {
      // Prepare
      await store.putVersion(SECRET, 'v1', pair(1), []);
      // Act
      const reads = [
        await store.getVersion('certflow/none', { label: 'CURRENT' }),
        await store.getVersion(SECRET, { versionId: 'v9' }),
        await store.getVersion(SECRET, { label: 'CURRENT' }),
      ];
      // Assess
      expect(reads).toEqual([undefined, undefined, undefined]);
      expect(await store.listVersions('certflow/none')).toEqual([]);
    });

    it('keeps secrets apart', async () => {
      // Prepare
      await store.putVersion('certflow/a', 'v1', pair(1), ['CURRENT']);
      // Act
      await store.putVersion('certflow/b', 'v1', pair(2), ['CURRENT']);
      // Assess
      expect((await store.getVersion('certflow/a', { label: 'CURRENT' }))?.material).toEqual(pair(1));
      expect(await labelsOf('certflow/a')).toEqual({ v1: ['CURRENT'] });
    });

    it('never shows a reader a certificate with another version’s key across 200 rotations', async () => {
      // Prepare
      await store.putVersion(SECRET, 'v0', pair(0), ['CURRENT']);
      let rotating = true;
      const rotate = async () => {
        for (let n = 1; n <= 200; n++) {
          await store.putVersion(SECRET, `v${n}`, pair(n), ['PENDING']);
          await store.moveLabel(SECRET, 'CURRENT', `v${n}`);
        }
        rotating = false;
      };
      const reads: string[] = [];
      const read = async () => {
        for (let i = 0; i < 5_000 && rotating; i++) {
          const current = await store.getVersion(SECRET, { label: 'CURRENT' });
          const n = current?.material.certificatePem?.slice('cert-'.length);
          reads.push(`${current?.versionId}|${current?.material.privateKeyPem}|${n}|${current?.labels.join(',')}`);
        }
      };
      // Act
      await Promise.all([rotate(), read(), read()]);
      // Assess
      expect(reads.length).toBeGreaterThan(0);
      const mixed = reads.filter((r) => {
        const [version, key, n, labels] = r.split('|');
        return version !== `v${n}` || key !== `key-${n}` || labels !== 'CURRENT';
      });
      expect(mixed).toEqual([]);
      expect((await store.getVersion(SECRET, { label: 'CURRENT' }))?.versionId).toBe('v200');
      expect((await store.getVersion(SECRET, { label: 'PREVIOUS' }))?.versionId).toBe('v199');
    });
  });
}
