import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe("the README's run command", () => {
  it('is the one the README shows, next to the test command', () => {
    // Act
    const readme = readFileSync('README.md', 'utf8');
    // Assess
    expect(readme).toMatch(/^npm ci && npm run demo\b/m);
    expect(readme).toMatch(/^npm test\b/m);
  });

  it('runs the pipeline end to end: three issued, one after approval, exported and verified, nothing to do, and the 70-days-ahead plan', () => {
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
    expect(out).toMatch(/^alert {5}crt_\S+ \(.*legacy\.pem\) expires in [45] days \(threshold 7\)$/m);
    // The renewal view 70 days ahead, from a plan that writes nothing.
    expect(out).toMatch(/^plan at \S+ \(dry run: nothing is written\)$/m);
    expect(out).toMatch(/^renew {5}api: renewal r2 \(auto-approved by rule \S+\)$/m);
    expect(out).toMatch(/^renew {5}grpc: renewal r2 /m);
    expect(out).toMatch(/^approve\? {2}payments: renewal r2 \(needs 1 approval\(s\)/m);
    expect(out).toMatch(/^plan wrote nothing: the data directory is byte-identical$/m);

    // After the demo, `certflow export api` gives files openssl accepts: the current certificate is valid now.
    const dir = mkdtempSync(join(tmpdir(), 'certflow-demo-export-'));
    try {
      execFileSync('node', ['bin/certflow.mjs', 'export', 'api', '--out', dir, '--config', 'examples/local/certflow.yaml'], { stdio: 'pipe' });
      const verify = execFileSync('openssl', ['verify', '-CAfile', join(dir, 'root.pem'), '-untrusted', join(dir, 'chain.pem'), join(dir, 'cert.pem')], { encoding: 'utf8' });
      expect(verify.trim()).toBe(`${join(dir, 'cert.pem')}: OK`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
