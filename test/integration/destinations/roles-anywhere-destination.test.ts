import { exec, spawn } from 'node:child_process';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fromProcess } from '@aws-sdk/credential-provider-process';
import { afterEach, describe, expect, it } from 'vitest';
import { registries } from '../../../src/adapters/registries.js';
import { RolesAnywhereDestination } from '../../../src/adapters/local/roles-anywhere-destination/roles-anywhere.destination.js';
import type { RolesAnywhereOptions } from '../../../src/adapters/local/roles-anywhere-destination/roles-anywhere.options.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { ErrorCodes } from '../../../src/domain/errors/index.js';
import { certflow } from '../../support/cli.js';
import { aBundle } from '../../support/pki.js';
import { thrown } from '../../support/thrown.js';

const run = promisify(exec);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ARNS = {
  trustAnchorArn: 'arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/0b1c2d3e-1111-2222-3333-444455556666',
  profileArn: 'arn:aws:rolesanywhere:eu-west-1:123456789012:profile/9a8b7c6d-1111-2222-3333-444455556666',
  roleArn: 'arn:aws:iam::123456789012:role/workloads/batch-reports',
};

/**
 * A workspace whose paths hold a space and a quote, and a stand-in for aws_signing_helper: it
 * records its arguments, then prints what `mode` asks: credentials JSON; or the certificate and the
 * key it was pointed at ('pair'); or the same with a stop between the two reads ('window': it says
 * `window` on stderr and reads a line from stdin before reading the key).
 */
function workspace(mode: 'credentials' | 'pair' | 'window', keepVersions?: number) {
  const dir = mkdtempSync(join(tmpdir(), 'certflow-ra-'));
  dirs.push(dir);
  const bin = join(dir, "tools dir/o'brien");
  mkdirSync(bin, { recursive: true });
  const helper = join(bin, 'aws_signing_helper');
  const output = mode === 'credentials'
    ? `printf '%s' '{"Version":1,"AccessKeyId":"AKIDCERTFLOWTEST","SecretAccessKey":"secret","SessionToken":"token","Expiration":"2999-01-01T00:00:00Z"}'`
    : mode === 'pair' ? 'cat "$cert"; cat "$key"' : 'cat "$cert"; echo window >&2; read _; cat "$key"';
  writeFileSync(
    helper,
    `#!/bin/sh
for a in "$@"; do printf '%s\\n' "$a"; done > "$(dirname "$0")/args.log"
while [ $# -gt 0 ]; do case "$1" in --certificate) cert=$2; shift;; --private-key) key=$2; shift;; esac; shift; done
${output}
`,
  );
  chmodSync(helper, 0o755);
  const root = join(dir, 'live files');
  const options: RolesAnywhereOptions = { path: 'live files', ...ARNS, profileName: 'batch', region: 'eu-central-1', signingHelper: helper, ...(keepVersions === undefined ? {} : { keepVersions }) };
  const destination = new RolesAnywhereDestination({ resolvePath: (p) => join(dir, p) }, 'workload', options);
  return { dir, bin, root, destination };
}

const delivery = (revision: number, bundle = aBundle('batch.example.com')) => ({
  certificateId: 'batch', revision, versionId: `version-${revision.toString()}`, serialNumber: bundle.serialNumber, material: bundle.material,
});
const credentialProcessOf = (config: string) => /^credential_process = (.*)$/m.exec(config)?.[1] ?? '';
const spki = (key: ReturnType<typeof createPublicKey>) => key.export({ type: 'spki', format: 'der' }).toString('base64');

