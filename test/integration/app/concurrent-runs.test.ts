import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { keys, type CertificateRecord } from '../../../src/app/records.js';
import { LocalFixture } from '../../support/local-fixture.js';

const execFileAsync = promisify(execFile);
/** Runs a command and returns its output whatever its exit code, so a failure shows its stderr. */
const run = (cmd: string, args: string[], options: { timeout: number }) =>
  execFileAsync(cmd, args, options).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
  );
const CERTIFICATES = 40;
const CONFIG = `
dataDir: data
issuers: [{ name: local, kind: local-ca }]
policy: { autoApprove: [{ name: all, names: ['**.example.com'] }] }
certificates:
${Array.from({ length: CERTIFICATES }, (_, i) => `  - { id: svc-${i.toString()}, dnsNames: [svc-${i.toString()}.example.com], issuer: local, owner: team }`).join('\n')}
`;

describe('two processes running the pipeline at once', () => {
  const fixtures: LocalFixture[] = [];
  afterEach(async () => {
    for (const fx of fixtures.splice(0)) await fx.dispose();
  });

  it('issue each revision once, with one certificate per order at the CA', async () => {
    // Prepare
    const fx = new LocalFixture(CONFIG);
    fixtures.push(fx);
    const cli = ['--import', 'tsx', 'src/cli/bin.ts', 'run', '--config', fx.configPath];
    // Act
    const results = await Promise.all([run('node', cli, { timeout: 60_000 }), run('node', cli, { timeout: 60_000 })]);
    // Assess
    const problems = (r: { stdout: string; stderr: string }) => [...r.stderr.split('\n').filter((l) => l.startsWith('certflow')), ...r.stdout.split('\n').filter((l) => l.includes('FAILED'))];
    expect(results.map((r) => ({ code: r.code, stderr: problems(r) }))).toEqual([
      { code: 0, stderr: [] },
      { code: 0, stderr: [] },
    ]);
    const issued = results.flatMap((r) => r.stdout.match(/^issue {5}svc-\d+ r1 issued/gm) ?? []);
    expect(issued).toHaveLength(CERTIFICATES);
    const ledger = new Database(join(fx.dir, 'data', 'ca', 'local', 'ledger.db'), { readonly: true });
    const perOrder = ledger.prepare('SELECT order_id, COUNT(*) AS n FROM issuance GROUP BY order_id').all() as { n: number }[];
    ledger.close();
    expect(perOrder).toHaveLength(CERTIFICATES);
    expect(perOrder.every((row) => row.n === 1)).toBe(true);
    const rt = await fx.open();
    for (let i = 0; i < CERTIFICATES; i++) {
      const meta = await rt.deps.state.get<CertificateRecord>(keys.certificate(`svc-${i.toString()}`));
      const current = await rt.deps.keys.getVersion(`certflow/svc-${i.toString()}`, { label: 'CURRENT' });
      expect(meta?.data.revision).toBe(1);
      expect(new X509Certificate(current?.material.certificatePem ?? '').serialNumber).toBe(meta?.data.current?.serialNumber);
    }
  }, 90_000);
});
