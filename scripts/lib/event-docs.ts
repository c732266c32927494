import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { SCHEMA_VERSION } from '../../src/domain/events/catalogue.js';
import { allDetailJsonSchemas, type JsonSchema } from '../../src/domain/events/json-schema.js';
import { REPO_ROOT } from './schema-files.js';

export const BEGIN = '<!-- events:begin -->';
export const END = '<!-- events:end -->';

/** The file that carries the generated catalogue, between the markers. */
export const DOC_TARGET = join(REPO_ROOT, 'README.md');

type Schema = Record<string, unknown>;

/** The generated catalogue: a table of detail-types, then one field table per type. Links are relative to `linkBase`. */
export function renderEventCatalogue(linkBase = ''): string {
  const schemas = allDetailJsonSchemas();
  const lines: string[] = [
    '## Lifecycle events',
    '',
    `Source \`certflow\`, schema version ${SCHEMA_VERSION}. Generated from \`src/domain/events/catalogue.ts\` by \`scripts/generate-event-docs.ts\`; do not edit by hand. Consumers deduplicate on \`detail.idempotencyKey\`; for \`Certificate Rotated\` they also ignore a \`revision\` lower than one already applied. Events never carry key material.`,
    '',
    '| detail-type | emitted when | schema | example |',
    '|---|---|---|---|',
    ...schemas.map(({ detailType, fileName, schema }) => {
      const example = `${linkBase}events/examples/${fileName}`;
      return `| [${detailType}](#${anchor(detailType)}) | ${cell(String(schema.description ?? ''))} | [\`schemas/${fileName}\`](${linkBase}schemas/${fileName}) | [example](${example}) |`;
    }),
  ];
  for (const { detailType, schema } of schemas) {
    lines.push('', `### ${detailType}`, '', cell(String(schema.description ?? '')), '', '| field | type | required | description |', '|---|---|---|---|');
    for (const row of fieldRows(schema, '')) lines.push(row);
  }
  return lines.join('\n');
}

function fieldRows(schema: JsonSchema, prefix: string): string[] {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).flatMap(([name, prop]) => {
    const field = `${prefix}${name}`;
    const row = `| \`${field}\` | ${cell(typeName(prop))} | ${required.has(name) ? 'yes' : 'no'} | ${cell(String(prop.description ?? ''))} |`;
    // Nested objects (names, issuer) are listed field by field so consumers see every leaf.
    return prop.type === 'object' && prop.properties !== undefined ? [row, ...fieldRows(prop, `${field}.`)] : [row];
  });
}

function typeName(s: Schema): string {
  if (Array.isArray(s.anyOf)) return (s.anyOf as Schema[]).map((b) => ('const' in b ? JSON.stringify(b.const) : typeName(b))).join(' \\| ');
  if (s.type === 'array') return `${typeName((s.items ?? {}) as Schema)}[]`;
  const facets = [
    typeof s.format === 'string' ? s.format : undefined,
    typeof s.pattern === 'string' ? `pattern \`${s.pattern}\`` : undefined,
    typeof s.minimum === 'number' ? `≥ ${s.minimum}` : undefined,
    typeof s.maxLength === 'number' ? `≤ ${s.maxLength} chars` : undefined,
  ].filter((f) => f !== undefined);
  return `${String(s.type ?? 'any')}${facets.length > 0 ? ` (${facets.join(', ')})` : ''}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function anchor(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
}

/** The repository root as seen from `file`, for links: `../` from docs/events.md, `` from README.md. */
export function linkBaseFor(file: string): string {
  const up = relative(dirname(file), REPO_ROOT);
  return up === '' ? '' : `${up.split(/[\\/]/).join('/')}/`;
}

/** Replaces what lies between the markers; undefined when the text has no markers. */
export function withCatalogue(text: string, catalogue: string): string | undefined {
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) return undefined;
  return `${text.slice(0, begin + BEGIN.length)}\n${catalogue}\n${text.slice(end)}`;
}

/** True when the catalogue section of {@link DOC_TARGET} is missing or differs from what the catalogue generates now. */
export function docsAreStale(): boolean {
  if (!existsSync(DOC_TARGET)) return true;
  const text = readFileSync(DOC_TARGET, 'utf8');
  const updated = withCatalogue(text, renderEventCatalogue(linkBaseFor(DOC_TARGET)));
  return updated === undefined || updated !== text;
}
