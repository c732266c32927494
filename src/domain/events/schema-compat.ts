import type { JsonSchema } from './json-schema.js';

/**
 * Compares two versions of an event schema from a consumer's side and lists every change that
 * could break a consumer written against `previous`: a removed or retyped field, a field that
 * became required, a narrowed enum, a tightened constraint. Adding an optional field or a new
 * enum value is compatible (a minor bump). Returns one line per problem, each with its path.
 */
export function findIncompatibilities(previous: JsonSchema, current: JsonSchema): string[] {
  const problems: string[] = [];
  compare(previous, current, '', problems);
  return problems;
}

type Schema = Record<string, unknown>;

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

function compare(prev: Schema, cur: Schema, at: string, problems: string[]): void {
  const where = at === '' ? '/' : at;
  const prevType = typeOf(prev);
  const curType = typeOf(cur);
  if (prevType !== curType) {
    problems.push(`${where}: type changed from ${prevType} to ${curType}`);
    return;
  }
  const prevValues = allowedValues(prev);
  const curValues = allowedValues(cur);
  if (curValues !== undefined) {
    const removed = prevValues === undefined ? ['(any value)'] : prevValues.filter((v) => !curValues.some((c) => Object.is(c, v)));
    if (removed.length > 0) problems.push(`${where}: allowed values narrowed (no longer allowed: ${removed.map((v) => JSON.stringify(v)).join(', ')})`);
  }
  tightened(prev, cur, where, problems);
  if (prevType === 'object') compareObjects(prev, cur, at, problems);
  if (prevType === 'array' && isSchema(prev.items) && isSchema(cur.items)) compare(prev.items, cur.items, `${at}/items`, problems);
}

function compareObjects(prev: Schema, cur: Schema, at: string, problems: string[]): void {
  const prevProps = isSchema(prev.properties) ? prev.properties : {};
  const curProps = isSchema(cur.properties) ? cur.properties : {};
  for (const [name, prevProp] of Object.entries(prevProps)) {
    const curProp = curProps[name];
    if (curProp === undefined) {
      problems.push(`${at}/${name}: removed`);
    } else if (isSchema(prevProp) && isSchema(curProp)) {
      compare(prevProp, curProp, `${at}/${name}`, problems);
    }
  }
  const prevRequired = new Set(Array.isArray(prev.required) ? (prev.required as string[]) : []);
  const curRequired = Array.isArray(cur.required) ? (cur.required as string[]) : [];
  for (const name of curRequired) {
    // A field the previous schema had as optional may be absent in stored or replayed events.
    if (!prevRequired.has(name)) problems.push(`${at}/${name}: newly required`);
  }
  if (prev.additionalProperties !== false && cur.additionalProperties === false) {
    problems.push(`${at === '' ? '/' : at}: additional properties no longer allowed`);
  }
}

/** `enum` for an anyOf of literals (TypeBox's Union of Literals), else the JSON Schema type. */
function typeOf(schema: Schema): string {
  if (Array.isArray(schema.anyOf)) {
    const types = new Set((schema.anyOf as unknown[]).map((b) => (isSchema(b) ? typeOf(b) : 'unknown')));
    return types.size === 1 ? [...types][0] as string : `anyOf(${[...types].sort().join('|')})`;
  }
  if (typeof schema.type === 'string') return schema.type;
  if ('const' in schema) return typeof schema.const;
  return 'any';
}

function allowedValues(schema: Schema): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum as unknown[];
  if ('const' in schema) return [schema.const];
  if (Array.isArray(schema.anyOf)) {
    const branches = schema.anyOf as unknown[];
    if (branches.every((b) => isSchema(b) && 'const' in b)) return branches.map((b) => (b as Schema).const);
  }
  return undefined;
}

/** Keywords whose change can only be proven harmless in one direction. */
function tightened(prev: Schema, cur: Schema, where: string, problems: string[]): void {
  for (const key of ['pattern', 'format'] as const) {
    if (cur[key] !== undefined && cur[key] !== prev[key]) {
      problems.push(`${where}: ${key} changed from ${JSON.stringify(prev[key] ?? null)} to ${JSON.stringify(cur[key])}`);
    }
  }
  for (const key of ['maxLength', 'maxItems', 'maximum', 'exclusiveMaximum'] as const) {
    const p = prev[key];
    const c = cur[key];
    if (typeof c === 'number' && (typeof p !== 'number' || c < p)) problems.push(`${where}: ${key} lowered to ${c}`);
  }
  for (const key of ['minLength', 'minItems', 'minimum', 'exclusiveMinimum'] as const) {
    const p = prev[key];
    const c = cur[key];
    if (typeof c === 'number' && (typeof p !== 'number' || c > p)) problems.push(`${where}: ${key} raised to ${c}`);
  }
}
