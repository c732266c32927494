import { join } from 'node:path';
import type { Options } from 'ajv/dist/2020.js';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import ucs2lengthModule from 'ajv/dist/runtime/ucs2length.js';
import { createAjv } from '../../src/domain/schema/ajv.js';
import { LEAN_KEYWORDS } from '../../src/domain/schema/lean-validator.js';
import { DETAIL_TYPES, EventCatalogue } from '../../src/domain/events/catalogue.js';
import { EventEnvelopeSchema } from '../../src/domain/events/envelope.schema.js';
import { AcmDetailSchemas, AcmEnvelopeSchema } from '../../src/domain/events/acm-events.schema.js';
import { ACM_DETAIL_TYPES } from '../../src/domain/events/acm-event-types.js';
import { ConfigSchema } from '../../src/config/config.schema.js';
import { schemaFingerprint } from '../../src/config/schema-fingerprint.js';
import { registries } from '../../src/adapters/registries.js';
import { REPO_ROOT, staleGeneratedFiles } from './schema-files.js';

/*
 * The precompiled validators in src/generated/validators/, generated from the TypeBox sources, so
 * no handler or CLI start compiles a schema and no Lambda bundle carries ajv's compiler or TypeBox.
 *
 * - Event validators (certflow's catalogue and envelope, ACM's events), in every handler bundle:
 *   lean schemas as data, run by src/domain/schema/lean-validator.ts (ajv's semantics and error
 *   objects for the keywords these schemas use). A lean schema accepts exactly the documents of
 *   its source: descriptions and titles dropped, a union of literals written as an `enum`, and
 *   every sub-schema used more than once (ids, timestamps, names, ...) shared under `defs`.
 *   ajv standalone code for the same 13 detail schemas is ~65 KB minified even so (~190 KB as
 *   they are), a quarter of the SDK floor of a function; this is ~10 KB.
 * - The configuration validator (CLI, cold start of the AWS runtime): ajv standalone code (ESM),
 *   compiled from ConfigSchema unchanged with load-config's options (defaults applied).
 */

type StandaloneCode = (ajv: ReturnType<typeof createAjv>, refs: Record<string, string>) => string;
// CommonJS modules: their default export arrives wrapped under NodeNext.
const standaloneCode = ((standaloneCodeModule as unknown as { default?: StandaloneCode }).default ?? standaloneCodeModule) as unknown as StandaloneCode;
const ucs2length = ((ucs2lengthModule as unknown as { default?: (s: string) => number }).default ?? ucs2lengthModule) as unknown as (s: string) => number;

export const VALIDATORS_DIR = join(REPO_ROOT, 'src', 'generated', 'validators');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const STANDALONE: Options = { code: { source: true, esm: true, lines: true } };

function plain(schema: unknown): Json {
  // A JSON round trip drops TypeBox's symbol keys ([Kind], [OptionalKind]).
  return JSON.parse(JSON.stringify(schema)) as Json;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Same documents accepted; annotations dropped and a union of literals turned into an enum. */
export function leanSchema(schema: Json): Json {
  if (Array.isArray(schema)) return schema.map(leanSchema);
  if (!isObject(schema)) return schema;
  const anyOf = schema.anyOf;
  if (Array.isArray(anyOf) && anyOf.length > 0 && anyOf.every((b) => isObject(b) && b.const !== undefined && Object.keys(b).every((k) => ['const', 'type', 'description', 'title'].includes(k)))) {
    return { enum: anyOf.map((b) => (b as JsonObject).const as Json) };
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description' || key === 'title' || key === '$comment' || key === 'examples') continue;
    // `properties` maps names to schemas: its keys are property names, never keywords.
    out[key] = key === 'properties' && isObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, leanSchema(v)])) : leanSchema(value);
  }
  return out;
}

/**
 * Moves every sub-schema met more than once (under `properties` or `items`) into `$defs` of one
 * bundle schema, in order of first appearance, and returns the `$ref` of each top-level schema.
 */
function shareRepeated(named: readonly (readonly [string, Json])[]): { defs: JsonObject; tops: Map<string, Json> } {
  const count = new Map<string, number>();
  const visit = (s: Json | undefined, top: boolean): void => {
    if (!isObject(s)) return;
    if (!top) count.set(JSON.stringify(s), (count.get(JSON.stringify(s)) ?? 0) + 1);
    if (isObject(s.properties)) Object.values(s.properties).forEach((p) => visit(p, false));
    if (s.items !== undefined) visit(s.items, false);
  };
  named.forEach(([, s]) => visit(s, true));
  const defs: JsonObject = {};
  const names = new Map<string, string>();
  const rewrite = (s: Json, top: boolean): Json => {
    if (!isObject(s)) return s;
    const key = JSON.stringify(s);
    const inner: JsonObject = { ...s };
    if (isObject(s.properties)) inner.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, rewrite(v, false)]));
    if (s.items !== undefined) inner.items = rewrite(s.items, false);
    // Shared when used twice or more and worth a reference (`{ type: 'string' }` is not).
    if (top || (count.get(key) ?? 0) < 2 || key.length < 40) return inner;
    let name = names.get(key);
    if (name === undefined) {
      name = `shared${names.size}`;
      names.set(key, name);
      defs[name] = inner;
    }
    return { $ref: `#/$defs/${name}` };
  };
  const tops = new Map(named.map(([name, s]) => [name, rewrite(s, true)] as const));
  return { defs, tops };
}

