/**
 * `npm run demo:acme`: the local cycle with the ACME issuer against a local Pebble, end to end.
 * Starts Pebble and pebble-challtestsrv on 127.0.0.1 (free ports, TLS made here), runs
 * `certflow run` twice through the CLI, exports the certificate and verifies its chain with
 * openssl against Pebble's root, then stops Pebble. Needs the Debian package `pebble`.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PebbleHarness, pebbleInstalled } from '../../test/support/pebble.js';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', '..', 'bin', 'certflow.mjs');
const data = join(here, '.certflow');
const config = join(data, 'certflow.yaml');
const step = (text: string) => process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
// Asynchronous: the recording proxy in front of Pebble lives in this process and must keep serving.
const certflow = async (...args: string[]) => {
  const { stdout, stderr } = await promisify(execFile)('node', [bin, ...args, '--config', config], { encoding: 'utf8', timeout: 120_000 });
  process.stderr.write(stderr);
  return stdout;
};

if (!pebbleInstalled()) {
  process.stderr.write('pebble is not installed: apt-get install -y pebble\n');
  process.exit(2);
}

step('Starting Pebble and pebble-challtestsrv on 127.0.0.1 (deterministic lane, recording proxy in front)');
const pebble = await PebbleHarness.start({ lane: 'deterministic', proxy: true });
try {
  rmSync(data, { recursive: true, force: true });
  mkdirSync(data, { recursive: true });
  const root = join(data, 'pebble-root.pem');
  writeFileSync(root, await pebble.rootPem());
  writeFileSync(
    config,
    JSON.stringify(
      {
        dataDir: '.',
        issuers: [
          {
            name: 'pebble',
            kind: 'acme',
            options: { directoryUrl: pebble.directoryUrl, contact: ['mailto:ops@example.com'], dnsProvider: 'challtestsrv', caFile: pebble.tlsCaFile, trustAnchorsFile: root, pollMs: 50 },
          },
        ],
        dnsProviders: [{ name: 'challtestsrv', kind: 'challtestsrv', options: { managementUrl: pebble.challtestsrvUrl } }],
        policy: { autoApprove: [{ name: 'demo', names: ['**.demo.test'] }] },
        certificates: [
          { id: 'web', dnsNames: ['web.demo.test', 'www.demo.test'], issuer: 'pebble', owner: 'team-web' },
          { id: 'api', dnsNames: ['api.demo.test'], issuer: 'pebble', owner: 'team-api' },
        ],
      },
      null,
      2,
    ),
  );
  process.stdout.write(`directory ${pebble.directoryUrl}\nconfig    ${config}\n`);

  step('certflow run: plan, auto-approve, order, DNS-01 through challtestsrv, finalize with certflow\'s CSR, download, store');
  process.stdout.write(await certflow('run'));
  process.stdout.write(`Pebble saw: ${JSON.stringify(pebble.proxy?.counts)}\n`);

  step('Export "web" and verify its chain with openssl against Pebble\'s root');
  const out = join(data, 'export', 'web');
  process.stdout.write(await certflow('export', 'web', '--out', out, '--force'));
  process.stdout.write(execFileSync('openssl', ['verify', '-CAfile', join(out, 'root.pem'), '-untrusted', join(out, 'chain.pem'), join(out, 'cert.pem')], { encoding: 'utf8' }));
  process.stdout.write(execFileSync('openssl', ['x509', '-in', join(out, 'cert.pem'), '-noout', '-subject', '-issuer', '-ext', 'subjectAltName'], { encoding: 'utf8' }));

  step('certflow run again: nothing is due, nothing is ordered');
  const ordersBefore = pebble.proxy?.counts.newOrder ?? 0;
  process.stdout.write(await certflow('run'));
  const extra = (pebble.proxy?.counts.newOrder ?? 0) - ordersBefore;
  process.stdout.write(`new orders in the second run: ${extra.toString()}\n`);
  if (extra !== 0) throw new Error('the second run placed an order');
  for (const name of ['web.demo.test', 'www.demo.test', 'api.demo.test']) {
    const left = await pebble.txt(`_acme-challenge.${name}`);
    if (left.length > 0) throw new Error(`TXT record left at _acme-challenge.${name}`);
  }
  process.stdout.write('no _acme-challenge TXT record left\n');
  step('Done');
} finally {
  await pebble.stop();
}
