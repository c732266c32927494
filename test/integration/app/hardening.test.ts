import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cycleFailed, runCycle, type CycleReport } from '../../../src/app/run-cycle.use-case.js';
import { planRenewals } from '../../../src/app/plan-renewals.use-case.js';
import { keys, type CertificateRecord } from '../../../src/app/records.js';
import { loadLocalConfig, openLocalRuntime, type LocalRuntime } from '../../../src/composition/local-runtime.js';
import { transition, type CertificateRequest } from '../../../src/domain/request.js';
import { ErrorCodes, type CertflowError } from '../../../src/domain/errors/index.js';
import { LocalProcessWorkers } from '../../../src/adapters/local/local-process.workers.js';
import type { LeaseHolder } from '../../../src/ports/workers.port.js';
import { certflow } from '../../support/cli.js';
import { DAY, LocalFixture } from '../../support/local-fixture.js';

const ONE = (fields = 'dnsNames: [c5.example.com]', issuerOptions = '{}') => `
dataDir: data
issuers: [{ name: local, kind: local-ca, options: ${issuerOptions} }]
policy: { autoApprove: [{ name: all, names: ['**.example.com'] }] }
certificates:
  - { id: c5, ${fields}, issuer: local, owner: team }
`;

const codes = (report: CycleReport) => report.attention.map((a) => `${a.severity} ${a.code} ${a.certificateId ?? ''}`.trim());
const issuedIds = (report: CycleReport) => report.work.flatMap((w) => (w.status === 'issued' ? [`${w.certificateId} r${w.revision.toString()}`] : []));

