import type { ErrorObject, ValidateFunction } from 'ajv';

/**
 * A validator for the lean JSON Schemas the generator writes (scripts/lib/validator-modules.ts):
 * the keywords certflow's event schemas use, nothing else (the generator refuses any other), with
 * ajv's semantics and ajv's error objects (`allErrors`, same keywords, params, messages and
 * order), so callers cannot tell it from an ajv-compiled validator. Why not ajv standalone code:
 * for the 13 detail schemas it is ~65 KB minified in every handler bundle; these schemas as data
 * plus this file are ~10 KB. A test compares both on every example and hundreds of mutations.
 */

/** A lean schema node; `$ref` is `#/$defs/<name>` into the defs it is compiled with. */
export interface LeanSchema {
  readonly $ref?: string;
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maxLength?: number;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly format?: 'date-time';
  readonly maxItems?: number;
  readonly minItems?: number;
  readonly items?: LeanSchema;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean;
  readonly properties?: Readonly<Record<string, LeanSchema>>;
}

/** The keywords above: the generator checks every lean schema against this list. */
export const LEAN_KEYWORDS: readonly string[] = [
  '$ref',
  'type',
  'enum',
  'const',
  'minimum',
  'maxLength',
  'minLength',
  'pattern',
  'format',
  'maxItems',
  'minItems',
  'items',
  'required',
  'additionalProperties',
  'properties',
];

type Defs = Readonly<Record<string, LeanSchema>>;

const patterns = new Map<string, RegExp>();

// RFC 3339 date-time exactly as ajv-formats' "full" mode checks it (time zone required, leap
// second only at 23:59:60 UTC): ported rather than imported, since its module of all formats is
// 8 KB of every handler bundle. The test compares both on a few hundred strings.
const DATE = /^(\d\d\d\d)-(\d\d)-(\d\d)$/;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TIME = /^(\d\d):(\d\d):(\d\d(?:\.\d+)?)(z|([+-])(\d\d)(?::?(\d\d))?)?$/i;

function isDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && leap ? 29 : DAYS[month]!);
}

function isTime(text: string): boolean {
  const m = TIME.exec(text);
  if (!m) return false;
  const [hr, min, sec] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const tzSign = m[5] === '-' ? -1 : 1;
  const tzH = Number(m[6] ?? 0);
  const tzM = Number(m[7] ?? 0);
  if (tzH > 23 || tzM > 59 || !m[4]) return false;
  if (hr <= 23 && min <= 59 && sec < 60) return true;
  const utcMin = min - tzM * tzSign;
  const utcHr = hr - tzH * tzSign - (utcMin < 0 ? 1 : 0);
  return (utcHr === 23 || utcHr === -1) && (utcMin === 59 || utcMin === -1) && sec < 61;
}

/** The `date-time` format. */
export function isDateTime(text: string): boolean {
  const parts = text.split(/t|\s/i);
  return parts.length === 2 && isDate(parts[0]!) && isTime(parts[1]!);
}

/** Length in code points, as ajv counts it (a surrogate pair is one character). */
function length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    n++;
  }
  return n;
}

function isType(type: NonNullable<LeanSchema['type']>, data: unknown): boolean {
  switch (type) {
    case 'object':
      return typeof data === 'object' && data !== null && !Array.isArray(data);
    case 'array':
      return Array.isArray(data);
    case 'integer':
      return typeof data === 'number' && Number.isInteger(data);
    case 'number':
      return typeof data === 'number' && Number.isFinite(data);
    default:
      return typeof data === type;
  }
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function check(schema: LeanSchema, data: unknown, path: string, at: string, defs: Defs, errors: ErrorObject[]): void {
  const fail = (keyword: string, params: Record<string, unknown>, message: string, instancePath = path) =>
    errors.push({ instancePath, schemaPath: `${at}/${keyword}`, keyword, params, message });
  if (schema.$ref !== undefined) {
    const name = schema.$ref.replace('#/$defs/', '');
    // Errors inside a reference carry the reference's schema path, as ajv's do.
    check(defs[name]!, data, path, `#/$defs/${name}`, defs, errors);
    return;
  }
  if (schema.type !== undefined && !isType(schema.type, data)) fail('type', { type: schema.type }, `must be ${schema.type}`);
  if (schema.const !== undefined && data !== schema.const) fail('const', { allowedValue: schema.const }, 'must be equal to constant');
  if (schema.enum !== undefined && !schema.enum.includes(data)) fail('enum', { allowedValues: schema.enum }, 'must be equal to one of the allowed values');
  if (typeof data === 'number' && Number.isFinite(data) && schema.minimum !== undefined && data < schema.minimum) {
    fail('minimum', { comparison: '>=', limit: schema.minimum }, `must be >= ${schema.minimum}`);
  }
  if (typeof data === 'string') {
    if (schema.maxLength !== undefined && length(data) > schema.maxLength) fail('maxLength', { limit: schema.maxLength }, `must NOT have more than ${schema.maxLength} characters`);
    if (schema.minLength !== undefined && length(data) < schema.minLength) fail('minLength', { limit: schema.minLength }, `must NOT have fewer than ${schema.minLength} characters`);
    if (schema.pattern !== undefined) {
      let re = patterns.get(schema.pattern);
      if (re === undefined) patterns.set(schema.pattern, (re = new RegExp(schema.pattern, 'u')));
      if (!re.test(data)) fail('pattern', { pattern: schema.pattern }, `must match pattern "${schema.pattern}"`);
    }
    if (schema.format === 'date-time' && !isDateTime(data)) fail('format', { format: 'date-time' }, 'must match format "date-time"');
  }
  if (Array.isArray(data)) {
    if (schema.maxItems !== undefined && data.length > schema.maxItems) fail('maxItems', { limit: schema.maxItems }, `must NOT have more than ${schema.maxItems} items`);
    if (schema.minItems !== undefined && data.length < schema.minItems) fail('minItems', { limit: schema.minItems }, `must NOT have fewer than ${schema.minItems} items`);
    if (schema.items !== undefined) data.forEach((item, i) => check(schema.items!, item, `${path}/${i}`, `${at}/items`, defs, errors));
  }
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const record = data as Record<string, unknown>;
    for (const p of schema.required ?? []) {
      if (record[p] === undefined) fail('required', { missingProperty: p }, `must have required property '${p}'`);
    }
    const properties = schema.properties ?? {};
    if (schema.additionalProperties === false) {
      for (const key in record) {
        if (!Object.hasOwn(properties, key)) fail('additionalProperties', { additionalProperty: key }, 'must NOT have additional properties');
      }
    }
    for (const [key, sub] of Object.entries(properties)) {
      if (record[key] !== undefined) check(sub, record[key], `${path}/${escape(key)}`, `${at}/properties/${escape(key)}`, defs, errors);
    }
  }
}

/** A validator with ajv's interface (`validate(data)`, then `validate.errors`) for one lean schema. */
export function leanValidator(schema: LeanSchema, defs: Defs = {}): ValidateFunction {
  const validate = ((data: unknown) => {
    const errors: ErrorObject[] = [];
    check(schema, data, '', '#', defs, errors);
    validate.errors = errors.length === 0 ? null : errors;
    return errors.length === 0;
  }) as ValidateFunction;
  validate.errors = null;
  return validate;
}
