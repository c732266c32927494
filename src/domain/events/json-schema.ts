import { DETAIL_TYPES, EventCatalogue, SCHEMA_MAJOR, type DetailType } from './catalogue.js';

/** The JSON Schema dialect of every published event schema. */
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** A JSON Schema as plain JSON (no TypeBox symbols), ready to write or compare. */
export type JsonSchema = Record<string, unknown>;

/** `Certificate Rotated` → `certificate-rotated`: the file name of its schema and of its example events. */
export function kebabDetailType(detailType: string): string {
  return detailType
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** A stable URN rather than an https URL: certflow owns no domain to serve schemas from. */
export function schemaId(detailType: DetailType, major: number = SCHEMA_MAJOR): string {
  return `urn:certflow:events:${kebabDetailType(detailType)}:v${major}`;
}

/**
 * The published JSON Schema of one detail-type, derived from the TypeBox catalogue: the same
 * object the validators compile, plus `$schema`, `$id` and `title`. `schemas/*.json` are this, written out.
 */
export function detailJsonSchema(detailType: DetailType): JsonSchema {
  // A JSON round trip drops TypeBox's symbol keys ([Kind], [OptionalKind]) and freezes key order.
  const plain = JSON.parse(JSON.stringify(EventCatalogue[detailType])) as JsonSchema;
  return { $schema: JSON_SCHEMA_DIALECT, $id: schemaId(detailType), title: detailType, ...plain };
}

/** Every detail-type with its schema file name, in catalogue order. */
export function allDetailJsonSchemas(): { detailType: DetailType; fileName: string; schema: JsonSchema }[] {
  return DETAIL_TYPES.map((detailType) => ({
    detailType,
    fileName: `${kebabDetailType(detailType)}.json`,
    schema: detailJsonSchema(detailType),
  }));
}
