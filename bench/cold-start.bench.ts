/**
 * Cold-start module load of each Lambda bundle: the time a fresh `node` process takes to import
 * the `.mjs` that `osls package` zipped (median of 9 processes), beside the import of an empty ESM
 * module measured the same way in the same run. Lambda adds its own runtime bootstrap on top
 * (research quotas-and-performance.md §2.1); this is the part certflow controls.
 *
 *   node --import tsx bench/cold-start.bench.ts [path/to/package-dir]
 *
 * Without a directory it runs `osls package` into a temporary one first.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { unzipEntry, zipEntries } from '../test/integration/deploy/template.js';

const RUNS = 9;
const REPO = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'certflow-cold-start-'));

/** Milliseconds one fresh process spends importing `file`. */
function importMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '--no-warnings', '-e', script], {
    // What serverless.yml sets; the bundles read it at module scope.
    env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', CERTFLOW_STAGE: 'bench', CERTFLOW_STATE_TABLE: 'certflow-bench-state', CERTFLOW_EVENT_BUS: 'certflow-bench' },
    encoding: 'utf8',
  });
  return Number(out);
}

function median(file: string): number {
  const times = Array.from({ length: RUNS }, () => importMs(file)).sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)]!;
}

try {
  let packageDir = process.argv[2];
  if (!packageDir) {
    packageDir = join(work, 'package');
    execFileSync('npx', ['--no', 'osls', 'package', '--stage', 'bench', '--package', packageDir], {
      cwd: REPO,
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', CI: 'true' },
      stdio: 'ignore',
    });
  }
  const baseline = join(work, 'empty.mjs');
  writeFileSync(baseline, 'export {};\n');
  const baselineMs = median(baseline);
  for (const zipName of readdirSync(packageDir).filter((f) => f.endsWith('.zip')).sort()) {
    const zip = readFileSync(join(packageDir, zipName));
    const [entry] = zipEntries(zip).filter((e) => e.name.endsWith('.mjs'));
    if (!entry) throw new Error(`${zipName} holds no .mjs bundle`);
    const file = join(work, zipName.replace(/\.zip$/, ''), entry.name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, unzipEntry(zip, entry));
    const ms = median(file);
    const fn = zipName.replace(/\.zip$/, '');
    console.log(`RESULT cold-start ${fn}_ms=${ms.toFixed(1)} baseline_ms=${baselineMs.toFixed(1)} ratio=${(ms / baselineMs).toFixed(1)}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
