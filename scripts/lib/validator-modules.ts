import { join } from 'node:path';
import type { Options } from 'ajv/dist/2020.js';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import ucs2lengthModule from 'ajv/dist/runtime/ucs2length.js';
import { createAjv } from '../../src/domain/schema/ajv.js';
import { DETAIL_TYPES, EventCatalogue } from '../../src/domain/events/catalogue.js';
import { EventEnvelopeSchema } from '../../src/domain/events/envelope.schema.js';
import { AcmDetailSchemas, AcmEnvelopeSchema } from '../../src/adapters/aws/acm-events.schema.js';
import { ACM_DETAIL_TYPES } from '../../src/adapters/aws/acm-event-types.js';
import { ConfigSchema } from '../../src/config/config.schema.js';
import { REPO_ROOT, staleGeneratedFiles } from './schema-files.js';

/*
 * The precompiled validators in src/generated/validators/: ajv standalone code (ESM), generated
 * from the same TypeBox sources as before, so no handler or CLI start compiles a schema, and
 * neither ajv's compiler nor TypeBox is bundled into a Lambda function.
 *
 * Event validators are compiled from a lean copy of each schema that accepts exactly the same
 * documents: descriptions and titles dropped, a union of literals written as an `enum`, and every
 * sub-schema used more than once (ids, timestamps, names, ...) shared under `$defs` and called,
 * not inlined. Compiled as they are, the 13 detail schemas are ~190 KB of minified code.
 * The configuration validator is compiled from ConfigSchema unchanged, with load-config's options.
 */

type StandaloneCode = (ajv: ReturnType<typeof createAjv>, refs: Record<string, string>) => string;
// CommonJS modules: their default export arrives wrapped under NodeNext.
const standaloneCode = ((standaloneCodeModule as unknown as { default?: StandaloneCode }).default ?? standaloneCodeModule) as unknown as StandaloneCode;
const ucs2length = ((ucs2lengthModule as unknown as { default?: (s: string) => number }).default ?? ucs2lengthModule) as unknown as (s: string) => number;

export const VALIDATORS_DIR = join(REPO_ROOT, 'src', 'generated', 'validators');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const STANDALONE: Options = { code: { source: true, esm: true, lines: true }, inlineRefs: false, loopRequired: 1 };
/** Only a `$id` that is a URL resolves `$ref`s in ajv; nothing is fetched from it. */
const BUNDLE_ID = 'https://certflow.invalid/validators.json';

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
  // A const is its own type check.
  if (out.const !== undefined && typeof out.const !== 'object') delete out.type;
  return out;
}

/**
 * Moves every sub-schema met more than once (under `properties` or `items`) into `$defs` of one
 * bundle schema, in order of first appearance, and returns the `$ref` of each top-level schema.
 */
function shareRepeated(named: readonly (readonly [string, Json])[]): { bundle: JsonObject; refs: Record<string, string> } {
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
    if (top || (count.get(key) ?? 0) < 2) return inner;
    let name = names.get(key);
    if (name === undefined) {
      name = `shared${names.size}`;
      names.set(key, name);
      defs[name] = inner;
    }
    return { $ref: `#/$defs/${name}` };
  };
  const tops = named.map(([name, s]) => [name, rewrite(s, true)] as const);
  for (const [name, s] of tops) defs[name] = s;
  return { bundle: { $id: BUNDLE_ID, $defs: defs }, refs: Object.fromEntries(tops.map(([name]) => [name, `${BUNDLE_ID}#/$defs/${name}`])) };
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
  /** ajv options of the compiling instance (as createAjv takes them). */
  readonly ajv: { strict?: boolean; useDefaults?: boolean };
  readonly schemas: readonly (readonly [string, Json])[];
  readonly share: boolean;
  /** The one export: its doc comment, name, type and value (an expression over the validators). */
  readonly doc: string;
  readonly exportName: string;
  readonly exportType: string;
  readonly returns: string;
}

