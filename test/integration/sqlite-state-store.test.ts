import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../src/adapters/local/sqlite.state-store.js';
import { stateStoreContract } from '../contract/state-store.contract.js';

const root = mkdtempSync(join(tmpdir(), 'certflow-sqlite-state-'));
let counter = 0;
const freshPath = (): string => join(root, `db-${++counter}`, 'state.db');
afterAll(() => rmSync(root, { recursive: true, force: true }));

stateStoreContract('SqliteStateStore', async () => {
  const store = SqliteStateStore.open(freshPath());
  return { store, close: () => store.close() };
});

describe('SqliteStateStore', () => {
  it('creates the database 0600 in a 0700 directory, with WAL and synchronous=NORMAL', async () => {
    // Prepare
    const path = freshPath();
    // Act
    const store = SqliteStateStore.open(path);
    await store.write({ key: { pk: 'CERT#a', sk: 'META' }, condition: { kind: 'absent' }, data: {} });
    // Assess
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const probe = (store as unknown as { db: Database.Database }).db;
    expect(probe.pragma('synchronous', { simple: true })).toBe(1); // 1 = NORMAL
    expect(Number(probe.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
    for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    await store.close();
  });

  it('shares writes between two connections and keeps compare-and-set across them', async () => {
    // Prepare
    const path = freshPath();
    const a = SqliteStateStore.open(path);
    const b = SqliteStateStore.open(path);
    await a.write({ key: { pk: 'CERT#a', sk: 'META' }, condition: { kind: 'absent' }, data: { by: 'a' } });
    // Act
    const seenByB = await b.get({ pk: 'CERT#a', sk: 'META' });
    const bWins = await b.write({ key: { pk: 'CERT#a', sk: 'META' }, condition: { kind: 'version', version: 1 }, data: { by: 'b' } });
    const aLoses = await a.write({ key: { pk: 'CERT#a', sk: 'META' }, condition: { kind: 'version', version: 1 }, data: { by: 'a' } });
    // Assess
    expect(seenByB).toMatchObject({ version: 1, data: { by: 'a' } });
    expect(bWins.ok).toBe(true);
    expect(aLoses).toEqual({ ok: false, current: { pk: 'CERT#a', sk: 'META', version: 2, data: { by: 'b' } } });
    await a.close();
    await b.close();
  });

  it('loses no update when four threads increment one item through their own connections', async () => {
    // Prepare
    const path = freshPath();
    const store = SqliteStateStore.open(path);
    await store.write({ key: { pk: 'CERT#n', sk: 'META' }, condition: { kind: 'absent' }, data: { n: 0 } });
    const moduleUrl = new URL('../../src/adapters/local/sqlite.state-store.ts', import.meta.url).href;
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      (async () => {
        // The worker loads TypeScript source, as vitest does for this file.
        (await import('tsx/esm/api')).register();
        const { SqliteStateStore } = await import(workerData.moduleUrl);
        const store = SqliteStateStore.open(workerData.path);
        let conflicts = 0;
        for (let done = 0, tries = 0; done < 50 && tries < 5000; tries++) {
          const cur = await store.get({ pk: 'CERT#n', sk: 'META' });
          const r = await store.write({ key: cur, condition: { kind: 'version', version: cur.version }, data: { n: cur.data.n + 1 } });
          if (r.ok) done++; else conflicts++;
        }
        await store.close();
        parentPort.postMessage(conflicts);
      })().catch((e) => { throw e; });`;
    const run = () =>
      new Promise<number>((resolve, reject) => {
        const worker = new Worker(code, { eval: true, workerData: { moduleUrl, path } });
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.once('exit', (exitCode) => reject(new Error(`worker exited (${exitCode}) before reporting`)));
      });
    // Act
    await Promise.all([run(), run(), run(), run()]);
    // Assess
    expect(await store.get({ pk: 'CERT#n', sk: 'META' })).toMatchObject({ version: 201, data: { n: 200 } });
    await store.close();
  });

  it('refuses a file that is not a database with a clear CertflowError', () => {
    // Prepare
    const path = freshPath();
    rmSync(join(path, '..'), { recursive: true, force: true });
    SqliteStateStore.open(path).close();
    writeFileSync(path, 'this is not a database, just some text that is long enough to be a header '.repeat(20));
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
    // Act
    const error = (() => {
      try {
        SqliteStateStore.open(path);
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    // Assess
    expect(error).toMatchObject({ name: 'CertflowError', code: 'STATE.UNAVAILABLE', retryable: false });
    expect((error as Error).message).toContain('is not a SQLite database');
  });

  it('reads an item as absent once the injected clock passes its expiry', async () => {
    // Prepare
    let now = new Date('2030-01-01T00:00:00Z');
    const store = SqliteStateStore.open(freshPath(), { now: () => now });
    const expiresAt = new Date('2030-01-02T00:00:00Z');
    await store.write({ key: { pk: 'ALERT#a', sk: 'SENT' }, condition: { kind: 'absent' }, data: {}, expiresAt });
    // Act
    const before = await store.get({ pk: 'ALERT#a', sk: 'SENT' });
    now = new Date('2030-01-03T00:00:00Z');
    const after = await store.get({ pk: 'ALERT#a', sk: 'SENT' });
    // Assess
    expect(before).toBeDefined();
    expect(after).toBeUndefined();
    await store.close();
  });
});
