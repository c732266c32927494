import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signSlackRequest } from '../../../src/adapters/slack/signature.js';
import { certflow } from '../../support/cli.js';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TS = 1_700_000_000;

describe('certflow slack verify', () => {
  let dir: string;
  const run = (...args: string[]) => certflow(['slack', 'verify', '--secret-file', join(dir, 'secret'), '--body-file', join(dir, 'body'), ...args], { cwd: dir });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'certflow-slack-verify-'));
    writeFileSync(join(dir, 'secret'), `${SECRET}\n`, { mode: 0o600 });
    writeFileSync(join(dir, 'body'), 'payload=%7B%22type%22%3A%22block_actions%22%7D');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says valid and exits 0 for a request signed over the exact body', async () => {
    // Act
    const result = await run('--timestamp', String(TS), '--signature', signSlackRequest(SECRET, String(TS), 'payload=%7B%22type%22%3A%22block_actions%22%7D'), '--at', String(TS + 10));
    // Assess
    expect(result).toMatchObject({ code: 0, stdout: 'valid: v0 signature over 46 bytes, timestamp 10 s old\n' });
  });

  it('explains a body a proxy changed and exits 2', async () => {
    // Prepare: a proxy added a line break after Slack signed.
    const signature = signSlackRequest(SECRET, String(TS), 'payload=%7B%22type%22%3A%22block_actions%22%7D');
    writeFileSync(join(dir, 'body'), 'payload=%7B%22type%22%3A%22block_actions%22%7D\n');
    // Act
    const result = await run('--timestamp', String(TS), '--signature', signature, '--at', String(TS + 10));
    // Assess
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^invalid \(mismatch\): the signature does not match: a different signing secret, or a body changed on the way/);
    expect(result.stdout).toMatch(/hint: the body ends with a line break Slack did not send/);
  });

  it.each([
    [TS - 301, 'stale-timestamp'],
    [TS + 301, 'future-timestamp'],
  ])('refuses a timestamp of %s against --at with %s', async (ts, reason) => {
    // Act
    const result = await run('--timestamp', String(ts), '--signature', signSlackRequest(SECRET, String(ts), 'payload=%7B%22type%22%3A%22block_actions%22%7D'), '--at', String(TS));
    // Assess
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(new RegExp(`^invalid \\(${reason}\\)`));
  });

  it('never prints the secret or the signature', async () => {
    // Prepare
    const signature = signSlackRequest(`${SECRET}x`, String(TS), 'x');
    // Act
    const result = await run('--timestamp', String(TS), '--signature', signature, '--at', String(TS));
    // Assess
    expect(result.stdout + result.stderr).not.toContain(SECRET);
    expect(result.stdout + result.stderr).not.toContain(signature.slice(3));
  });
});