describe('hardening of the local default', () => {
  const fixtures: LocalFixture[] = [];
  const fixture = (text: string) => {
    const fx = new LocalFixture(text);
    fixtures.push(fx);
    return fx;
  };
  afterEach(async () => {
    for (const fx of fixtures.splice(0)) await fx.dispose();
  });

  async function cycle(fx: LocalFixture): Promise<{ report: CycleReport; rt: LocalRuntime }> {
    const rt = await fx.open();
    const report = await runCycle(rt.deps)(rt.config.certificates);
    return { report, rt };
  }

  async function issuedOnce(fx: LocalFixture): Promise<void> {
    const { report, rt } = await cycle(fx);
    expect(issuedIds(report)).toEqual(['c5 r1']);
    await rt.close();
  }

  describe('defect 1: the key store is checked against the state when a run starts', () => {
    it.each([
      ['removed', (data: string) => rmSync(join(data, 'keys.db'), { force: true })],
      ['truncated to zero bytes', (data: string) => truncateSync(join(data, 'keys.db'), 0)],
    ])('raises a critical alert and re-issues when the key store is %s', async (_how, lose) => {
      // Prepare
      const fx = fixture(ONE());
      await issuedOnce(fx);
      const data = join(fx.dir, 'data');
      for (const f of readdirSync(data).filter((n) => n.startsWith('keys.db-'))) rmSync(join(data, f));
      lose(data);
      // Act
      const { report, rt } = await cycle(fx);
      // Assess
      expect(issuedIds(report)).toEqual(['c5 r2']);
      expect(codes(report)).toEqual(['critical KEYSTORE.CURRENT_MISSING c5']);
      expect(cycleFailed(report)).toBe(true);
      expect(rt.notifications.some((n) => n.severity === 'critical' && n.title === 'KEYSTORE.CURRENT_MISSING')).toBe(true);
      const current = await rt.deps.keys.getVersion('certflow/c5', { label: 'CURRENT' });
      expect(current?.material.certificatePem).toMatch(/BEGIN CERTIFICATE/);
    });

    it('alerts without re-issuing when reissueMissingKeys is off', async () => {
      // Prepare
      const fx = fixture(`defaults: { reissueMissingKeys: false }\n${ONE()}`);
      await issuedOnce(fx);
      rmSync(join(fx.dir, 'data', 'keys.db'));
      // Act
      const { report } = await cycle(fx);
      // Assess
      expect(codes(report)).toEqual(['critical KEYSTORE.CURRENT_MISSING c5']);
      expect(issuedIds(report)).toEqual([]);
      expect(cycleFailed(report)).toBe(true);
    });

    it('fails a run on a corrupt key store, and lists the inventory without opening it', async () => {
      // Prepare
      const fx = fixture(ONE());
      await issuedOnce(fx);
      writeFileSync(join(fx.dir, 'data', 'keys.db'), 'this is not a database, just some bytes '.repeat(200));
      // Act
      const run = await cycle(fx).then(() => 'no failure', (error: unknown) => error);
      const ls = await certflow(['ls', '--config', fx.configPath], { cwd: fx.dir });
      // Assess
      expect(run).toMatchObject({ code: ErrorCodes.KEYSTORE_UNAVAILABLE });
      expect(ls.code).toBe(0);
      expect(ls.stdout).toMatch(/^c5 +managed +c5\.example\.com +r1 /m);
    });
  });

  describe('certflow run says what needs a person, and fails while it does', () => {
    it('exits 1 naming the lost key store instead of "nothing to issue"', async () => {
      // Prepare
      const fx = fixture(ONE());
      const run = () => certflow(['run', '--config', fx.configPath], { cwd: fx.dir });
      await run();
      rmSync(join(fx.dir, 'data', 'keys.db'));
      // Act
      const result = await run();
      // Assess
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^CRITICAL {2}KEYSTORE\.CURRENT_MISSING: c5 r1 is issued in the state, but the key store has no CURRENT version/m);
      expect(result.stdout).toMatch(/^issue {5}c5 r2 issued/m);
      expect(result.stdout).not.toMatch(/nothing to issue/);
    });

    it('lists a certificate in terminal failure on every run, with exit 1', async () => {
      // Prepare
      const fx = fixture(ONE('dnsNames: [c5.example.com], validityDays: 90', '{ maxValidityDays: 30 }'));
      const run = () => certflow(['run', '--config', fx.configPath], { cwd: fx.dir });
      await run();
      // Act
      const again = await run();
      // Assess
      expect(again.code).toBe(1);
      expect(again.stdout).toMatch(/^CRITICAL {2}REQUEST\.FAILED: c5 is not issued: request req_\S+ failed for good with ISSUER\.REJECTED/m);
    });
  });

  describe('defect 2: no command creates a CA except the first issuance', () => {
    it('refuses to export when the CA is gone, naming the directory, and creates none', async () => {
      // Prepare
      const fx = fixture(ONE());
      await issuedOnce(fx);
      const ca = join(fx.dir, 'data', 'ca', 'local');
      rmSync(join(fx.dir, 'data', 'ca'), { recursive: true });
      // Act
      const result = await certflow(['export', 'c5', '--out', join(fx.dir, 'x'), '--config', fx.configPath], { cwd: fx.dir });
      // Assess
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`certflow: ISSUER.CA_MISSING: the local CA 'local' is missing: ${ca} has no root.pem`);
      expect(existsSync(join(fx.dir, 'data', 'ca'))).toBe(false);
      expect(existsSync(join(fx.dir, 'x', 'root.pem'))).toBe(false);
    });

    it('makes a run with current certificates of a missing CA a critical error, and issues nothing through it even when due', async () => {
      // Prepare
      const fx = fixture(ONE());
      await issuedOnce(fx);
      rmSync(join(fx.dir, 'data', 'ca'), { recursive: true });
      fx.clock.advance(80 * DAY);
      // Act
      const { report } = await cycle(fx);
      // Assess
      expect(codes(report)).toEqual(['critical ISSUER.CA_MISSING']);
      expect(report.attention[0]?.message).toContain(join(fx.dir, 'data', 'ca', 'local'));
      expect(issuedIds(report)).toEqual([]);
      expect(cycleFailed(report)).toBe(true);
      expect(existsSync(join(fx.dir, 'data', 'ca'))).toBe(false);
    });
  });

  describe('defect 2: the CA check raises no false alarm', () => {
    it('moves a certificate to a newly configured issuer without a critical alert', async () => {
      // Prepare
      const fx = fixture(ONE());
      await issuedOnce(fx);
      fx.writeConfig(ONE().replace('name: local, kind: local-ca', 'name: next, kind: local-ca').replace('issuer: local', 'issuer: next'));
      // Act
      const { report } = await cycle(fx);
      // Assess
      expect(report.attention).toEqual([]);
      expect(issuedIds(report)).toEqual(['c5 r2']);
    });
  });

  describe('defect 2: a CA replaced behind certflow\'s back', () => {
    it('is a critical error naming the certificate it no longer verifies', async () => {
      // Prepare
      const fx = fixture(ONE());
      const other = fixture(ONE());
      await issuedOnce(fx);
      await issuedOnce(other);
      rmSync(join(fx.dir, 'data', 'ca'), { recursive: true });
      cpSync(join(other.dir, 'data', 'ca'), join(fx.dir, 'data', 'ca'), { recursive: true });
      // Act
      const { report } = await cycle(fx);
      // Assess
      expect(codes(report)).toEqual(['critical ISSUER.CA_MISMATCH c5']);
      expect(report.attention[0]?.message).toMatch(/^issuer local: the current certificate of c5 does not verify with the issuer's CA \(/);
      expect(cycleFailed(report)).toBe(true);
    });
  });

  describe('defect 4: what can never be issued is said, and said again', () => {
    it('issues a certificate whose only name is too long to be a common name', async () => {
      // Prepare
      const fx = fixture(ONE(`dnsNames: [${'a'.repeat(63)}.example.com]`));
      // Act
      const { report } = await cycle(fx);
      // Assess
      expect(issuedIds(report)).toEqual(['c5 r1']);
    });

    it('lists a certificate in terminal failure on every run, and fails each run', async () => {
      // Prepare
      const fx = fixture(ONE('dnsNames: [c5.example.com], validityDays: 90', '{ maxValidityDays: 30 }'));
      const first = (await cycle(fx)).report;
      // Act
      const second = (await cycle(fx)).report;
      // Assess
      expect(first.work).toEqual([expect.objectContaining({ status: 'failed', code: ErrorCodes.ISSUER_REJECTED, retryable: false })]);
      expect(codes(second)).toEqual(['critical REQUEST.FAILED c5']);
      expect(second.attention[0]?.message).toMatch(/ISSUER\.REJECTED: validity of 90 days exceeds this CA's maximum of 30/);
      expect(cycleFailed(second)).toBe(true);
    });
  });

  describe('defect 5: the local CA near its end', () => {
    it('warns in a run a year before the root expires, and keeps issuing full validities', async () => {
      // Prepare
      const fx = fixture(ONE());
      await issuedOnce(fx);
      fx.clock.advance((3650 - 300) * DAY);
      // Act
      const { report, rt } = await cycle(fx);
      // Assess
      expect(report.attention).toEqual([expect.objectContaining({ severity: 'warning', code: ErrorCodes.ISSUER_CA_EXPIRING })]);
      expect(cycleFailed(report)).toBe(false);
      const current = (await rt.deps.state.get<CertificateRecord>(keys.certificate('c5')))?.data.current;
      expect(current && current.notAfter.getTime() - current.notBefore.getTime()).toBe(90 * DAY + 60_000);
    });
  });

  describe('defect 9: a lease names its holder', () => {
    async function leasedTo(fx: LocalFixture, holder: LeaseHolder): Promise<string> {
      const rt = await fx.open();
      const [planned] = await planRenewals(rt.deps)(rt.config.certificates);
      if (planned?.action !== 'requested') throw new Error('expected a request');
      const item = await rt.deps.state.get<CertificateRequest>(keys.request(planned.request.id));
      if (!item) throw new Error('request not stored');
      const now = fx.clock.now();
      const leaseUntil = new Date(now.getTime() + 5 * 60_000);
      const issuing = transition(item.data, 'issuing', now, { progress: { ...item.data.progress, attempt: 1, leaseUntil, leaseHolder: holder } });
      await rt.deps.state.write({ key: item, condition: { kind: 'version', version: item.version }, data: issuing, dueAt: leaseUntil });
      await rt.close();
      return planned.request.id;
    }

    it('takes over at once from a holder on this host that no longer exists', async () => {
      // Prepare
      const fx = fixture(ONE());
      const gone = spawnSync(process.execPath, ['-e', '0']).pid;
      await leasedTo(fx, { ...new LocalProcessWorkers().self, pid: gone });
      // Act
      const { report } = await cycle(fx);
      // Assess
      expect(issuedIds(report)).toEqual(['c5 r1']);
      expect(report.attention).toEqual([]);
    });

    it('says which request waits, for which holder, and until when, when the holder may be alive', async () => {
      // Prepare
      const fx = fixture(ONE());
      const requestId = await leasedTo(fx, { host: 'elsewhere.example', pid: 4242 });
      // Act
      const { report } = await cycle(fx);
      // Assess
      expect(issuedIds(report)).toEqual([]);
      expect(report.attention).toEqual([
        expect.objectContaining({
          severity: 'warning',
          code: ErrorCodes.REQUEST_LEASE_HELD,
          requestId,
          message: `c5: request ${requestId} is being issued by process 4242 on elsewhere.example; it waits until ${new Date(fx.clock.now().getTime() + 5 * 60_000).toISOString()}`,
        }),
      ]);
    });
  });

  describe('defect 10 and 6: the data directory and output paths', () => {
    it('tightens an existing data directory made with 0755 to 0700, and says so', async () => {
      // Prepare
      const fx = fixture(ONE());
      mkdirSync(join(fx.dir, 'data'), { mode: 0o755 });
      chmodSync(join(fx.dir, 'data'), 0o755);
      // Act
      const rt = await fx.open();
      // Assess
      expect(statSync(join(fx.dir, 'data')).mode & 0o777).toBe(0o700);
      expect(rt.notifications).toEqual([expect.objectContaining({ severity: 'warning', title: 'data directory tightened' })]);
    });

    it('refuses a dataDir that is not a directory with CONFIG.INVALID', async () => {
      // Prepare
      const fx = fixture(ONE().replace('dataDir: data', 'dataDir: /dev/null'));
      // Act
      const error = (await openLocalRuntime(loadLocalConfig(fx.configPath), fx.clock).catch((e: unknown) => e)) as CertflowError;
      // Assess
      expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
      expect(error.message).toBe('dataDir /dev/null is not a directory (or is under a file)');
    });

    it.each([
      ['/dev/null', () => '/dev/null'],
      ['a regular file', (dir: string) => join(dir, 'certflow.yaml')],
      ['a path under a regular file', (dir: string) => join(dir, 'certflow.yaml', 'out')],
    ])('refuses export --out %s with exit 2 and INPUT.INVALID', async (_what, out) => {
      // Prepare
      const fx = fixture(ONE());
      await issuedOnce(fx);
      // Act
      const result = await certflow(['export', 'c5', '--out', out(fx.dir), '--config', fx.configPath], { cwd: fx.dir });
      // Assess
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^certflow: INPUT\.INVALID: --out .* is not a directory that can be created \(E[A-Z]+\)$/m);
    });
  });
});