/** Throws on a keyword, type or format the lean validator does not know. */
function assertLean(schema: Json, at: string): void {
  if (!isObject(schema)) throw new Error(`${at}: not a schema`);
  for (const [key, value] of Object.entries(schema)) {
    if (!LEAN_KEYWORDS.includes(key)) throw new Error(`${at}/${key}: not a keyword lean-validator.ts knows; teach it, with a test against ajv`);
    if (key === 'format' && value !== 'date-time') throw new Error(`${at}/format: only date-time is known`);
    if (key === 'properties' && isObject(value)) Object.entries(value).forEach(([k, v]) => assertLean(v, `${at}/properties/${k}`));
    if (key === 'items') assertLean(value, `${at}/items`);
    if ((key === 'enum' || key === 'const') && JSON.stringify(value).includes('{')) throw new Error(`${at}/${key}: only primitive values are compared`);
  }
}

/**
 * ajv's standalone ESM still `require()`s its runtime helpers. Formats become a named import of
 * ajv-formats (the same functions ajv-formats gives a compiling ajv); ucs2length is inlined.
 */
function esmOnly(code: string): { code: string; imports: string[] } {
  let usesFormats = false;
  const out = code.replace(/require\("([^"]+)"\)((?:\.[A-Za-z_$][\w$]*)*)/g, (match, module: string, member: string) => {
    if (module === 'ajv-formats/dist/formats' && /^\.fullFormats(\.|$)/.test(member)) {
      usesFormats = true;
      return member.slice(1);
    }
    if (module === 'ajv/dist/runtime/ucs2length' && member === '.default') return `(${ucs2length.toString()})`;
    throw new Error(`generate-validators: no ESM replacement for ${match}; add one in scripts/lib/validator-modules.ts`);
  });
  return { code: out, imports: usesFormats ? ["import { fullFormats } from 'ajv-formats/dist/formats.js';"] : [] };
}

interface ModuleSpec {
  readonly file: string;
  readonly source: string;
  readonly typeImports: readonly string[];
  readonly schemas: readonly (readonly [string, Json])[];
  /** The one export: its doc comment, name, type and value, given the expression of each named validator. */
  readonly doc: string;
  readonly exportName: string;
  readonly exportType: string;
  readonly returns: (validator: (name: string) => string) => string;
}

const HEADER = (source: string) => `// Generated by scripts/generate-validators.ts from ${source}: do not edit. Regenerate with \`npm run validators\`.`;
const indent = (text: string, by: string) => text.replace(/\n/g, `\n${by}`);

/**
 * Lean schemas as data, each run by lean-validator.ts. One pure expression per module: a bundle
 * that imports the module but never uses the validators leaves all of them out.
 */
function renderLeanModule(spec: ModuleSpec): string {
  const { defs, tops } = shareRepeated(spec.schemas);
  for (const [name, schema] of [...Object.entries(defs), ...tops]) assertLean(schema, name);
  const json = (value: Json) => JSON.stringify(value, null, 2);
  return [
    HEADER(spec.source),
    "import type { ValidateFunction } from 'ajv';",
    "import { leanValidator, type LeanSchema } from '../../domain/schema/lean-validator.js';",
    ...spec.typeImports,
    '',
    spec.doc.trim(),
    `export const ${spec.exportName}: ${spec.exportType} = /* @__PURE__ */ (() => {`,
    `  const defs: Readonly<Record<string, LeanSchema>> = ${indent(json(defs), '  ')};`,
    `  return ${indent(spec.returns((name) => `leanValidator(${json(tops.get(name)!)}, defs)`), '  ')};`,
    '})();',
    '',
  ].join('\n');
}

/** ajv standalone code, compiled with `ajvOptions` (as createAjv takes them), for one schema. */
function renderAjvModule(spec: ModuleSpec, ajvOptions: { strict?: boolean; useDefaults?: boolean }): string {
  const ajv = createAjv(ajvOptions, STANDALONE);
  for (const [name, schema] of spec.schemas) ajv.addSchema(schema as object, name);
  const standalone = standaloneCode(ajv, Object.fromEntries(spec.schemas.map(([name]) => [name, name])))
    .replace(/^"use strict";\n?/, '')
    // The typed export replaces ajv's untyped ones.
    .replace(/^export const ([\w$]+) = (validate\d+);$/gm, 'const $1 = $2;');
  const { code, imports } = esmOnly(standalone);
  return [
    '/* eslint-disable */',
    '// @ts-nocheck',
    HEADER(spec.source),
    "import type { ValidateFunction } from 'ajv';",
    ...spec.typeImports,
    ...imports,
    '',
    spec.doc.trim(),
    `export const ${spec.exportName}: ${spec.exportType} = /* @__PURE__ */ (() => {`,
    code.trim(),
    `return ${spec.returns((name) => name)};`,
    '})();',
    '',
  ].join('\n');
}

