import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runCycle } from '../../../src/app/run-cycle.use-case.js';
import { loadLocalConfig, openLocalRuntime } from '../../../src/composition/local-runtime.js';
import type { CertificateRequest } from '../../../src/domain/request.js';
import { systemClock } from '../../../src/ports/clock.port.js';
import { LocalFixture } from '../../support/local-fixture.js';

const IDS = ['c1', 'c2', 'c3', 'c4', 'c5'];
const CONFIG = `
dataDir: data
issuers: [{ name: local, kind: local-ca }]
policy: { autoApprove: [{ name: all, names: ['**.example.com'] }] }
certificates:
${IDS.map((id) => `  - { id: ${id}, dnsNames: [${id}.example.com], issuer: local, owner: team }`).join('\n')}
`;

/** Starts the hanging run and resolves with it once every order hangs (bounded by the test's timeout). */
function startHangingRun(configPath: string): Promise<ReturnType<typeof spawn>> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'hanging-run.fixture.ts'), configPath, String(IDS.length)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('hanging\n')) resolve(child);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`hanging run exited early (${String(code)}): ${err}`)));
  });
}

describe('a run killed with SIGKILL', () => {
  const fixtures: LocalFixture[] = [];
  afterEach(async () => {
    for (const fx of fixtures.splice(0)) await fx.dispose();
  });

  it('is taken over at once by the next run on the same host, which issues each certificate once', async () => {
    // Prepare
    const fx = new LocalFixture(CONFIG);
    fixtures.push(fx);
    const child = await startHangingRun(fx.configPath);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const rt = await openLocalRuntime(loadLocalConfig(fx.configPath), systemClock);
    const leased = (await rt.deps.state.queryDue<CertificateRequest>(new Date(Date.now() + 3_600_000), { pkPrefix: 'REQ#' })).map((i) => i.data);
    // Act
    const report = await runCycle(rt.deps)(rt.config.certificates);
    const again = await runCycle(rt.deps)(rt.config.certificates);
    await rt.close();
    // Assess
    expect(leased.map((r) => [r.state, r.progress.leaseHolder?.pid])).toEqual(IDS.map(() => ['issuing', child.pid]));
    expect(leased.every((r) => (r.progress.leaseUntil?.getTime() ?? 0) > Date.now())).toBe(true);
    const issued = report.work.flatMap((w) => (w.status === 'issued' ? [w.certificateId] : []));
    expect(issued.sort()).toEqual(IDS);
    expect(report.attention).toEqual([]);
    expect(again.work.filter((w) => w.status === 'issued')).toEqual([]);
    const ledger = new Database(join(fx.dir, 'data', 'ca', 'local', 'ledger.db'), { readonly: true });
    const perCertificate = ledger.prepare('SELECT certificate_id AS id, count(*) AS n FROM issuance GROUP BY certificate_id ORDER BY 1').all();
    ledger.close();
    expect(perCertificate).toEqual(IDS.map((id) => ({ id, n: 1 })));
  }, 60_000);
});
