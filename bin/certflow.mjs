#!/usr/bin/env node
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/certflow.mjs', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('certflow: not built yet; run `npm run build` first\n');
  process.exit(1);
}
await import(bundle.href);
