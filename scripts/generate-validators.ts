/**
 * Writes the precompiled (ajv standalone, ESM) validators in `src/generated/validators/` from the
 * TypeBox sources: the event catalogue and envelope, ACM's event schemas and the configuration
 * schema. Code that runs imports these, so nothing compiles a schema at import or at run time.
 * `--check` writes nothing and exits 1 when a generated module is stale.
 *
 *   node --import tsx scripts/generate-validators.ts [--check]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { REPO_ROOT } from './lib/schema-files.js';
import { VALIDATORS_DIR, expectedValidatorModules, staleValidatorModules } from './lib/validator-modules.js';

const check = process.argv.includes('--check');
const stale = staleValidatorModules();

if (check) {
  for (const p of stale) console.error(`stale or missing: ${relative(REPO_ROOT, p)}`);
  if (stale.length > 0) {
    console.error('run: npm run validators');
    process.exit(1);
  }
  console.log('validators are up to date');
} else {
  mkdirSync(VALIDATORS_DIR, { recursive: true });
  const expected = expectedValidatorModules();
  for (const [path, content] of expected) writeFileSync(path, content);
  for (const path of stale.filter((p) => !expected.has(p))) rmSync(path);
  console.log(`${expected.size} validator modules written to ${relative(REPO_ROOT, VALIDATORS_DIR)}${stale.length > 0 ? ` (${stale.length} changed)` : ''}`);
}
