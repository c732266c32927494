import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import { DETAIL_TYPES } from '../../../src/domain/events/catalogue.js';
import { kebabDetailType, type JsonSchema } from '../../../src/domain/events/json-schema.js';
import {
  PORTABLE_KEYWORDS,
  REGISTRY_DIR,
  RESOURCES_FILE,
  registrySchemaName,
  staleRegistryFiles,
} from '../../../scripts/lib/registry-schemas.js';
import { exampleEvents } from './event-files.js';

const addFormats: FormatsPlugin = (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin);

type Doc = { openapi: string; paths: object; info: { title: string }; components: { schemas: Record<string, JsonSchema> } };
const documentOf = (detailType: string): Doc => JSON.parse(readFileSync(join(REGISTRY_DIR, `${kebabDetailType(detailType)}.json`), 'utf8')) as Doc;

/** Every keyword used in a schema tree, with its path (`x-` extensions are OpenAPI annotations). */
function keywords(schema: unknown, at = '#'): string[] {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return [];
  return Object.entries(schema).flatMap(([key, value]) => [
    ...(key.startsWith('x-amazon-events-') ? [] : [`${at}/${key}`]),
    ...(key === 'properties' ? Object.entries(value as object).flatMap(([k, v]) => keywords(v, `${at}/properties/${k}`)) : []),
    ...(key === 'items' || key === 'additionalProperties' ? keywords(value, `${at}/${key}`) : []),
    ...(key === 'anyOf' ? (value as unknown[]).flatMap((v, i) => keywords(v, `${at}/anyOf/${i}`)) : []),
  ]);
}

/**
 * The document as a draft-4 JSON Schema for its AWSEvent: components become `definitions`, `x-`
 * annotations go. It uses only PORTABLE_KEYWORDS (checked below), which mean the same in OpenAPI
 * 3.0, draft 4 and draft 7, so ajv's draft-7 validator gives the draft-4 verdict.
 */
function asDraft4(doc: Doc): JsonSchema {
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !k.startsWith('x-'))
        .map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', '#/definitions/') : rewrite(v)]),
    );
  };
  return { definitions: rewrite(doc.components.schemas), $ref: '#/definitions/AWSEvent' } as JsonSchema;
}

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
const validators = new Map(DETAIL_TYPES.map((d) => [d, ajv.compile(asDraft4(documentOf(d)))]));
const examples = exampleEvents().filter((e) => !e.name.startsWith('acm/'));

describe('schemas/eventbridge-registry/', () => {
  it('matches what scripts/generate-registry-schemas.ts generates from the catalogue', () => {
    // Prepare: the catalogue is the single source; the files are its output
    // Act
    const stale = staleRegistryFiles();
    // Assess
    expect(stale, 'run: npm run schemas:registry').toEqual([]);
  });

  it.each(DETAIL_TYPES.map((d) => [d]))('%s: an OpenAPI 3.0 document shaped as AWS’s own (AWSEvent + detail)', (detailType) => {
    // Prepare
    const doc = documentOf(detailType);
    // Act
    const event = doc.components.schemas.AWSEvent as JsonSchema & { properties: Record<string, JsonSchema> };
    const detailRef = event.properties.detail?.$ref as string;
    // Assess
    expect({ openapi: doc.openapi, paths: doc.paths }).toEqual({ openapi: '3.0.0', paths: {} });
    expect(event['x-amazon-events-detail-type']).toBe(detailType);
    expect(event['x-amazon-events-source']).toBe('certflow');
    expect(event.required).toEqual(expect.arrayContaining(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']));
    expect(doc.components.schemas[detailRef.replace('#/components/schemas/', '')]).toBeDefined();
  });

  it.each(DETAIL_TYPES.map((d) => [d]))('%s: uses only keywords OpenAPI 3.0 and draft 4 share', (detailType) => {
    // Prepare
    const doc = documentOf(detailType);
    // Act
    const used = Object.entries(doc.components.schemas).flatMap(([name, s]) => keywords(s, name));
    // Assess
    expect(used.filter((path) => !PORTABLE_KEYWORDS.has(path.split('/').pop()!))).toEqual([]);
  });

  it('has an example in events/examples/ for every detail-type', () => {
    // Prepare
    // Act
    const covered = new Set(examples.map((e) => (e.json as { 'detail-type': string })['detail-type']));
    // Assess
    expect(DETAIL_TYPES.filter((d) => !covered.has(d))).toEqual([]);
  });

  it.each(examples.map((e) => [e.name, e.json] as const))('accepts %s, envelope and detail, against its registry document', (_name, event) => {
    // Prepare
    const validate = validators.get((event as { 'detail-type': (typeof DETAIL_TYPES)[number] })['detail-type'])!;
    // Act
    const ok = validate(event);
    // Assess
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it.each(examples.map((e) => [e.name, e.json] as const))('rejects %s when its detail or envelope is broken, or under another detail-type', (_name, event) => {
    // Prepare
    const e = event as { 'detail-type': (typeof DETAIL_TYPES)[number]; detail: Record<string, unknown> } & Record<string, unknown>;
    const validate = validators.get(e['detail-type'])!;
    const { idempotencyKey: _key, ...detailWithoutKey } = e.detail;
    const other = validators.get(DETAIL_TYPES.find((d) => d !== e['detail-type'])!)!;
    // Act
    const verdicts = [
      validate({ ...e, detail: detailWithoutKey }),
      validate({ ...e, detail: { ...e.detail, occurredAt: 'yesterday' } }),
      validate({ ...e, detail: { ...e.detail, unknownField: 1 } }),
      validate({ ...e, source: 'someone-else' }),
      validate({ ...e, account: '42' }),
      other(e),
    ];
    // Assess
    expect(verdicts).toEqual([false, false, false, false, false, false]);
  });
});

describe('schemas/eventbridge-registry/resources.json (CloudFormation for serverless.yml)', () => {
  const template = JSON.parse(readFileSync(RESOURCES_FILE, 'utf8')) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  const schemas = Object.values(template.Resources).filter((r) => r.Type === 'AWS::EventSchemas::Schema');

  it('creates one registry and one OpenApi3 schema per detail-type, named <source>@<DetailType>', () => {
    // Prepare
    // Act
    const registries = Object.values(template.Resources).filter((r) => r.Type === 'AWS::EventSchemas::Registry');
    // Assess
    expect(registries).toHaveLength(1);
    expect(registries[0]?.Properties.RegistryName).toBe('certflow-${sls:stage}');
    expect(schemas.map((s) => s.Properties.SchemaName).sort()).toEqual(DETAIL_TYPES.map(registrySchemaName).sort());
    expect(new Set(schemas.map((s) => s.Properties.Type))).toEqual(new Set(['OpenApi3']));
    expect(schemas.every((s) => JSON.stringify(s.Properties.RegistryName) === '{"Fn::GetAtt":["EventSchemaRegistry","RegistryName"]}')).toBe(true);
  });

  it('holds, as each schema’s Content, exactly the document of its detail-type', () => {
    // Prepare
    // Act
    const contents = schemas.map((s) => [s.Properties.SchemaName, JSON.parse(s.Properties.Content as string) as Doc] as const);
    // Assess
    for (const [name, doc] of contents) {
      const detailType = DETAIL_TYPES.find((d) => registrySchemaName(d) === name)!;
      expect(doc).toEqual(documentOf(detailType));
    }
  });

  it('leaves no serverless variable in any Content (only the registry name carries the stage)', () => {
    // Prepare
    // Act
    const withVariables = schemas.filter((s) => (s.Properties.Content as string).includes('${'));
    // Assess
    expect(withVariables).toEqual([]);
  });
});
