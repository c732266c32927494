/**
 * ACME issuance on a local Pebble (deterministic lane, DNS-01 through pebble-challtestsrv), two
 * fresh names per issuance, certflow beside a bare acme-client script (bench/acme-bare.mjs),
 * interleaved, in the same run, measured two ways:
 * - warm: one long-lived process each, one issuance per round. certflow runs a cycle for one new
 *   certificate (plan, policy, key, CSR, order, DNS-01, finalize, download, verify, store, events
 *   published); the script calls acme-client's `auto()` with a new key and CSR.
 * - process: one process per issuance (`certflow run` on a fresh data directory, and the script),
 *   start-up included.
 * lego and certbot run (one process per issuance) when installed. Last line:
 *   RESULT acme-issue certflow_ms=<warm p50> bare_ms=<warm p50> ratio=<n>
 *          certflow_process_ms=<p50> bare_process_ms=<p50> process_ratio=<n> certflow_idle_run_ms=<p50>
 *          [lego_ms=… certbot_ms=…]
 * certflow_idle_run_ms is `certflow run` with nothing to do: the CLI's start-up floor, which the
 * process figures include and the bare script does not pay.
 *
 *   npm run bench:acme            (or: node --import tsx bench/acme-issue.bench.ts [rounds])
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { systemClock } from '../src/ports/clock.port.js';
import { loadLocalConfig, openLocalRuntime } from '../src/composition/local-runtime.js';
import { runCycle } from '../src/app/run-cycle.use-case.js';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PebbleHarness, pebbleInstalled } from '../test/support/pebble.js';

const ROUNDS = Number(process.argv[2] ?? 15);
const WARM_ROUNDS = ROUNDS * 2;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'dist', 'certflow.mjs');

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(command, args, { env: { ...process.env, ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.slice(0, 2).join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(performance.now() - started);
    });
  });
}

const installed = (tool: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const p50 = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
};

if (!pebbleInstalled()) {
  process.stderr.write('pebble is not installed: apt-get install -y pebble\n');
  process.exit(2);
}
if (!existsSync(bin)) execFileSync('node', [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });

const work = mkdtempSync(join(tmpdir(), 'certflow-acme-bench-'));
const pebble = await PebbleHarness.start({ lane: 'deterministic' });
const times: Record<'certflow' | 'bare' | 'lego' | 'certbot' | 'certflowWarm' | 'bareWarm' | 'certflowStartup', number[]> = {
  certflowStartup: [],
  certflowWarm: [],
  bareWarm: [],
  certflow: [],
  bare: [],
  lego: [],
  certbot: [],
};
let n = 0;
const names = (label: string) => [0, 1].map((i) => `${label}-${(n++).toString()}-${i.toString()}.bench.test`);
try {
  const pebbleRoot = join(work, 'pebble-root.pem');
  writeFileSync(pebbleRoot, await pebble.rootPem());

  const configFile = (dir: string, certificates: { id: string; dnsNames: string[] }[]) => {
    mkdirSync(dir);
    const config = join(dir, 'certflow.json');
    writeFileSync(
      config,
      JSON.stringify({
        dataDir: '.',
        issuers: [{ name: 'pebble', kind: 'acme', options: { directoryUrl: pebble.directoryUrl, dnsProvider: 'chall', caFile: pebble.tlsCaFile, trustAnchorsFile: pebbleRoot, pollMs: 20 } }],
        dnsProviders: [{ name: 'chall', kind: 'challtestsrv', options: { managementUrl: pebble.challtestsrvUrl } }],
        policy: { autoApprove: [{ name: 'bench', names: ['**.bench.test'] }] },
        certificates: certificates.map((c) => ({ ...c, issuer: 'pebble', owner: 'bench' })),
      }),
    );
    return config;
  };
  const certflow = (dnsNames: string[]) => run('node', [bin, 'run', '--config', configFile(join(work, `certflow-${n.toString()}`), [{ id: 'site', dnsNames }])]);
  const bare = (dnsNames: string[]) =>
    run('node', [join(root, 'bench', 'acme-bare.mjs'), pebble.directoryUrl, pebble.challtestsrvUrl, ...dnsNames], { NODE_EXTRA_CA_CERTS: pebble.tlsCaFile });

  // Warm: certflow in this process, the script in a child that issues one certificate per line.
  const warm = Array.from({ length: WARM_ROUNDS + 1 }, (_, i) => ({ id: `w${i.toString()}`, dnsNames: names('certflow-warm') }));
  const config = loadLocalConfig(configFile(join(work, 'certflow-warm'), warm));
  const rt = await openLocalRuntime(config, systemClock);
  const child = spawn('node', [join(root, 'bench', 'acme-bare.mjs'), pebble.directoryUrl, pebble.challtestsrvUrl, '--serve'], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: pebble.tlsCaFile },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const bareWarm = async (dnsNames: string[]) => {
    child.stdin.write(`${dnsNames.join(' ')}\n`);
    const line = await lines.next();
    if (line.done) throw new Error('the bare acme-client process stopped');
    return Number(line.value);
  };
  const certflowWarm = async (i: number) => {
    const started = performance.now();
    const report = await runCycle(rt.deps)([config.certificates[i]!]);
    if (!report.work.some((w) => w.status === 'issued')) throw new Error(`certflow did not issue: ${JSON.stringify(report.work)}`);
    return performance.now() - started;
  };
  try {
    await certflowWarm(0); // account registration and first loads, unmeasured
    await bareWarm(names('bare-warm'));
    for (let round = 1; round <= WARM_ROUNDS; round++) {
      if (round % 2 === 0) {
        times.certflowWarm.push(await certflowWarm(round));
        times.bareWarm.push(await bareWarm(names('bare-warm')));
      } else {
        times.bareWarm.push(await bareWarm(names('bare-warm')));
        times.certflowWarm.push(await certflowWarm(round));
      }
    }
  } finally {
    child.stdin.end();
    await rt.close();
  }

  // Process per issuance. Warm the file cache once each, unmeasured.
  await certflow(names('warm'));
  // The CLI's own start-up floor: `certflow run` with nothing to do (no ACME code loaded).
  const idle = configFile(join(work, 'certflow-idle'), []);
  for (let i = 0; i < 5; i++) times.certflowStartup.push(await run('node', [bin, 'run', '--config', idle]));
  await bare(names('warm'));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['certflow', 'bare'] as const) : (['bare', 'certflow'] as const);
    for (const who of order) times[who].push(await (who === 'certflow' ? certflow : bare)(names(who)));
    if (installed('lego')) {
      const dir = join(work, `lego-${n.toString()}`);
      times.lego.push(
        await run('lego', ['--accept-tos', '--server', pebble.directoryUrl, '--email', 'bench@example.com', '--path', dir, '--dns', 'exec', '--dns.resolvers', `127.0.0.1:${pebble.dnsPort.toString()}`, '--dns.disable-cp', ...names('lego').flatMap((d) => ['-d', d]), 'run'], {
          LEGO_CA_CERTIFICATES: pebble.tlsCaFile,
          EXEC_PATH: join(root, 'bench', 'lego-challtestsrv.sh'),
          CHALLTESTSRV: pebble.challtestsrvUrl,
          EXEC_PROPAGATION_TIMEOUT: '1',
          EXEC_POLLING_INTERVAL: '1',
          // The exec provider is sequential: lego waits this long (default 60 s) between the
          // challenges of one order. challtestsrv answers at once, so one second is enough.
          EXEC_SEQUENCE_INTERVAL: '1',
        }),
      );
    }
    if (installed('certbot')) {
      const dir = join(work, `certbot-${n.toString()}`);
      const hook = join(root, 'bench', 'certbot-challtestsrv.sh');
      times.certbot.push(
        await run('certbot', ['certonly', '--non-interactive', '--agree-tos', '--register-unsafely-without-email', '--server', pebble.directoryUrl, '--manual', '--preferred-challenges', 'dns', '--manual-auth-hook', hook, '--manual-cleanup-hook', hook, '--config-dir', dir, '--work-dir', dir, '--logs-dir', dir, ...names('certbot').flatMap((d) => ['-d', d])], {
          REQUESTS_CA_BUNDLE: pebble.tlsCaFile,
          CHALLTESTSRV: pebble.challtestsrvUrl,
        }),
      );
    }
  }
} finally {
  await pebble.stop();
  rmSync(work, { recursive: true, force: true });
}

const ratio = (a: number[], b: number[]) => (p50(a) / p50(b)).toFixed(2);
for (const [who, xs] of Object.entries(times)) {
  if (xs.length > 0) process.stdout.write(`${who.padEnd(9)} n=${xs.length.toString()} p50=${p50(xs).toFixed(0)} ms  min=${Math.min(...xs).toFixed(0)}  max=${Math.max(...xs).toFixed(0)}\n`);
}
const extra = [times.lego.length ? ` lego_ms=${p50(times.lego).toFixed(0)}` : '', times.certbot.length ? ` certbot_ms=${p50(times.certbot).toFixed(0)}` : ''].join('');
if (!extra) process.stdout.write('lego and certbot are not installed: their columns are left out\n');
process.stdout.write(
  `RESULT acme-issue certflow_ms=${p50(times.certflowWarm).toFixed(0)} bare_ms=${p50(times.bareWarm).toFixed(0)} ratio=${ratio(times.certflowWarm, times.bareWarm)}` +
    ` certflow_process_ms=${p50(times.certflow).toFixed(0)} bare_process_ms=${p50(times.bare).toFixed(0)} process_ratio=${ratio(times.certflow, times.bare)}` +
    ` certflow_idle_run_ms=${p50(times.certflowStartup).toFixed(0)}${extra}\n`,
);
