import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEMA_MAJOR } from '../../src/domain/events/catalogue.js';
import { allDetailJsonSchemas, type JsonSchema } from '../../src/domain/events/json-schema.js';

/** The repository root, found from this file so scripts and tests work from any cwd. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCHEMAS_DIR = join(REPO_ROOT, 'schemas');
export const COMPAT_DIR = join(SCHEMAS_DIR, '.compat');

/** Same bytes every run: two-space JSON and a final newline, so `git diff` shows only real changes. */
export function serialise(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** `schemas/.compat/<name>.v<major>.json`: the baseline every schema of that major must stay compatible with. */
export function snapshotFile(fileName: string, major: number = SCHEMA_MAJOR): string {
  return join(COMPAT_DIR, fileName.replace(/\.json$/, `.v${major}.json`));
}

/** Every generated schema file (absolute path → content) as the catalogue defines them now. */
export function expectedSchemaFiles(): Map<string, string> {
  return new Map(allDetailJsonSchemas().map(({ fileName, schema }) => [join(SCHEMAS_DIR, fileName), serialise(schema)]));
}

/** Generated files that differ from disk, are missing, or are left over from a removed detail-type. */
export function staleSchemaFiles(): string[] {
  const expected = expectedSchemaFiles();
  const stale = [...expected].filter(([path, content]) => !existsSync(path) || readFileSync(path, 'utf8') !== content).map(([p]) => p);
  const leftovers = existsSync(SCHEMAS_DIR)
    ? readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.json')).map((f) => join(SCHEMAS_DIR, f)).filter((p) => !expected.has(p))
    : [];
  return [...stale, ...leftovers];
}

/** Files of `expected` that differ from disk or are missing, and files in `dir` it does not list. */
export function staleGeneratedFiles(expected: ReadonlyMap<string, string>, dir: string): string[] {
  const stale = [...expected].filter(([path, content]) => !existsSync(path) || readFileSync(path, 'utf8') !== content).map(([p]) => p);
  const leftovers = existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)).filter((p) => !expected.has(p)) : [];
  return [...stale, ...leftovers];
}
