import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryDestination } from '../../../src/adapters/local/directory-destination/directory.destination.js';
import { certflow } from '../../support/cli.js';
import { aBundle } from '../../support/pki.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function workspace(hookOf: (dir: string) => string) {
  const dir = mkdtempSync(join(tmpdir(), 'certflow-dest-'));
  dirs.push(dir);
  const hook = hookOf(dir);
  writeFileSync(
    join(dir, 'certflow.yaml'),
    `
dataDir: data
issuers: [{ name: local, kind: local-ca }]
policy: { autoApprove: [{ name: all, names: ['**.example.com'] }] }
destinations:
  - name: web
    kind: directory
    options: { path: live, reloadCommand: ${JSON.stringify(hook)}, hookBackoffMs: 10 }
certificates:
  - { id: api, dnsNames: [api.example.com], issuer: local, owner: team-api, validityDays: 30, renewBeforeDays: 10, destinations: [web] }
`,
  );
  return dir;
}

const cli = (dir: string, ...args: string[]) => certflow(args, { cwd: dir });
const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n');

describe('directory destination', () => {
  it('puts cert, chain, fullchain and key in place after `certflow run`, openssl verifies them, and the hook runs once per rotation', async () => {
    // Prepare: the hook appends what it was told to a log
    const dir = workspace((d) => `echo "$CERTFLOW_REVISION $CERTFLOW_SERIAL $RENEWED_LINEAGE" >> ${d}/hook.log`);
    // Act
    const first = await cli(dir, 'run');
    const again = await cli(dir, 'run');
    const renewed = await cli(dir, 'renew', 'api', '--as', 'ops', '--reason', 'rotation');
    // Assess
    expect([first.code, again.code, renewed.code], first.stderr + renewed.stderr).toEqual([0, 0, 0]);
    const live = join(dir, 'live', 'api');
    const cert = new X509Certificate(readFileSync(join(live, 'cert.pem')));
    expect(cert.publicKey.export({ type: 'spki', format: 'der' })).toEqual(createPublicKey(readFileSync(join(live, 'key.pem'))).export({ type: 'spki', format: 'der' }));
    expect(statSync(join(live, 'key.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(live, 'fullchain.pem'), 'utf8')).toBe(readFileSync(join(live, 'cert.pem'), 'utf8') + readFileSync(join(live, 'chain.pem'), 'utf8'));
    const anchors = join(dir, 'anchors.pem');
    writeFileSync(anchors, readFileSync(join(dir, 'data', 'ca', 'local', 'root.pem')));
    const verified = execFileSync('openssl', ['verify', '-CAfile', anchors, '-untrusted', join(live, 'chain.pem'), join(live, 'cert.pem')], { encoding: 'utf8' });
    expect(verified.trim()).toBe(`${join(live, 'cert.pem')}: OK`);
    const log = lines(join(dir, 'hook.log'));
    expect(log.map((l) => l.split(' ')[0])).toEqual(['1', '2']);
    expect(log[1]).toBe(`2 ${cert.serialNumber} ${live}`);
  }, 60_000);

  it('retries a hook that exits 1 with backoff, reports its exit status and keeps the files', async () => {
    // Prepare: a hook that fails until a flag file exists
    const dir = workspace((d) => `echo try >> ${d}/tries.log; test -f ${d}/ok`);
    // Act
    const failing = await cli(dir, 'run');
    // Assess
    expect(`${failing.stdout}${failing.stderr}`).toMatch(/DESTINATION\.HOOK_FAILED/);
    expect(`${failing.stdout}${failing.stderr}`).toMatch(/exited with status 1 after 3 tries/);
    expect(lines(join(dir, 'tries.log')).length).toBe(3);
    expect(statSync(join(dir, 'live', 'api', 'cert.pem')).size).toBeGreaterThan(0);
  }, 60_000);
});

describe('DirectoryDestination', () => {
  it('writes through temporary files renamed into place and is a no-op for a version already delivered', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'certflow-dest-unit-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'count'), '');
    const destination = new DirectoryDestination({ resolvePath: (p) => join(dir, p), sleep: async () => undefined }, 'web', {
      path: 'out',
      reloadCommand: `echo x >> ${join(dir, 'count')}`,
    });
    const bundle = aBundle('web.example.com');
    const delivery = { certificateId: 'web', revision: 1, versionId: 'r1-x', serialNumber: bundle.serialNumber, material: bundle.material };
    // Act
    const first = await destination.deliver(delivery);
    const second = await destination.deliver(delivery);
    // Assess
    expect(first).toEqual({ location: join(dir, 'out', 'web') });
    expect(second).toEqual(first);
    expect(lines(join(dir, 'count'))).toEqual(['x']);
    expect(execFileSync('ls', ['-A', join(dir, 'out', 'web')], { encoding: 'utf8' }).trim().split('\n').sort()).toEqual([
      '.certflow-delivery.json', 'cert.pem', 'chain.pem', 'fullchain.pem', 'key.pem',
    ]);
  });
});
