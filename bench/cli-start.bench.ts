/**
 * Start time of the CLI as a user feels it: the wall time of a fresh `certflow --version`
 * process (node start, the bundle's entry, the version printed, exit), beside an empty
 * `node -e 0` measured the same way in the same run, interleaved so both see the same machine
 * load. The goal is ratio <= 2: commands are imported only when they run (src/cli/spec.ts), so
 * `--version` and `--help` load none of SQLite, ajv or the crypto code.
 *
 *   npm run bench:cli          (builds dist/ first)
 *   node --import tsx bench/cli-start.bench.ts [runs]
 *
 * Prints `RESULT cli-start version_ms=<median> node_ms=<median> ratio=<version/node>` plus the
 * medians of `--help` and `run --help` for information.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const RUNS = Math.max(15, Number(process.argv[2] ?? 21));
const REPO = join(import.meta.dirname, '..');
const BIN = join(REPO, 'bin', 'certflow.mjs');

if (!existsSync(join(REPO, 'dist', 'certflow.mjs'))) {
  process.stderr.write('bench/cli-start: dist/ is not built; run `npm run build` (or `npm run bench:cli`)\n');
  process.exit(1);
}

/** Wall milliseconds of one fresh process, from spawn to exit. */
function wallMs(args: readonly string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${String(result.status)}: ${result.stderr.toString()}`);
  return ms;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const cases = {
  node: ['-e', '0'],
  version: [BIN, '--version'],
  help: [BIN, '--help'],
  runHelp: [BIN, 'run', '--help'],
} as const;
const times: Record<keyof typeof cases, number[]> = { node: [], version: [], help: [], runHelp: [] };

// Warm the OS file cache once, then interleave the cases run by run.
for (const args of Object.values(cases)) wallMs(args);
for (let i = 0; i < RUNS; i++) for (const [name, args] of Object.entries(cases)) times[name as keyof typeof cases].push(wallMs(args));

const node = median(times.node);
const version = median(times.version);
process.stdout.write(`cli-start: ${RUNS.toString()} fresh processes each; median --help ${median(times.help).toFixed(1)} ms, run --help ${median(times.runHelp).toFixed(1)} ms\n`);
process.stdout.write(`RESULT cli-start version_ms=${version.toFixed(1)} node_ms=${node.toFixed(1)} ratio=${(version / node).toFixed(2)}\n`);
