/**
 * Writes `schemas/eventbridge-registry/`: one OpenApi3 document per certflow detail-type, as the
 * EventBridge schema registry takes them, and `resources.json`, the CloudFormation of the registry
 * and its schemas that serverless.yml includes. Generated from the same TypeBox catalogue as
 * `schemas/`. `--check` writes nothing and exits 1 when a generated file is stale.
 *
 *   node --import tsx scripts/generate-registry-schemas.ts [--check]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { REPO_ROOT } from './lib/schema-files.js';
import { REGISTRY_DIR, expectedRegistryFiles, staleRegistryFiles } from './lib/registry-schemas.js';

const check = process.argv.includes('--check');
const stale = staleRegistryFiles();

if (check) {
  for (const p of stale) console.error(`stale or missing: ${relative(REPO_ROOT, p)}`);
  if (stale.length > 0) {
    console.error('run: npm run schemas:registry');
    process.exit(1);
  }
  console.log('registry schemas are up to date');
} else {
  mkdirSync(REGISTRY_DIR, { recursive: true });
  const expected = expectedRegistryFiles();
  for (const [path, content] of expected) writeFileSync(path, content);
  for (const path of stale.filter((p) => !expected.has(p))) rmSync(path);
  console.log(`${expected.size} files written to ${relative(REPO_ROOT, REGISTRY_DIR)}${stale.length > 0 ? ` (${stale.length} changed)` : ''}`);
}
