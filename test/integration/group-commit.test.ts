import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../src/adapters/local/group-commit.js';

function openPair() {
  const path = join(mkdtempSync(join(tmpdir(), 'certflow-gc-')), 'g.db');
  const a = new Database(path);
  a.pragma('journal_mode = WAL');
  a.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)');
  const b = new Database(path);
  return { a, b };
}

describe('GroupCommit', () => {
  it('commits the writes of one turn together and rejects only the one that failed', async () => {
    // Prepare
    const { a } = openPair();
    const commits = new GroupCommit(a, (e) => e);
    const insert = a.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    // Act
    const results = await Promise.allSettled([
      commits.run(() => insert.run('x', 1).changes),
      commits.run(() => insert.run('x', 2).changes),
      commits.run(() => insert.run('y', 3).changes),
    ]);
    // Assess
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(a.prepare('SELECT k, v FROM t ORDER BY k').all()).toEqual([{ k: 'x', v: 1 }, { k: 'y', v: 3 }]);
  });

  it('waits out another connection holding the write lock instead of failing', async () => {
    // Prepare
    const { a, b } = openPair();
    a.pragma('busy_timeout = 0');
    const commits = new GroupCommit(a, (e) => e);
    b.prepare('BEGIN IMMEDIATE').run();
    setTimeout(() => b.prepare('COMMIT').run(), 40);
    // Act
    const changes = await commits.run(() => a.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run('z', 1).changes);
    // Assess
    expect(changes).toBe(1);
    expect(a.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 1 });
  });

  it('gives up with the error when the lock is held for good', async () => {
    // Prepare
    const { a, b } = openPair();
    a.pragma('busy_timeout = 0');
    const commits = new GroupCommit(a, (e) => e);
    b.prepare('BEGIN IMMEDIATE').run();
    // Act
    const outcome = await commits.run(() => a.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run('z', 1)).catch((e: unknown) => e);
    // Assess
    expect(outcome).toMatchObject({ code: 'SQLITE_BUSY' });
    b.prepare('ROLLBACK').run();
  });
});
