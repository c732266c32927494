import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMA_MAJOR, SCHEMA_VERSION } from '../../../src/domain/events/catalogue.js';
import { JSON_SCHEMA_DIALECT, allDetailJsonSchemas } from '../../../src/domain/events/json-schema.js';
import { findIncompatibilities } from '../../../src/domain/events/schema-compat.js';
import { snapshotFile, staleSchemaFiles } from '../../../scripts/lib/schema-files.js';
import { docsAreStale } from '../../../scripts/lib/event-docs.js';

const schemas = allDetailJsonSchemas();

describe('schemas/', () => {
  it('matches what scripts/generate-schemas.ts generates from the catalogue', () => {
    // Prepare: the catalogue is the single source; the files are its output
    // Act
    const stale = staleSchemaFiles();
    // Assess
    expect(stale, 'run: node --import tsx scripts/generate-schemas.ts').toEqual([]);
  });

  it.each(schemas.map((s) => [s.fileName, s.schema] as const))('gives %s a $schema, an $id and a title', (_file, schema) => {
    // Prepare
    // Act
    const head = { $schema: schema.$schema, $id: schema.$id, title: typeof schema.title };
    // Assess
    expect(head).toEqual({ $schema: JSON_SCHEMA_DIALECT, $id: expect.stringMatching(/^urn:certflow:events:[a-z-]+:v\d+$/), title: 'string' });
  });

  it.each(schemas.map((s) => [s.fileName, s.schema] as const))('requires schemaVersion, idempotencyKey and the ids in %s', (_file, schema) => {
    // Prepare
    const required = schema.required as string[];
    // Act
    const ids = required.filter((r) => r.endsWith('Id'));
    // Assess
    expect(required).toEqual(expect.arrayContaining(['schemaVersion', 'idempotencyKey', 'occurredAt']));
    expect(ids.length).toBeGreaterThan(0);
  });

  it('requires a monotonic revision on Certificate Rotated', () => {
    // Prepare
    const rotated = schemas.find((s) => s.detailType === 'Certificate Rotated')?.schema as { required: string[]; properties: Record<string, { type?: string; minimum?: number }> };
    // Act
    const revision = rotated.properties.revision;
    // Assess
    expect(rotated.required).toContain('revision');
    expect(revision).toMatchObject({ type: 'integer', minimum: 1 });
  });

  it('matches the major of SCHEMA_VERSION in every schemaVersion pattern', () => {
    // Prepare
    const patterns = schemas.map((s) => (s.schema.properties as Record<string, { pattern?: string }>).schemaVersion?.pattern);
    // Act
    const accepted = patterns.map((p) => new RegExp(p ?? '$^').test(SCHEMA_VERSION));
    // Assess
    expect(accepted.every(Boolean)).toBe(true);
  });
});

describe('schemas/.compat (compatibility guard)', () => {
  it.each(schemas.map((s) => [s.fileName, s.schema] as const))('has a baseline of %s for the current major', (fileName) => {
    // Prepare
    const baseline = snapshotFile(fileName);
    // Act
    const present = existsSync(baseline);
    // Assess
    expect(present, `missing ${baseline}: run node --import tsx scripts/generate-schemas.ts`).toBe(true);
  });

  it.each(schemas.map((s) => [s.fileName, s.schema] as const))('keeps %s compatible with its baseline unless the major is bumped', (fileName, schema) => {
    // Prepare
    const baselinePath = snapshotFile(fileName, SCHEMA_MAJOR);
    const baseline = existsSync(baselinePath) ? (JSON.parse(readFileSync(baselinePath, 'utf8')) as Record<string, unknown>) : schema;
    // Act
    const problems = findIncompatibilities(baseline, schema);
    // Assess
    expect(problems, `incompatible with ${baselinePath}: bump the major of SCHEMA_VERSION (a new baseline is then generated)`).toEqual([]);
  });
});

describe('README event catalogue', () => {
  it('matches what scripts/generate-event-docs.ts generates', () => {
    // Prepare: the section between <!-- events:begin --> and <!-- events:end -->
    // Act
    const stale = docsAreStale();
    // Assess
    expect(stale, 'run: node --import tsx scripts/generate-event-docs.ts').toBe(false);
  });
});