describe('rolesanywhere destination', () => {
  it('writes certificate, chain and key (0600) and a profile whose credential_process runs the signing helper on them, as the AWS SDK runs it', async () => {
    // Prepare
    const { bin, root, destination } = workspace('credentials');
    const first = delivery(1);
    // Act
    const { location } = await destination.deliver(first);
    const credentials = await fromProcess({ profile: 'batch', configFilepath: join(location, 'aws-config'), filepath: join(root, 'none'), ignoreCache: true })();
    // Assess
    expect(location).toBe(join(root, 'batch'));
    expect(credentials.accessKeyId).toBe('AKIDCERTFLOWTEST');
    const version = join(location, readlinkSync(join(location, 'current')));
    expect(readFileSync(join(bin, 'args.log'), 'utf8').split('\n').slice(0, -1)).toEqual([
      'credential-process',
      '--certificate', join(version, 'cert.pem'),
      '--private-key', join(version, 'key.pem'),
      '--intermediates', join(version, 'chain.pem'),
      '--trust-anchor-arn', ARNS.trustAnchorArn,
      '--profile-arn', ARNS.profileArn,
      '--role-arn', ARNS.roleArn,
      '--region', 'eu-west-1',
    ]);
    expect(readFileSync(join(version, 'cert.pem'), 'utf8').trim()).toBe(first.material.certificatePem.trim());
    expect(readFileSync(join(version, 'chain.pem'), 'utf8').trim()).toBe(first.material.chainPem.trim());
    expect(statSync(join(version, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(location, 'aws-config'), 'utf8')).toMatch(/^\[profile batch\]\ncredential_process = .*\nregion = eu-central-1\n$/m);
  });

  it('is delivered by `certflow run` and `certflow renew` from configuration, the certificate verifying against the issuer\'s root', async () => {
    // Prepare
    const { dir } = workspace('pair');
    writeFileSync(
      join(dir, 'certflow.yaml'),
      `
dataDir: data
issuers: [{ name: local, kind: local-ca }]
policy: { autoApprove: [{ name: all, names: ['**.example.com'], usages: [client] }] }
destinations:
  - { name: workload, kind: rolesanywhere, options: { path: live, trustAnchorArn: '${ARNS.trustAnchorArn}', profileArn: '${ARNS.profileArn}', roleArn: '${ARNS.roleArn}' } }
certificates:
  - { id: batch, usage: client, commonName: batch.example.com, issuer: local, owner: team-batch, validityDays: 2, renewBeforeDays: 1, destinations: [workload] }
`,
    );
    // Act
    const first = await certflow(['run'], { cwd: dir });
    const config = readFileSync(join(dir, 'live', 'batch', 'aws-config'), 'utf8');
    const renewed = await certflow(['renew', 'batch', '--as', 'ops', '--reason', 'rotation'], { cwd: dir });
    // Assess
    expect([first.code, renewed.code], first.stderr + renewed.stderr).toEqual([0, 0]);
    const current = join(dir, 'live', 'batch', 'current');
    expect(readlinkSync(current)).toMatch(/^v2-/);
    const anchors = readFileSync(join(dir, 'data', 'ca', 'local', 'root.pem'), 'utf8');
    const leaf = new X509Certificate(readFileSync(join(current, 'cert.pem')));
    const intermediate = new X509Certificate(readFileSync(join(current, 'chain.pem')));
    expect(leaf.verify(intermediate.publicKey) && intermediate.verify(new X509Certificate(anchors).publicKey)).toBe(true);
    expect(spki(leaf.publicKey)).toBe(spki(createPublicKey(readFileSync(join(current, 'key.pem')))));
    expect(readFileSync(join(dir, 'live', 'batch', 'aws-config'), 'utf8')).toBe(config);
    expect(config).toContain('[profile batch]\ncredential_process = /bin/sh -c ');
  }, 60_000);

  it('gives the helper the certificate and key of one version when a rotation lands between its two reads', async () => {
    // Prepare: each read stops after the certificate; the rotation happens right then
    const { root, destination } = workspace('window');
    await destination.deliver(delivery(1));
    const configPath = join(root, 'batch', 'aws-config');
    const readAcrossRotation = (revision: number) =>
      new Promise<{ text: string; servedBefore: string }>((resolve, reject) => {
        const child = spawn('/bin/sh', ['-c', credentialProcessOf(readFileSync(configPath, 'utf8'))], { stdio: ['pipe', 'pipe', 'pipe'] });
        let text = '';
        let servedBefore = '';
        child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        child.stderr.once('data', () => {
          servedBefore = new X509Certificate(readFileSync(join(root, 'batch', 'current', 'cert.pem'))).serialNumber;
          void destination.deliver(delivery(revision)).then(() => child.stdin.end('\n'), reject);
        });
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve({ text, servedBefore }) : reject(new Error(`credential process exited ${String(code)}`))));
      });
    // Act
    const reads = [];
    for (let revision = 2; revision <= 11; revision++) reads.push(await readAcrossRotation(revision));
    // Assess: every pair matches, and it is the version that was current when the read began
    const served = reads.map(({ text, servedBefore }) => {
      const certificate = new X509Certificate(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/.exec(text)?.[0] ?? '');
      const key = createPublicKey(/-----BEGIN PRIVATE KEY-----[^-]+-----END PRIVATE KEY-----/.exec(text)?.[0] ?? '');
      return { matches: spki(certificate.publicKey) === spki(key), sameVersion: certificate.serialNumber === servedBefore };
    });
    expect(served).toEqual(Array.from({ length: 10 }, () => ({ matches: true, sameVersion: true })));
  }, 60_000);

  it('keeps every read pair matched while rotations swap the files under concurrent readers, and the profile text unchanged', async () => {
    // Prepare: readers run the profile's command line through a shell, as the JS SDK does
    const { root, destination } = workspace('pair', 100);
    await destination.deliver(delivery(1));
    const configPath = join(root, 'batch', 'aws-config');
    const profileBefore = readFileSync(configPath, 'utf8');
    const bundles = Array.from({ length: 60 }, () => aBundle('batch.example.com'));
    let readersDone = false;
    const readers = Array.from({ length: 4 }, async () => {
      const outputs: string[] = [];
      for (let i = 0; i < 12; i++) outputs.push((await run(credentialProcessOf(readFileSync(configPath, 'utf8')))).stdout);
      return outputs;
    });
    // Act: rotate until the readers are done (at most once per bundle)
    const all = Promise.all(readers).finally(() => (readersDone = true));
    let rotations = 0;
    for (const bundle of bundles) {
      if (readersDone) break;
      await destination.deliver(delivery(rotations + 2, bundle));
      rotations++;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const outputs = (await all).flat();
    // Assess: each output is one certificate and the key of that certificate
    const pairs = outputs.map((text) => {
      const certificate = new X509Certificate(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/.exec(text)?.[0] ?? '');
      const key = createPublicKey(/-----BEGIN PRIVATE KEY-----[^-]+-----END PRIVATE KEY-----/.exec(text)?.[0] ?? '');
      return { serial: certificate.serialNumber, matches: spki(certificate.publicKey) === spki(key) };
    });
    expect(pairs.filter((p) => !p.matches)).toEqual([]);
    expect(pairs).toHaveLength(48);
    expect(rotations).toBeGreaterThan(1);
    expect(new Set(pairs.map((p) => p.serial)).size).toBeGreaterThan(1);
    expect(readFileSync(configPath, 'utf8')).toBe(profileBefore);
  }, 60_000);

  it('leaves a version already delivered as it is, swaps back to an earlier version without rewriting it, and keeps three versions', async () => {
    // Prepare
    const { root, destination } = workspace('pair');
    const one = delivery(1);
    const two = delivery(2);
    await destination.deliver(one);
    const current = join(root, 'batch', 'current');
    const firstTarget = readlinkSync(current);
    const keyInode = statSync(join(root, 'batch', firstTarget, 'key.pem')).ino;
    // Act
    await destination.deliver(one);
    const unchanged = readlinkSync(current);
    await destination.deliver(two);
    await destination.deliver(one);
    // Assess
    expect(unchanged).toBe(firstTarget);
    expect(readlinkSync(current)).toBe(firstTarget);
    expect(statSync(join(root, 'batch', firstTarget, 'key.pem')).ino).toBe(keyInode);
    expect(lstatSync(current).isSymbolicLink()).toBe(true);
    expect(readdirSync(join(root, 'batch')).sort()).toEqual(['aws-config', 'current', firstTarget, readdirSync(join(root, 'batch')).find((e) => e.startsWith('v2-'))].sort());
    for (let revision = 3; revision <= 6; revision++) await destination.deliver(delivery(revision));
    expect(readdirSync(join(root, 'batch')).filter((e) => e.startsWith('v')).map((e) => e.split('-')[0]).sort()).toEqual(['v4', 'v5', 'v6']);
  });

  it('refuses a folder an AWS config line cannot carry, and a profile in another region than its trust anchor', () => {
    // Prepare
    const make = (path: string, profileArn = ARNS.profileArn) => () => new RolesAnywhereDestination({ resolvePath: (p) => `/srv/${p}` }, 'workload', { path, ...ARNS, profileArn });
    // Act
    const comment = thrown(make('certs #1'));
    const newline = thrown(make('certs\n[profile evil]'));
    const region = thrown(make('certs', ARNS.profileArn.replace('eu-west-1', 'us-east-1')));
    // Assess
    expect([comment.code, newline.code, region.code]).toEqual([ErrorCodes.CONFIG_INVALID, ErrorCodes.CONFIG_INVALID, ErrorCodes.CONFIG_INVALID]);
    expect(comment.message).toBe("destination workload: path holds '#' or ';' (an INI comment marker), which an AWS config file cannot carry");
    expect(newline.message).toContain('path holds a control character');
    expect(region.message).toContain('must be in the same account and region');
  });

  it('checks the ARNs and the helper path of its configuration, each problem with its path', () => {
    // Act
    const error = thrown(() =>
      parseConfig(
        `
issuers: [{ name: local, kind: local-ca }]
destinations:
  - name: workload
    kind: rolesanywhere
    options:
      path: live
      trustAnchorArn: "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/x' ; rm -rf ~"
      profileArn: ${ARNS.profileArn}
      roleArn: "arn:aws:iam::123456789012:role/batch\\n[profile evil]"
      signingHelper: "/opt/helper\\n"
`,
        '/tmp/c.yaml',
        { kinds: registries },
      ),
    );
    // Assess
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.details?.map((d) => d.split(':')[0])).toEqual(expect.arrayContaining([
      '/destinations/0/options/trustAnchorArn', '/destinations/0/options/roleArn', '/destinations/0/options/signingHelper',
    ]));
  });

  it('refuses at load a server certificate sent to it, and takes a client or both certificate', () => {
    // Prepare
    const config = (usage: string) => `
issuers: [{ name: local, kind: local-ca }]
destinations:
  - { name: workload, kind: rolesanywhere, options: { path: live, trustAnchorArn: '${ARNS.trustAnchorArn}', profileArn: '${ARNS.profileArn}', roleArn: '${ARNS.roleArn}' } }
certificates:
  - { id: batch, usage: ${usage}, commonName: batch.example.com, dnsNames: [batch.example.com], issuer: local, owner: team-batch, destinations: [workload] }
`;
    // Act
    const server = thrown(() => parseConfig(config('server'), '/tmp/c.yaml', { kinds: registries }));
    const client = parseConfig(config('client'), '/tmp/c.yaml', { kinds: registries });
    const both = parseConfig(config('both'), '/tmp/c.yaml', { kinds: registries });
    // Assess
    expect(server.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(server.details).toEqual([
      "/certificates/0/usage: a server certificate cannot identify a workload to IAM Roles Anywhere; set usage: client (or both) and commonName to the workload's name (destination 'workload')",
    ]);
    expect([client.certificates[0]?.spec.usage, both.certificates[0]?.spec.usage]).toEqual(['client', 'both']);
  });
});
