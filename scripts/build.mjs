// Bundles the CLI into dist/certflow.mjs plus one chunk per lazily loaded command, so
// `certflow --version` and `--help` load only the entry (see bench/cli-start.bench.ts).
// Dependencies stay in node_modules (better-sqlite3 is native).
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const result = await build({
  entryPoints: { certflow: 'src/cli/bin.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
});

// The Roles Anywhere credential provider, `certflow/roles-anywhere` in package.json's exports: one
// file of its own (no chunks shared with the CLI), so a workload importing it loads Node built-ins
// and nothing else (test/integration/roles-anywhere/package-entry.test.ts checks the graph).
await build({
  entryPoints: { 'roles-anywhere': 'src/roles-anywhere/index.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

// Chunks of earlier builds (other hashes) are removed; never the whole directory, which a
// concurrent build or a running CLI may be reading (outputs are content-addressed, so a
// concurrent build writes the same names).
const outputs = new Set(Object.keys(result.metafile.outputs).map((p) => relative('dist', p)));
if (existsSync('dist/chunks')) {
  for (const file of readdirSync('dist/chunks')) if (!outputs.has(join('chunks', file))) rmSync(join('dist/chunks', file), { force: true });
}
