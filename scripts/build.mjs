// Bundles the CLI into dist/certflow.mjs plus one chunk per lazily loaded command, so
// `certflow --version` and `--help` load only the entry (see bench/cli-start.bench.ts).
// Dependencies stay in node_modules (better-sqlite3 is native).
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist', { recursive: true, force: true });
await build({
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
  logLevel: 'warning',
});
