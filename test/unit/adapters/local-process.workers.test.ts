import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LocalProcessWorkers } from '../../../src/adapters/local/local-process.workers.js';

describe('LocalProcessWorkers', () => {
  const workers = new LocalProcessWorkers();
  const gone = spawnSync(process.execPath, ['-e', '0']).pid;

  it.each([
    ['a process of this host that has exited', { pid: gone }, true],
    ['this very process', { pid: process.pid }, false],
    ['a live process of this host', { pid: process.ppid }, false],
    ['an exited pid on another host', { pid: gone, host: 'elsewhere.example' }, false],
    ['an exited pid in another PID namespace', { pid: gone, pidNamespace: 'pid:[1]' }, false],
    ['a pid that cannot be one', { pid: -1 }, false],
  ])('judges %s gone: %s', (_what, holder, expected) => {
    // Act
    const result = workers.isGone({ ...workers.self, ...holder });
    // Assess
    expect(result).toBe(expected);
  });
});
