import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteKeyStore } from '../../src/adapters/local/sqlite.key-store.js';
import { keyStoreContract } from '../contract/key-store.contract.js';

const root = mkdtempSync(join(tmpdir(), 'certflow-sqlite-keys-'));
let counter = 0;
const freshPath = (): string => join(root, `db-${++counter}`, 'keys.db');
afterAll(() => rmSync(root, { recursive: true, force: true }));

keyStoreContract('SqliteKeyStore', async () => {
  const store = SqliteKeyStore.open(freshPath());
  return { store, close: () => store.close() };
});

describe('SqliteKeyStore', () => {
  it('keeps keys in a 0600 WAL database of its own', async () => {
    // Prepare
    const path = freshPath();
    // Act
    const store = SqliteKeyStore.open(path);
    await store.putVersion('certflow/web', 'v1', { privateKeyPem: 'key-1' }, ['RESERVED']);
    // Assess
    for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(statSync(file).mode & 0o777).toBe(0o600);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all()).toEqual(['labels', 'versions']);
    db.close();
    await store.close();
  });

  it('sees a rotation made through another connection', async () => {
    // Prepare
    const path = freshPath();
    const writer = SqliteKeyStore.open(path);
    const reader = SqliteKeyStore.open(path);
    await writer.putVersion('certflow/web', 'v1', { privateKeyPem: 'key-1', certificatePem: 'cert-1' }, ['CURRENT']);
    // Act
    await writer.putVersion('certflow/web', 'v2', { privateKeyPem: 'key-2', certificatePem: 'cert-2' }, ['PENDING']);
    await writer.moveLabel('certflow/web', 'CURRENT', 'v2');
    // Assess
    expect(await reader.getVersion('certflow/web', { label: 'CURRENT' })).toMatchObject({
      versionId: 'v2',
      labels: ['CURRENT'],
      material: { privateKeyPem: 'key-2', certificatePem: 'cert-2' },
    });
    await writer.close();
    await reader.close();
  });

  it('rejects an unknown label as invalid input', async () => {
    // Prepare
    const store = SqliteKeyStore.open(freshPath());
    // Act
    const error = await store.putVersion('certflow/web', 'v1', { privateKeyPem: 'key-1' }, ['LATEST' as never]).catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ code: 'INPUT.INVALID' });
    expect(await store.listVersions('certflow/web')).toEqual([]);
    await store.close();
  });
});
