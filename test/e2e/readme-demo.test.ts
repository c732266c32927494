import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe("the README's run command", () => {
  it('is the one the README shows, next to the test command', () => {
    // Act
    const readme = readFileSync('README.md', 'utf8');
    // Assess
    expect(readme).toMatch(/^npm ci && npm run demo\b/m);
    expect(readme).toMatch(/^npm test\b/m);
  });

  it('runs the pipeline end to end: three issued, one after approval, exported and verified, then nothing to do', () => {
    // Prepare
    execFileSync('node', ['scripts/build.mjs'], { stdio: 'pipe' });
    // Act
    const out = execFileSync('bash', ['examples/local/demo.sh'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    // Assess
    expect(out).toMatch(/^issue {5}api r1 issued/m);
    expect(out).toMatch(/^issue {5}grpc r1 issued/m);
    expect(out).toMatch(/^plan {6}payments: requested \S+ \[new r1\] waits for 1 approval/m);
    expect(out).toMatch(/decision written: approved \(approved by alice\)/);
    expect(out).toMatch(/^issue {5}payments r1 issued/m);
    expect(out).toMatch(/\/cert\.pem: OK$/m);
    expect(out).toMatch(/^key\.pem matches cert\.pem$/m);
    expect(out).toMatch(/^nothing to issue: 3 managed certificate\(s\) checked, none due$/m);
    expect(out).toMatch(/^issue {5}api r2 issued/m);
    expect(out).toMatch(/^alert {5}crt_\S+ \(.*legacy\.pem\) expires in [45] days \(threshold 7\)$/m);
  }, 180_000);
});