function renderModule(spec: ModuleSpec): string {
  const ajv = createAjv(spec.ajv, STANDALONE);
  let refs: Record<string, string>;
  if (spec.share) {
    const shared = shareRepeated(spec.schemas);
    ajv.addSchema(shared.bundle);
    refs = shared.refs;
  } else {
    for (const [name, schema] of spec.schemas) ajv.addSchema(schema as object, name);
    refs = Object.fromEntries(spec.schemas.map(([name]) => [name, name]));
  }
  const standalone = standaloneCode(ajv, refs)
    .replace(/^"use strict";\n?/, '')
    // The typed export replaces ajv's untyped ones.
    .replace(/^export const ([\w$]+) = (validate\d+);$/gm, 'const $1 = $2;');
  const { code, imports } = esmOnly(standalone);
  // One pure expression per module: a bundle that imports the module but never uses the
  // validators (e.g. validate.ts's helpers in the ACM function) leaves all of them out.
  return [
    '/* eslint-disable */',
    '// @ts-nocheck',
    `// Generated by scripts/generate-validators.ts from ${spec.source}: do not edit. Regenerate with \`npm run validators\`.`,
    "import type { ValidateFunction } from 'ajv';",
    ...spec.typeImports,
    ...imports,
    '',
    spec.doc.trim(),
    `export const ${spec.exportName}: ${spec.exportType} = /* @__PURE__ */ (() => {`,
    code.trim(),
    `return ${spec.returns.trim()};`,
    '})();',
    '',
  ].join('\n');
}

const ident = (name: string) => `${name.replace(/[^A-Za-z0-9]/g, '')}_`;

function moduleSpecs(): ModuleSpec[] {
  return [
    {
      file: 'events.ts',
      source: 'src/domain/events/catalogue.ts and envelope.schema.ts',
      typeImports: ["import type { DetailType } from '../../domain/events/detail-types.js';"],
      ajv: {},
      share: true,
      schemas: [['envelope_', leanSchema(plain(EventEnvelopeSchema))], ...DETAIL_TYPES.map((d) => [ident(d), leanSchema(plain(EventCatalogue[d]))] as const)],
      doc: '/** The envelope of a received certflow event (EventEnvelopeSchema) and the detail schema of each detail-type. */',
      exportName: 'eventValidators',
      exportType: '{ readonly envelope: ValidateFunction; readonly details: Readonly<Record<DetailType, ValidateFunction>> }',
      returns: `{\n  envelope: envelope_,\n  details: {\n${DETAIL_TYPES.map((d) => `    ${JSON.stringify(d)}: ${ident(d)},`).join('\n')}\n  },\n}`,
    },
    {
      file: 'acm-events.ts',
      source: 'src/adapters/aws/acm-events.schema.ts',
      typeImports: ["import type { AcmDetailType } from '../../adapters/aws/acm-event-types.js';"],
      ajv: {},
      share: true,
      schemas: [['envelope_', leanSchema(plain(AcmEnvelopeSchema))], ...ACM_DETAIL_TYPES.map((d) => [ident(d), leanSchema(plain(AcmDetailSchemas[d]))] as const)],
      doc: "/** The envelope of an ACM event (AcmEnvelopeSchema) and the detail schema of each ACM detail-type certflow reads. */",
      exportName: 'acmValidators',
      exportType: '{ readonly envelope: ValidateFunction; readonly details: Readonly<Record<AcmDetailType, ValidateFunction>> }',
      returns: `{\n  envelope: envelope_,\n  details: {\n${ACM_DETAIL_TYPES.map((d) => `    ${JSON.stringify(d)}: ${ident(d)},`).join('\n')}\n  },\n}`,
    },
    {
      file: 'config.ts',
      source: 'src/config/config.schema.ts',
      typeImports: ["import type { CertflowConfigFile } from '../../config/config.schema.js';"],
      // As load-config.ts compiled it: defaults applied, ajv's strict mode off.
      ajv: { useDefaults: true, strict: false },
      share: false,
      schemas: [['configFile_', plain(ConfigSchema)]],
      doc: '/** The configuration file (ConfigSchema); fills in defaults, as load-config.ts expects. */',
      exportName: 'validateConfigFile',
      exportType: 'ValidateFunction<CertflowConfigFile>',
      returns: 'configFile_',
    },
  ];
}

/** Every generated validator module (absolute path → content) as the sources define them now. */
export function expectedValidatorModules(): Map<string, string> {
  return new Map(moduleSpecs().map((spec) => [join(VALIDATORS_DIR, spec.file), renderModule(spec)]));
}

/** Generated modules that differ from disk, are missing, or are left over. */
export function staleValidatorModules(): string[] {
  return staleGeneratedFiles(expectedValidatorModules(), VALIDATORS_DIR);
}
