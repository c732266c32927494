import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findKeyMaterial } from '../../support/leak-scan.js';
import { certflow } from '../../support/cli.js';
import { LocalFixture } from '../../support/local-fixture.js';

const NOW = '2026-11-01T00:00:00Z';

describe('certflow CLI', () => {
  let fx: LocalFixture;
  let cli: (...args: string[]) => ReturnType<typeof certflow>;
  beforeEach(() => {
    fx = new LocalFixture();
    cli = (...args) => certflow([...args, '--config', fx.configPath], { cwd: fx.dir });
  });
  afterEach(() => fx.dispose());

  it('runs a cycle and reports what it issued and what waits', async () => {
    // Act
    const run = await cli('run', '--now', NOW);
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^issue {5}api r1 issued, serial [0-9A-F]+$/m);
    expect(run.stdout).toMatch(/^issue {5}grpc r1 issued, serial [0-9A-F]+$/m);
    expect(run.stdout).toMatch(/^plan {6}payments: requested req_\S+ \[new r1\] waits for 1 approval\(s\)/m);
    expect(run.stdout).toMatch(/^summary {3}issued 2, awaiting approval 1, failed 0$/m);
  });

  it('says there is nothing to issue on a second run', async () => {
    // Prepare
    await cli('run', '--now', NOW);
    // Act
    const again = await cli('run', '--now', NOW);
    // Assess
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^nothing to issue: 3 managed certificate\(s\) checked, none due$/m);
    expect(again.stdout).toMatch(/^summary {3}issued 0, awaiting approval 0, failed 0$/m);
  });

  it('refuses self-approval with exit 2, accepts another approver, and refuses a change of decision', async () => {
    // Prepare
    await cli('run', '--now', NOW);
    // Act
    const self = await cli('approve', 'payments', '--as', 'carol', '--now', NOW);
    const other = await cli('approve', 'payments', '--as', 'alice', '--now', NOW);
    const change = await cli('deny', 'payments', '--as', 'bob', '--now', NOW);
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
    await cli('run', '--now', NOW);
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
    await cli('run', '--now', NOW);
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
    await cli('run', '--now', NOW);
    // Act
    const table = await cli('ls', '--now', NOW);
    const json = await cli('ls', '--json', '--now', NOW);
    // Assess
    expect(table.stdout.split('\n')[0]).toMatch(/^CERTIFICATE +ORIGIN +NAME +REV +NOT AFTER +DAYS +PENDING REQUEST$/);
    expect(table.stdout).toMatch(/^api +managed +api-v2\.internal\.example\.com +r1 +2027-01-(29|30) +(89|90)$/m);
    const records = JSON.parse(json.stdout) as { id: string }[];
    expect(records.map((r) => r.id).sort()).toEqual(['api', 'grpc', 'payments']);
    expect(findKeyMaterial(json.stdout)).toEqual([]);
  });

  it('lists pending requests, shows one, and issues a manual request on the next run', async () => {
    // Prepare
    await cli('run', '--now', NOW);
    // Act
    const pending = await cli('requests', '--state', 'pending_approval', '--now', NOW);
    const asked = await cli('request', 'api', '--as', 'dave', '--now', NOW);
    const twice = await cli('request', 'api', '--as', 'dave', '--now', NOW);
    const run = await cli('run', '--now', NOW);
    const shown = await cli('show', 'api', '--now', NOW);
    // Assess
    expect(pending.stdout.trim().split('\n').slice(1)).toEqual([expect.stringMatching(/^req_\S+ +payments +r1 +new +pending_approval +carol/)]);
    expect(asked.stdout).toMatch(/^req_\S+ \(api r2\): approved \(auto-approved by rule internal\)$/m);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/REQUEST\.IN_FLIGHT: certificate api already has request req_\S+ in flight \(approved\)/);
    expect(run.stdout).toMatch(/^issue {5}api r2 issued/m);
    const detail = JSON.parse(shown.stdout) as { certificate: { revision: number }; revisions: unknown[]; keyStoreVersions: { versionId: string; labels: string[] }[] };
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
    [['run', '--bogus'], /INPUT\.INVALID: Unknown option '--bogus'/],
    [['run', '--now', 'yesterday'], /INPUT\.INVALID: --now must be an ISO date, got 'yesterday'/],
  ])('exits 2 with a clear error for %j', async (args, message) => {
    // Act
    const result = await cli(...args);
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('exits 2 on an unknown command and on no command', async () => {
    // Act
    const unknown = await certflow(['frobnicate'], { cwd: fx.dir });
    const none = await certflow([], { cwd: fx.dir });
    // Assess
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^certflow: unknown command 'frobnicate'/);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^usage: certflow <command>/);
  });

  it('refuses a malformed config with every problem and creates nothing', async () => {
    // Prepare
    fx.writeConfig('dataDir: data\nissuers: [{ name: local, kind: local-ca }]\ncertificates:\n  - { id: Bad, issuer: nowhere, owner: x }\n');
    // Act
    const result = await cli('run');
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^certflow: CONFIG\.INVALID: .*certflow\.yaml has 1 problem\(s\)$/m);
    expect(result.stderr).toMatch(/^ {2}- \/certificates\/0\/id: must match pattern/m);
    expect(existsSync(join(fx.dir, 'data'))).toBe(false);
  });
});
