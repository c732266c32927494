import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findKeyMaterial } from '../../support/leak-scan.js';
import { certflow } from '../../support/cli.js';
import { LocalFixture, THREE_CERTIFICATES } from '../../support/local-fixture.js';

describe('certflow CLI', () => {
  let fx: LocalFixture;
  let cli: (...args: string[]) => ReturnType<typeof certflow>;
  beforeEach(() => {
    fx = new LocalFixture();
    // The fixture's clock is the in-process time seam: no command takes the time from its arguments.
    cli = (...args) => certflow([...args, '--config', fx.configPath], { cwd: fx.dir, clock: fx.clock });
  });
  afterEach(() => fx.dispose());

  it('runs a cycle and reports what it issued and what waits', async () => {
    // Act
    const run = await cli('run');
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^issue {5}api r1 issued, serial [0-9A-F]+$/m);
    expect(run.stdout).toMatch(/^issue {5}grpc r1 issued, serial [0-9A-F]+$/m);
    expect(run.stdout).toMatch(/^plan {6}payments: requested req_\S+ \[new r1\] waits for 1 approval\(s\)/m);
    expect(run.stdout).toMatch(/^summary {3}issued 2, awaiting approval 1, failed 0$/m);
  });

  it('revokes, says whether a replacement follows, and the next run issues it only when it should', async () => {
    // Prepare
    await cli('run');
    // Act
    const kept = await cli('revoke', 'api', '--reason', 'keyCompromise', '--no-replace');
    const replaced = await cli('revoke', 'grpc', '--reason', 'cessationOfOperation', '--replace');
    const both = await cli('revoke', 'payments', '--replace', '--no-replace');
    const next = await cli('run');
    // Assess
    expect(kept.stdout).toMatch(/^revoked api serial [0-9A-F]+ \(keyCompromise\); it is no longer CURRENT; no replacement will be issued \(run 'certflow renew api --as <you>' to get one\)$/m);
    expect(replaced.stdout).toMatch(/^revoked grpc serial [0-9A-F]+ \(cessationOfOperation\); it is no longer CURRENT; the next run issues a replacement$/m);
    expect(both).toMatchObject({ code: 2 });
    expect(both.stderr).toContain('give --replace or --no-replace, not both');
    expect(next.code).toBe(0);
    expect(next.stdout).toMatch(/^issue {5}grpc r2 issued, serial [0-9A-F]+$/m);
    expect(next.stdout).not.toMatch(/api r2/);
  });

  it('says there is nothing to issue on a second run', async () => {
    // Prepare
    await cli('run');
    // Act
    const again = await cli('run');
    // Assess
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^nothing to issue: 3 managed certificate\(s\) checked, none due$/m);
    expect(again.stdout).toMatch(/^summary {3}issued 0, awaiting approval 0, failed 0$/m);
  });

  it('refuses self-approval with exit 2, accepts another approver, and refuses a change of decision', async () => {
    // Prepare
    await cli('run');
    // Act
    const self = await cli('approve', 'payments', '--as', 'carol');
    const other = await cli('approve', 'payments', '--as', 'alice');
    const change = await cli('deny', 'payments', '--as', 'bob');
    // Assess
    expect(self).toMatchObject({ code: 2, stdout: '' });
    expect(self.stderr).toMatch(/^certflow: APPROVAL\.SELF_APPROVAL: carol requested req_\S+ and cannot decide on their own request$/m);
    expect(other.code).toBe(0);
    expect(other.stdout).toMatch(/decision written: approved \(approved by alice\)/);
    expect(change.code).toBe(2);
    expect(change.stderr).toMatch(/APPROVAL\.NOT_PENDING: request req_\S+ is approved; its decision is already written and cannot change/);
  });

  it('exports files that openssl verifies, with a 0600 key matching the certificate', async () => {
    // Prepare
    await cli('run');
    const out = join(fx.dir, 'export');
    // Act
    const exported = await cli('export', 'api', '--out', out);
    // Assess
    expect(exported.code).toBe(0);
    const verify = execFileSync('openssl', ['verify', '-CAfile', join(out, 'root.pem'), '-untrusted', join(out, 'chain.pem'), join(out, 'cert.pem')], { encoding: 'utf8' });
    expect(verify.trim()).toBe(`${join(out, 'cert.pem')}: OK`);
    const keyPub = execFileSync('openssl', ['pkey', '-in', join(out, 'key.pem'), '-pubout'], { encoding: 'utf8' });
    const certPub = execFileSync('openssl', ['x509', '-in', join(out, 'cert.pem'), '-noout', '-pubkey'], { encoding: 'utf8' });
    expect(keyPub).toBe(certPub);
    expect(statSync(join(out, 'key.pem')).mode & 0o777).toBe(0o600);
  });

  it('refuses to overwrite an export without --force and leaves the files as they were', async () => {
    // Prepare
    await cli('run');
    const out = join(fx.dir, 'export');
    await cli('export', 'api', '--out', out);
    writeFileSync(join(out, 'cert.pem'), 'mine');
    // Act
    const refused = await cli('export', 'api', '--out', out);
    const forced = await cli('export', 'api', '--out', out, '--force');
    // Assess
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/EXPORT\.TARGET_EXISTS: .* already holds cert\.pem, chain\.pem, key\.pem, root\.pem; pass --force to overwrite/);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(out, 'cert.pem'), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('lists the inventory as a table and as JSON without key material', async () => {
    // Prepare
    await cli('run');
    // Act
    const table = await cli('ls');
    const json = await cli('ls', '--json');
    // Assess
    expect(table.stdout.split('\n')[0]).toMatch(/^CERTIFICATE +ORIGIN +NAME +REV +NOT AFTER +DAYS +STATUS +RENEWAL +PENDING REQUEST$/);
    expect(table.stdout).toMatch(/^api +managed +api-v2\.internal\.example\.com +r1 +2027-01-(29|30) +(89|90) +ready +2026-12-(30|31)$/m);
    const list = JSON.parse(json.stdout) as { apiVersion: string; items: { id: string; daysRemaining: number | null }[] };
    expect(list.apiVersion).toBe('certflow/v1');
    expect(list.items.map((r) => r.id).sort()).toEqual(['api', 'grpc', 'payments']);
    expect(list.items.find((r) => r.id === 'api')?.daysRemaining).toBeGreaterThanOrEqual(89);
    expect(json.stdout).not.toMatch(/leaseUntil|contentHash|secretName/);
    expect(findKeyMaterial(json.stdout)).toEqual([]);
  });

  it('lists pending requests, shows one, and issues a manual request on the next run', async () => {
    // Prepare
    await cli('run');
    // Act
    const pending = await cli('requests', '--state', 'pending_approval');
    const asked = await cli('request', 'api', '--as', 'dave');
    const twice = await cli('request', 'api', '--as', 'dave');
    const run = await cli('run');
    const shown = await cli('show', 'api', '--json');
    // Assess
    expect(pending.stdout.trim().split('\n').slice(1)).toEqual([expect.stringMatching(/^req_\S+ +payments +r1 +new +pending_approval +carol/)]);
    expect(asked.stdout).toMatch(/^req_\S+ \(api r2\): approved \(auto-approved by rule internal\)$/m);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/REQUEST\.IN_FLIGHT: certificate api already has request req_\S+ in flight \(approved\)/);
    expect(run.stdout).toMatch(/^issue {5}api r2 issued/m);
    const detail = JSON.parse(shown.stdout) as { certificate: { revision: number }; revisions: unknown[]; keyStoreVersions: { versionId: string; labels: string[] }[] };
    const human = await cli('show', 'api');
    expect(human.stdout).toMatch(/^certificate +api \(managed, owner team-api\)$/m);
    expect(human.stdout).toMatch(/^status +ready, \d+ day\(s\) remaining$/m);
    expect(findKeyMaterial(human.stdout)).toEqual([]);
    expect(detail.certificate.revision).toBe(2);
    expect(detail.revisions).toHaveLength(2);
    expect(detail.keyStoreVersions.filter((v) => v.labels.length > 0).map((v) => `${v.versionId.replace(/-[\w-]{10}$/, '')}:${v.labels.join('+')}`).sort()).toEqual(['r1:PREVIOUS', 'r2:CURRENT']);
    expect(findKeyMaterial(shown.stdout)).toEqual([]);
  });

  it.each([
    [['show', 'nope'], /CERTIFICATE\.UNKNOWN: no certificate 'nope' in the inventory/],
    [['export', 'nope', '--out', 'x'], /CERTIFICATE\.UNKNOWN: no certificate 'nope'/],
    [['approve', 'nope', '--as', 'alice'], /REQUEST\.UNKNOWN: no request 'nope'/],
    [['approve', 'payments'], /INPUT\.INVALID: approve needs an identity: pass --as <name>/],
    [['request', 'nope', '--as', 'x'], /CERTIFICATE\.UNKNOWN: 'nope' is not a managed certificate/],
    [['run', '--bogus'], /^certflow: INPUT\.INVALID: Unknown option '--bogus'.* \(see 'certflow run --help'\)$/m],
    [['run', '--now', '2015-06-01T00:00:00Z'], /^certflow: INPUT\.INVALID: Unknown option '--now'/m],
    [['approve', 'payments', '--as', 'alice', '--now', '2020-01-01'], /^certflow: INPUT\.INVALID: Unknown option '--now'/m],
    [['plan', '--at', 'yesterday'], /INPUT\.INVALID: --at must be an ISO date such as 2027-03-01/],
    [['requests', '--state', 'bogus'], /^certflow: INPUT\.INVALID: unknown request state 'bogus' \(one of: requested, pending_approval,/m],
    [['ls', '--status', 'bogus'], /^certflow: INPUT\.INVALID: unknown status 'bogus'/m],
    [['run', 'api'], /^certflow: INPUT\.INVALID: unexpected argument 'api' \(see 'certflow run --help'\)$/m],
  ])('exits 2 with a clear error for %j', async (args, message) => {
    // Prepare
    await cli('run');
    // Act
    const result = await cli(...args);
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.split('\n').filter((l) => l.startsWith('certflow:'))).toHaveLength(1);
  });

  it.each([['ls'], ['requests'], ['show', 'api'], ['plan'], ['check'], ['metrics'], ['export', 'api', '--out', 'x'], ['approve', 'api', '--as', 'alice']])(
    'refuses %j on a missing data directory with its path, exit 2, and creates nothing',
    async (...args) => {
      // Act
      const result = await cli(...args);
      // Assess
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`certflow: STATE.NOT_FOUND: no data directory at ${join(fx.dir, 'data')} (dataDir of ${fx.configPath}); 'certflow run' creates it\n`);
      expect(existsSync(join(fx.dir, 'data'))).toBe(false);
    },
  );

  it('exits 2 on an unknown command and on no command', async () => {
    // Act
    const unknown = await certflow(['frobnicate'], { cwd: fx.dir });
    const none = await certflow([], { cwd: fx.dir });
    // Assess
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("certflow: INPUT.INVALID: unknown command 'frobnicate' (see 'certflow --help')\n");
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^usage: certflow <command>/m);
  });

  it('draws a progress line on a terminal for many certificates, and colours only when asked', async () => {
    // Prepare
    const many = Array.from({ length: 60 }, (_, i) => `  - { id: svc-${i.toString()}, dnsNames: [svc-${i.toString()}.internal.example.com], issuer: local, owner: team }`).join('\n');
    fx.writeConfig(`${THREE_CERTIFICATES}${many}\n`);
    // Act
    const tty = await certflow(['run', '--config', fx.configPath], { cwd: fx.dir, clock: fx.clock, progress: true });
    const coloured = await certflow(['ls', '--config', fx.configPath], { cwd: fx.dir, clock: fx.clock, color: true });
    const plain = await cli('ls');
    // Assess
    expect(tty.code).toBe(0);
    expect(tty.stderr).toContain('\r\u001b[2Kcertflow run: issue (63 managed');
    expect(tty.stdout).toMatch(/^summary {3}issued 62, /m);
    expect(coloured.stdout).toContain('\u001b[32mready\u001b[0m');
    expect(plain.stdout).not.toContain('\u001b[');
  });

  it('refuses a malformed config with every problem and creates nothing', async () => {
    // Prepare
    fx.writeConfig('dataDir: data\nissuers: [{ name: local, kind: local-ca }]\ncertificates:\n  - { id: Bad, issuer: nowhere, owner: x }\n');
    // Act
    const result = await cli('run');
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^certflow: CONFIG\.INVALID: .*certflow\.yaml has 3 problem\(s\)$/m);
    expect(result.stderr).toMatch(/^ {2}- \/certificates\/0\/id: must match pattern/m);
    expect(existsSync(join(fx.dir, 'data'))).toBe(false);
  });
});
