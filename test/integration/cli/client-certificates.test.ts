import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { certflow } from '../../support/cli.js';
import { cliSchemas } from '../../support/cli-schemas.js';
import { LocalFixture } from '../../support/local-fixture.js';

/** One local CA; a workload's client certificate (CN + SPIFFE ID, no DNS name) and a server certificate. */
const CONFIG = `
dataDir: data
issuers:
  - { name: local, kind: local-ca, options: { organization: certflow test } }
  - { name: pca, kind: aws-private-ca, options: { certificateAuthorityArn: 'arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555' } }
  - { name: le, kind: acme, options: { directoryUrl: 'https://acme.example.org/directory' } }
policy:
  autoApprove:
    - { name: ours, names: ['build-runner', 'spiffe://example.org/ns/ci/sa/runner', '**.internal.example.com'], issuers: [local], usages: [server, client] }
certificates:
  - { id: runner, usage: client, commonName: build-runner, uris: ['spiffe://example.org/ns/ci/sa/runner'], issuer: local, owner: team-ci }
  - { id: api, dnsNames: [api.internal.example.com], issuer: local, owner: team-api }
`;

const HOUR = 3_600_000;

describe('client certificates end to end (certflow run, trust-anchor export, openssl verify)', () => {
  let fx: LocalFixture;
  let cli: (...args: string[]) => ReturnType<typeof certflow>;
  /** openssl verify at the fixture's time (the certificates live 24 hours from a fixed start). */
  const verify = (purpose: string, dir: string) => {
    const args = ['verify', '-attime', String(Math.floor(fx.clock.now().getTime() / 1000)), '-purpose', purpose, '-CAfile', join(fx.dir, 'anchor.pem'), '-untrusted', join(dir, 'chain.pem'), join(dir, 'cert.pem')];
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  };
  beforeEach(() => {
    fx = new LocalFixture(CONFIG);
    cli = (...args) => certflow([...args, '--config', fx.configPath], { cwd: fx.dir, clock: fx.clock });
  });
  afterEach(() => fx.dispose());

  it('issues a client certificate that verifies against the exported anchor with -purpose sslclient, and a server certificate that does not', async () => {
    // Prepare
    const run = await cli('run');
    expect(run.stdout).toMatch(/^summary {3}issued 2, awaiting approval 0, failed 0$/m);
    await cli('export', 'runner', '--out', join(fx.dir, 'runner'));
    await cli('export', 'api', '--out', join(fx.dir, 'api'));
    // Act
    const exported = await cli('trust-anchor', 'export', '--issuer', 'local', '--out', join(fx.dir, 'anchor.pem'));
    const client = verify('sslclient', join(fx.dir, 'runner'));
    const serverAsClient = verify('sslclient', join(fx.dir, 'api'));
    const serverAsServer = verify('sslserver', join(fx.dir, 'api'));
    const clientAsServer = verify('sslserver', join(fx.dir, 'runner'));
    // Assess
    expect(exported).toMatchObject({ code: 0, stderr: '' });
    expect(exported.stdout).toMatch(/^wrote the trust anchor of issuer 'local' to .*anchor\.pem: the root of local CA 'local'/);
    expect(client).toEqual({ status: 0, output: `${join(fx.dir, 'runner', 'cert.pem')}: OK\n` });
    expect(serverAsClient.status).not.toBe(0);
    expect(serverAsClient.output).toMatch(/error 26 at 0 depth lookup: unsuitable certificate purpose/);
    expect(serverAsServer.status).toBe(0);
    expect(clientAsServer.status).not.toBe(0);
  });

  it('gives the client certificate its workload CN, clientAuth and digitalSignature only, the SPIFFE ID and 24 hours', async () => {
    // Prepare
    await cli('run');
    await cli('export', 'runner', '--out', join(fx.dir, 'runner'));
    // Act
    const cert = new X509Certificate(readFileSync(join(fx.dir, 'runner', 'cert.pem')));
    const text = spawnSync('openssl', ['x509', '-in', join(fx.dir, 'runner', 'cert.pem'), '-noout', '-text'], { encoding: 'utf8' }).stdout;
    // Assess
    expect(cert.subject).toBe('CN=build-runner');
    expect(cert.subjectAltName).toBe('URI:spiffe://example.org/ns/ci/sa/runner');
    expect(text).toMatch(/Extended Key Usage: \n\s+TLS Web Client Authentication\n/);
    expect(text).toMatch(/Key Usage: critical\n\s+Digital Signature\n/);
    expect(new Date(cert.validTo).getTime() - fx.clock.now().getTime()).toBe(24 * HOUR);
  });

  it('renews the client certificate at 2/3 of its 24 hours with the same CN, and not before', async () => {
    // Prepare
    await cli('run');
    fx.clock.advance(15 * HOUR);
    const early = await cli('run');
    fx.clock.advance(2 * HOUR);
    // Act
    const due = await cli('run');
    await cli('export', 'runner', '--out', join(fx.dir, 'renewed'));
    // Assess
    expect(early.stdout).toMatch(/nothing to issue/);
    expect(due.stdout).toMatch(/^issue {5}runner r2 issued, serial [0-9A-F]+$/m);
    expect(new X509Certificate(readFileSync(join(fx.dir, 'renewed', 'cert.pem'))).subject).toBe('CN=build-runner');
  });

  it('check leaves a healthy 24-hour client certificate OK under the default 30d/7d thresholds, and goes CRITICAL once its renewal is overdue', async () => {
    // Prepare
    await cli('run');
    const fresh = await cli('check');
    fx.clock.advance(17 * HOUR);
    // Act: the renewal time (16 h) has passed and no run renewed it
    const overdue = await cli('check');
    // Assess
    expect(fresh.code, fresh.stdout).toBe(0);
    expect(fresh.stdout).toMatch(/^CERTFLOW OK: 2 certificate\(s\) checked, 0 critical, 0 warning/m);
    expect(overdue.code).toBe(2);
    expect(overdue.stdout).toMatch(/^CRITICAL runner \(runner\) expires in 0\.3 days \(.*\), renewal overdue since /m);
    expect(overdue.stdout).not.toMatch(/\bapi\b/);
  });

  it('shows the CN a client certificate and its request carry (the identity an approver grants), in text and in --json', async () => {
    // Prepare
    await cli('run');
    const listed = JSON.parse((await cli('requests', '--json')).stdout) as { items: { id: string; certificateId: string }[] };
    const requestId = listed.items.find((r) => r.certificateId === 'runner')?.id ?? '';
    // Act
    const request = await cli('show', requestId);
    const requestJson = await cli('show', requestId, '--json');
    const certificate = await cli('show', 'runner');
    const server = await cli('show', 'api');
    // Assess
    expect(request.stdout).toMatch(/^common name +build-runner \(client certificate: the workload identity\)$/m);
    expect(certificate.stdout).toMatch(/^common name +build-runner \(client certificate: the workload identity\)$/m);
    expect(server.stdout).not.toMatch(/^common name/m);
    const doc = JSON.parse(requestJson.stdout) as { request: Record<string, unknown> };
    expect(cliSchemas().validate('request', doc)).toEqual([]);
    expect(doc.request).toMatchObject({ usage: 'client', commonName: 'build-runner' });
  });

  it('prints the root on stdout, and the same document as --json', async () => {
    // Prepare
    await cli('run');
    // Act
    const plain = await cli('trust-anchor', 'export', '--issuer', 'local');
    const json = await cli('trust-anchor', 'export', '--issuer', 'local', '--json');
    // Assess
    const root = readFileSync(join(fx.dir, 'data', 'ca', 'local', 'root.pem'), 'utf8');
    expect(plain.stdout).toBe(root);
    expect(new X509Certificate(plain.stdout).ca).toBe(true);
    expect(plain.stderr).toMatch(/register it as an external trust anchor/);
    const doc = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(cliSchemas().validate('trust-anchor', doc)).toEqual([]);
    expect(doc).toMatchObject({ kind: 'TrustAnchor', issuer: 'local', issuerKind: 'local-ca', type: 'certificate', certificatePem: root, out: null });
  });

  it('--out never writes through a symlink planted at its temporary file name', async () => {
    // Prepare: the temporary name is predictable (the pid); another user's file sits behind it
    await cli('run');
    const victim = join(fx.dir, 'victim.txt');
    writeFileSync(victim, 'keep me\n');
    symlinkSync(victim, join(fx.dir, `.anchor.pem.${process.pid.toString()}.tmp`));
    // Act
    const result = await cli('trust-anchor', 'export', '--issuer', 'local', '--out', join(fx.dir, 'anchor.pem'));
    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
    expect(readFileSync(join(fx.dir, 'anchor.pem'), 'utf8')).toBe(readFileSync(join(fx.dir, 'data', 'ca', 'local', 'root.pem'), 'utf8'));
  });

  it('prints a Private CA issuer\'s ARN, to use as an AWS_ACM_PCA source', async () => {
    // Prepare
    await cli('run');
    // Act
    const result = await cli('trust-anchor', 'export', '--issuer', 'pca');
    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555\n');
    expect(result.stderr).toMatch(/sourceType AWS_ACM_PCA/);
  });

  it.each([
    [['--issuer', 'le'], /^certflow: TRUST_ANCHOR\.UNSUPPORTED: issuer 'le' \(acme\) has no trust anchor to export/m],
    [['--issuer', 'nope'], /^certflow: ISSUER\.UNKNOWN: /m],
    [[], /^certflow: INPUT\.INVALID: certflow trust-anchor export needs --issuer NAME/m],
  ])('exits 2 with a coded error for %j', async (args, message) => {
    // Prepare
    await cli('run');
    // Act
    const result = await cli('trust-anchor', 'export', ...args);
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('never creates a CA: a lost CA directory is ISSUER.CA_MISSING, a missing data directory STATE.NOT_FOUND', async () => {
    // Prepare
    const noData = await cli('trust-anchor', 'export', '--issuer', 'local');
    await cli('run');
    rmSync(join(fx.dir, 'data', 'ca', 'local'), { recursive: true });
    // Act
    const lost = await cli('trust-anchor', 'export', '--issuer', 'local', '--out', join(fx.dir, 'anchor.pem'));
    // Assess
    expect(noData.code).toBe(2);
    expect(noData.stderr).toMatch(/^certflow: STATE\.NOT_FOUND: no data directory/);
    expect(lost.code).not.toBe(0);
    expect(lost.stderr).toMatch(/ISSUER\.CA_MISSING: the local CA 'local' is missing/);
    expect(existsSync(join(fx.dir, 'data', 'ca', 'local', 'root.pem'))).toBe(false);
    expect(existsSync(join(fx.dir, 'anchor.pem'))).toBe(false);
  });

  it('ls names a client certificate without SANs by its CN', async () => {
    // Prepare
    const bare = new LocalFixture(`
dataDir: data
issuers: [{ name: local, kind: local-ca }]
policy: { autoApprove: [{ name: ci, names: [deploy-bot], usages: [client] }] }
certificates:
  - { id: bot, usage: client, commonName: deploy-bot, issuer: local, owner: team-ci }
`);
    try {
      await certflow(['run', '--config', bare.configPath], { cwd: bare.dir, clock: bare.clock });
      // Act
      const listed = await certflow(['ls', '--config', bare.configPath], { cwd: bare.dir, clock: bare.clock });
      // Assess
      expect(listed.stdout).toMatch(/^bot +managed +deploy-bot +r1 /m);
    } finally {
      bare.dispose();
    }
  });
});
