import { createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretsManagerKeyStore } from '../../src/adapters/aws/secrets-manager/secrets-manager.key-store.js';
import { SqliteKeyStore } from '../../src/adapters/local/sqlite.key-store.js';
import type { KeyMaterial, KeyStore } from '../../src/ports/key-store.port.js';
import { FakeSecretsManager } from '../fakes/fake-secrets-manager.js';
import { aBundle } from '../support/pki.js';

const ROTATIONS = 200;
const MIN_READS = 100_000;
const READERS = 4;
const SECRET = 'certflow/torn';

const root = mkdtempSync(join(tmpdir(), 'certflow-torn-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const spki = (key: ReturnType<typeof createPublicKey>) => key.export({ type: 'spki', format: 'der' }).toString('base64');

/**
 * Rotations with real certificates and keys while readers poll CURRENT. The key that belongs to
 * each certificate is worked out once from the certificate's own public key, so each of the
 * 100,000+ reads is checked by lookup.
 */
async function rotateWhileReading(store: KeyStore): Promise<{ reads: number; torn: string[]; seen: number }> {
  const bundles: Required<KeyMaterial>[] = Array.from({ length: ROTATIONS + 1 }, (_, n) => aBundle(`torn-${n.toString()}.example.com`).material);
  const keyOf = new Map<string, string>();
  for (const b of bundles) {
    expect(spki(new X509Certificate(b.certificatePem).publicKey)).toBe(spki(createPublicKey(b.privateKeyPem)));
    keyOf.set(b.certificatePem, b.privateKeyPem);
  }
  await store.putVersion(SECRET, 'v0', bundles[0]!, ['CURRENT']);
  let reads = 0;
  let done = false;
  const torn: string[] = [];
  const seen = new Set<string>();
  const rotate = async () => {
    for (let n = 1; n <= ROTATIONS; n++) {
      // Spread the rotations over the reads.
      while (reads < (n * MIN_READS) / ROTATIONS) await new Promise((resolve) => setImmediate(resolve));
      await store.putVersion(SECRET, `v${n.toString()}`, bundles[n]!, ['PENDING']);
      await store.moveLabel(SECRET, 'CURRENT', `v${n.toString()}`);
    }
    done = true;
  };
  const read = async () => {
    while (!done || reads < MIN_READS) {
      const current = await store.getVersion(SECRET, { label: 'CURRENT' });
      // Readers of a synchronous store never leave the microtask queue unless they yield.
      if (++reads % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
      const cert = current?.material.certificatePem ?? '';
      seen.add(cert);
      if (keyOf.get(cert) !== current?.material.privateKeyPem || current?.material.chainPem === undefined) torn.push(`${current?.versionId ?? 'none'}`);
    }
  };
  await Promise.all([rotate(), ...Array.from({ length: READERS }, read)]);
  expect((await store.getVersion(SECRET, { label: 'CURRENT' }))?.versionId).toBe(`v${ROTATIONS.toString()}`);
  return { reads, torn, seen: seen.size };
}

describe('torn reads', () => {
  it('never show a reader of CURRENT a certificate with another key: 200 rotations, 100,000+ reads, SQLite key store', async () => {
    // Prepare
    const store = SqliteKeyStore.open(join(root, 'keys.db'));
    // Act
    const { reads, torn, seen } = await rotateWhileReading(store);
    await store.close();
    // Assess
    expect(reads).toBeGreaterThanOrEqual(MIN_READS);
    expect(seen).toBeGreaterThan(ROTATIONS / 2);
    expect(torn).toEqual([]);
  }, 120_000);

  it('never show a reader of AWSCURRENT a certificate with another key: 200 rotations, 100,000+ reads, Secrets Manager mock', async () => {
    // Prepare
    const fake = new FakeSecretsManager();
    const store = new SecretsManagerKeyStore({ client: fake.client() });
    // Act
    const { reads, torn, seen } = await rotateWhileReading(store);
    // Assess
    expect(reads).toBeGreaterThanOrEqual(MIN_READS);
    expect(seen).toBeGreaterThan(ROTATIONS / 2);
    expect(torn).toEqual([]);
    expect(fake.count('GetSecretValue')).toBeGreaterThanOrEqual(MIN_READS);
  }, 120_000);
});