/** `Certificate Issued` → `CertificateIssued`. */
const ident = (name: string) => name.replace(/[^A-Za-z0-9]/g, '');

/** `{ envelope, details: { <detail-type>: … } }` over the named validators. */
const envelopeAndDetails = (detailTypes: readonly string[]) => (validator: (name: string) => string) =>
  `{\n  envelope: ${indent(validator('envelope'), '  ')},\n  details: {\n${detailTypes.map((d) => `    ${JSON.stringify(d)}: ${indent(validator(ident(d)), '    ')},`).join('\n')}\n  },\n}`;

function leanModules(): ModuleSpec[] {
  return [
    {
      file: 'events.ts',
      source: 'src/domain/events/catalogue.ts and envelope.schema.ts',
      typeImports: ["import type { DetailType } from '../../domain/events/detail-types.js';"],
      schemas: [['envelope', leanSchema(plain(EventEnvelopeSchema))], ...DETAIL_TYPES.map((d) => [ident(d), leanSchema(plain(EventCatalogue[d]))] as const)],
      doc: '/** The envelope of a received certflow event (EventEnvelopeSchema) and the detail schema of each detail-type. */',
      exportName: 'eventValidators',
      exportType: '{ readonly envelope: ValidateFunction; readonly details: Readonly<Record<DetailType, ValidateFunction>> }',
      returns: envelopeAndDetails(DETAIL_TYPES),
    },
    {
      file: 'acm-events.ts',
      source: 'src/domain/events/acm-events.schema.ts',
      typeImports: ["import type { AcmDetailType } from '../../domain/events/acm-event-types.js';"],
      schemas: [['envelope', leanSchema(plain(AcmEnvelopeSchema))], ...ACM_DETAIL_TYPES.map((d) => [ident(d), leanSchema(plain(AcmDetailSchemas[d]))] as const)],
      doc: '/** The envelope of an ACM event (AcmEnvelopeSchema) and the detail schema of each ACM detail-type certflow reads. */',
      exportName: 'acmValidators',
      exportType: '{ readonly envelope: ValidateFunction; readonly details: Readonly<Record<AcmDetailType, ValidateFunction>> }',
      returns: envelopeAndDetails(ACM_DETAIL_TYPES),
    },
  ];
}

function configModule(): ModuleSpec {
  return {
    file: 'config.ts',
    source: 'src/config/config.schema.ts',
    typeImports: ["import type { CertflowConfigFile } from '../../config/config.schema.js';"],
    schemas: [['configFile', plain(ConfigSchema)]],
    doc: '/** The configuration file (ConfigSchema); fills in defaults, as load-config.ts expects. */',
    exportName: 'validateConfigFile',
    exportType: 'ValidateFunction<CertflowConfigFile>',
    returns: (validator) => validator('configFile'),
  };
}

/**
 * The options schema of every adapter kind the registries hold, by fingerprint (identical schemas
 * once): adapter-settings.ts finds a configured kind's validator here instead of compiling it.
 */
function adapterOptionsModule(): ModuleSpec {
  const byFingerprint = new Map<string, Json>();
  for (const family of Object.values(registries) as Record<string, { optionsSchema: unknown }>[]) {
    for (const descriptor of Object.values(family)) byFingerprint.set(schemaFingerprint(descriptor.optionsSchema), plain(descriptor.optionsSchema));
  }
  const fingerprints = [...byFingerprint.keys()].sort();
  return {
    file: 'adapter-options.ts',
    source: 'the optionsSchema of every kind in src/adapters/registries.ts',
    typeImports: [],
    schemas: fingerprints.map((f) => [`options_${f}`, byFingerprint.get(f)!] as const),
    doc: '/** Each adapter kind\'s options schema, by schemaFingerprint(); fills in defaults, as adapter-settings.ts expects. */',
    exportName: 'adapterOptionValidators',
    exportType: 'Readonly<Record<string, ValidateFunction>>',
    returns: (validator) => `{\n${fingerprints.map((f) => `  ${JSON.stringify(f)}: ${validator(`options_${f}`)},`).join('\n')}\n}`,
  };
}

/** Every generated validator module (absolute path → content) as the sources define them now. */
export function expectedValidatorModules(): Map<string, string> {
  return new Map([
    ...leanModules().map((spec) => [join(VALIDATORS_DIR, spec.file), renderLeanModule(spec)] as const),
    // As load-config.ts compiled it: defaults applied, ajv's strict mode off.
    [join(VALIDATORS_DIR, 'config.ts'), renderAjvModule(configModule(), { useDefaults: true, strict: false })] as const,
    // As adapter-settings.ts compiles an options schema it does not find here.
    [join(VALIDATORS_DIR, 'adapter-options.ts'), renderAjvModule(adapterOptionsModule(), { useDefaults: true, strict: false })] as const,
  ]);
}

/** Generated modules that differ from disk, are missing, or are left over. */
export function staleValidatorModules(): string[] {
  return staleGeneratedFiles(expectedValidatorModules(), VALIDATORS_DIR);
}
