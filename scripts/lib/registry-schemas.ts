import { join } from 'node:path';
import { SCHEMA_VERSION } from '../../src/domain/events/catalogue.js';
import { CERTFLOW_SOURCE } from '../../src/domain/events/envelope.js';
import { EventEnvelopeSchema } from '../../src/domain/events/envelope.schema.js';
import { allDetailJsonSchemas, type JsonSchema } from '../../src/domain/events/json-schema.js';
import { SCHEMAS_DIR, staleGeneratedFiles } from './schema-files.js';

/*
 * certflow's event contracts for the EventBridge schema registry (issue 7 item 8), generated from
 * the same catalogue as `schemas/`. The registry takes OpenApi3 or JSONSchemaDraft4, not draft
 * 2020-12; these are OpenApi3 documents shaped as AWS's own discovered schemas are: `openapi`
 * 3.0.0, empty `paths`, and under `components.schemas` an `AWSEvent` (the envelope, tagged with
 * `x-amazon-events-detail-type` and `x-amazon-events-source`) whose `detail` refers to the detail
 * schema. Schema names follow AWS's `<source>@<DetailType>` (e.g. `aws.acm@ACMCertificateExpired`).
 */

export const REGISTRY_DIR = join(SCHEMAS_DIR, 'eventbridge-registry');
export const RESOURCES_FILE = join(REGISTRY_DIR, 'resources.json');

/** Logical id of the registry in the stack; its name carries the stage. */
export const REGISTRY_LOGICAL_ID = 'EventSchemaRegistry';
export const REGISTRY_NAME = 'certflow-${sls:stage}';

/** Keywords an OpenAPI 3.0 Schema Object shares with JSON Schema draft 4 (and 7), same meaning. */
export const PORTABLE_KEYWORDS = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'format',
  'title',
  'description',
  'anyOf',
  '$ref',
]);

/** `Certificate Issued` → `CertificateIssued`: the component and schema name, as AWS names them. */
export function pascalDetailType(detailType: string): string {
  return detailType.replace(/[^A-Za-z0-9]/g, '');
}

/** `certflow@CertificateIssued`. */
export function registrySchemaName(detailType: string): string {
  return `${CERTFLOW_SOURCE}@${pascalDetailType(detailType)}`;
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A draft 2020-12 schema (as the catalogue writes them) as an OpenAPI 3.0 Schema Object:
 * `$schema`/`$id` dropped, `const` written as a one-value `enum`, a union of literals as one
 * `enum` (code bindings get an enum type). Throws on any keyword outside {@link PORTABLE_KEYWORDS},
 * so a catalogue change that OpenAPI 3.0 cannot say is noticed here, not in AWS.
 */
export function toOpenApiSchema(schema: unknown, at = '#'): JsonSchema {
  if (!isObject(schema)) throw new Error(`${at}: not a schema`);
  const anyOf = schema.anyOf;
  if (Array.isArray(anyOf) && anyOf.length > 0 && anyOf.every((b) => isObject(b) && b.const !== undefined)) {
    const values = anyOf.map((b) => (b as JsonSchema).const);
    const types = [...new Set(values.map((v) => typeof v))];
    if (types.length !== 1) throw new Error(`${at}: a union of literals of several types`);
    const rest = Object.fromEntries(Object.entries(schema).filter(([k]) => k !== 'anyOf'));
    return toOpenApiSchema({ ...rest, type: types[0], enum: values }, at);
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema' || key === '$id') continue;
    if (key === 'const') {
      out.type ??= typeof value;
      out.enum = [value];
      continue;
    }
    if (!PORTABLE_KEYWORDS.has(key)) throw new Error(`${at}/${key}: no OpenAPI 3.0 equivalent`);
    if (key === 'properties' && isObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toOpenApiSchema(v, `${at}/properties/${k}`)]));
    } else if (key === 'items' || (key === 'additionalProperties' && isObject(value))) {
      out[key] = toOpenApiSchema(value, `${at}/${key}`);
    } else if (key === 'anyOf' && Array.isArray(value)) {
      out.anyOf = value.map((v, i) => toOpenApiSchema(v, `${at}/anyOf/${i}`));
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** The registry document of one detail-type: the envelope (`AWSEvent`) and its detail. */
export function registryDocument(detailType: string, detailSchema: JsonSchema): JsonSchema {
  const name = pascalDetailType(detailType);
  const envelope = toOpenApiSchema(JSON.parse(JSON.stringify(EventEnvelopeSchema)));
  const envelopeProperties = envelope.properties as Record<string, JsonSchema>;
  const { title: _title, ...detail } = toOpenApiSchema(detailSchema);
  return {
    openapi: '3.0.0',
    info: { version: `${SCHEMA_VERSION}.0`, title: name, description: detailSchema.description },
    paths: {},
    components: {
      schemas: {
        AWSEvent: {
          type: 'object',
          description: `${detailType}: the EventBridge event certflow puts on its bus`,
          required: envelope.required,
          'x-amazon-events-detail-type': detailType,
          'x-amazon-events-source': CERTFLOW_SOURCE,
          properties: {
            ...envelopeProperties,
            'detail-type': { type: 'string', enum: [detailType] },
            detail: { $ref: `#/components/schemas/${name}` },
          },
        },
        [name]: { title: detailType, ...detail },
      },
    },
  };
}

function serialise(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** The CloudFormation the stack includes: the registry and one OpenApi3 schema per detail-type. */
export function registryResources(): JsonSchema {
  const schemas = Object.fromEntries(
    allDetailJsonSchemas().map(({ detailType, schema }) => [
      `${pascalDetailType(detailType)}EventSchema`,
      {
        Type: 'AWS::EventSchemas::Schema',
        Properties: {
          RegistryName: { 'Fn::GetAtt': [REGISTRY_LOGICAL_ID, 'RegistryName'] },
          SchemaName: registrySchemaName(detailType),
          Type: 'OpenApi3',
          Description: `${detailType} (certflow events, schema ${SCHEMA_VERSION})`,
          Content: JSON.stringify(registryDocument(detailType, schema)),
        },
      },
    ]),
  );
  return {
    Resources: {
      [REGISTRY_LOGICAL_ID]: {
        Type: 'AWS::EventSchemas::Registry',
        Properties: {
          RegistryName: REGISTRY_NAME,
          Description: 'certflow lifecycle events: one schema per detail-type (generated by scripts/generate-registry-schemas.ts)',
        },
      },
      ...schemas,
    },
    Outputs: {
      EventSchemaRegistryName: { Value: { 'Fn::GetAtt': [REGISTRY_LOGICAL_ID, 'RegistryName'] } },
    },
  };
}

/** Every generated file (absolute path → content): one document per detail-type, and resources.json. */
export function expectedRegistryFiles(): Map<string, string> {
  const files = new Map(
    allDetailJsonSchemas().map(({ detailType, fileName, schema }) => [join(REGISTRY_DIR, fileName), serialise(registryDocument(detailType, schema))]),
  );
  files.set(RESOURCES_FILE, serialise(registryResources()));
  return files;
}

/** Generated files that differ from disk, are missing, or are left over from a removed detail-type. */
export function staleRegistryFiles(): string[] {
  return staleGeneratedFiles(expectedRegistryFiles(), REGISTRY_DIR);
}
