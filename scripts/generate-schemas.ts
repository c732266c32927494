/**
 * Writes `schemas/<detail-type>.json` from the TypeBox catalogue (the single source), and the
 * compatibility baseline `schemas/.compat/<detail-type>.v<major>.json` of any detail-type that has
 * none yet for the current major. Baselines are never overwritten: they are what consumers of
 * that major rely on. `--check` writes nothing and exits 1 when a generated file is stale.
 *
 *   node --import tsx scripts/generate-schemas.ts [--check]
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { allDetailJsonSchemas } from '../src/domain/events/json-schema.js';
import { COMPAT_DIR, SCHEMAS_DIR, expectedSchemaFiles, serialise, snapshotFile, staleSchemaFiles } from './lib/schema-files.js';

const check = process.argv.includes('--check');
const stale = staleSchemaFiles();

if (check) {
  const missingBaselines = allDetailJsonSchemas().map((s) => snapshotFile(s.fileName)).filter((p) => !existsSync(p));
  for (const p of [...stale, ...missingBaselines]) console.error(`stale or missing: ${p}`);
  if (stale.length + missingBaselines.length > 0) {
    console.error('run: node --import tsx scripts/generate-schemas.ts');
    process.exit(1);
  }
  console.log('schemas are up to date');
} else {
  mkdirSync(COMPAT_DIR, { recursive: true });
  const expected = expectedSchemaFiles();
  for (const [path, content] of expected) writeFileSync(path, content);
  // A detail-type removed from the catalogue loses its schema file; its baseline stays so the guard notices.
  for (const file of readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.json'))) {
    if (!expected.has(join(SCHEMAS_DIR, file))) rmSync(join(SCHEMAS_DIR, file));
  }
  for (const { fileName, schema } of allDetailJsonSchemas()) {
    const baseline = snapshotFile(fileName);
    if (!existsSync(baseline)) {
      writeFileSync(baseline, serialise(schema));
      console.log(`new baseline ${basename(baseline)}`);
    }
  }
  console.log(`${expected.size} schemas written to ${SCHEMAS_DIR}${stale.length > 0 ? ` (${stale.length} changed)` : ''}`);
}
