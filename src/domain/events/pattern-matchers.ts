import { compileCidr } from './pattern-cidr.js';
import { compileWildcard, type WildcardMatcher } from './pattern-wildcard.js';

/**
 * Leaf matchers of EventBridge event patterns: one entry of a field's value array, e.g. `"a"`,
 * `{ "prefix": "us-" }` or `{ "anything-but": ["x", "y"] }`. Compiled once into a predicate on
 * one scalar event value; the structural rules (AND across fields, `$or`, arrays) are in pattern.ts.
 */

/** A JSON scalar as found at a leaf of an event. */
export type Scalar = string | number | boolean | null;

/** A compiled leaf matcher. `exists` is special: it looks at presence, not at a value. */
export type LeafMatcher =
  | { readonly kind: 'exists'; readonly present: boolean }
  | { readonly kind: 'value'; readonly describe: string; readonly test: (value: Scalar) => boolean };

/** Operators the local bus refuses rather than approximate: a silent mismatch would be worse. */
const UNSUPPORTED: Record<string, string> = {
  contains: '"contains" is not an EventBridge operator',
};

/** Names that cannot be field names inside `$or` (EventBridge reads them as operators). */
export const OPERATOR_NAMES = new Set(['prefix', 'suffix', 'anything-but', 'numeric', 'exists', 'equals-ignore-case', 'wildcard', 'cidr']);

// EventBridge's documented numeric range: larger magnitudes are refused, not rounded.
const NUMERIC_LIMIT = 5e9;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const lower = (s: string) => s.toLowerCase();

/** Compiles one element of a leaf array; pushes a message to `problems` and returns undefined when it is invalid. */
export function compileLeaf(element: unknown, at: string, problems: string[]): LeafMatcher | undefined {
  if (element === null || typeof element === 'string' || typeof element === 'boolean') {
    return { kind: 'value', describe: JSON.stringify(element), test: (v) => v === element };
  }
  if (typeof element === 'number') {
    // Numbers compare by value, so 301.8 matches 3.018e2 as in EventBridge.
    return { kind: 'value', describe: String(element), test: (v) => typeof v === 'number' && v === element };
  }
  if (!isObject(element)) {
    problems.push(`${at}: a match value must be a string, number, boolean, null or an operator object`);
    return undefined;
  }
  const keys = Object.keys(element);
  if (keys.length !== 1) {
    problems.push(`${at}: an operator object has exactly one key (found ${keys.length})`);
    return undefined;
  }
  const op = keys[0] as string;
  const arg = element[op];
  const fail = (message: string) => {
    problems.push(`${at}: ${message}`);
    return undefined;
  };
  if (op in UNSUPPORTED) return fail(UNSUPPORTED[op] as string);
  switch (op) {
    case 'exists':
      return typeof arg === 'boolean' ? { kind: 'exists', present: arg } : fail('"exists" takes true or false');
    case 'prefix':
    case 'suffix': {
      const spec = stringOrIgnoreCase(arg);
      if (spec === undefined) return fail(`"${op}" takes a string or { "equals-ignore-case": string }`);
      const { text, ignoreCase } = spec;
      const needle = ignoreCase ? lower(text) : text;
      const test = (v: Scalar) => {
        if (typeof v !== 'string') return false;
        const hay = ignoreCase ? lower(v) : v;
        return op === 'prefix' ? hay.startsWith(needle) : hay.endsWith(needle);
      };
      return { kind: 'value', describe: `${op} ${JSON.stringify(text)}${ignoreCase ? ' (ignore case)' : ''}`, test };
    }
    case 'equals-ignore-case':
      return typeof arg === 'string'
        ? { kind: 'value', describe: `equals-ignore-case ${JSON.stringify(arg)}`, test: (v) => typeof v === 'string' && lower(v) === lower(arg) }
        : fail('"equals-ignore-case" takes a string');
    case 'wildcard': {
      if (typeof arg !== 'string') return fail('"wildcard" takes a string');
      const matcher = wildcard(arg, `${at}/wildcard`, problems);
      return matcher && { kind: 'value', describe: `wildcard ${JSON.stringify(arg)}`, test: (v) => typeof v === 'string' && matcher.test(v) };
    }
    case 'cidr': {
      const block = compileCidr(arg);
      if ('problem' in block) return fail(block.problem);
      return { kind: 'value', describe: `cidr ${JSON.stringify(arg)}`, test: (v) => typeof v === 'string' && block.test(v) };
    }
    case 'numeric':
      return compileNumeric(arg, `${at}/numeric`, problems);
    case 'anything-but': {
      const inner = compileAnythingBut(arg, `${at}/anything-but`, problems);
      // "Anything but X" holds for every present value X rejects, whatever its type.
      return inner && { kind: 'value', describe: `anything-but ${inner.describe}`, test: (v) => !inner.test(v) };
    }
    default:
      return fail(`unsupported operator "${op}"`);
  }
}

function stringOrIgnoreCase(arg: unknown): { text: string; ignoreCase: boolean } | undefined {
  if (typeof arg === 'string') return { text: arg, ignoreCase: false };
  if (isObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') {
    return { text: arg['equals-ignore-case'], ignoreCase: true };
  }
  return undefined;
}

function compileAnythingBut(arg: unknown, at: string, problems: string[]): { describe: string; test: (v: Scalar) => boolean } | undefined {
  const fail = (message: string) => {
    problems.push(`${at}: ${message}`);
    return undefined;
  };
  if (typeof arg === 'string' || typeof arg === 'number') arg = [arg];
  if (Array.isArray(arg)) {
    if (arg.length === 0) return fail('the list is empty');
    const strings = arg.every((x) => typeof x === 'string');
    const numbers = arg.every((x) => typeof x === 'number');
    if (!strings && !numbers) return fail('a list holds only strings or only numbers (no mix, null or boolean)');
    if (numbers && arg.some((x) => Math.abs(x as number) > NUMERIC_LIMIT)) return fail(`numbers must lie within ±${NUMERIC_LIMIT}`);
    const set = new Set<unknown>(arg);
    return { describe: JSON.stringify(arg), test: (v) => set.has(v) };
  }
  if (!isObject(arg) || Object.keys(arg).length !== 1) {
    return fail('takes a string, a number, a list, or one of { prefix | suffix | equals-ignore-case | wildcard }');
  }
  const [op, raw] = Object.entries(arg)[0] as [string, unknown];
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || list.length === 0 || !list.every((x): x is string => typeof x === 'string')) {
    return fail(`"${op}" inside anything-but takes a string or a non-empty list of strings`);
  }
  if ((op === 'prefix' || op === 'suffix') && list.some((x) => x === '')) return fail(`an empty ${op} is not allowed`);
  const describe = `${op} ${JSON.stringify(raw)}`;
  switch (op) {
    case 'prefix':
      return { describe, test: (v) => typeof v === 'string' && list.some((p) => v.startsWith(p)) };
    case 'suffix':
      return { describe, test: (v) => typeof v === 'string' && list.some((s) => v.endsWith(s)) };
    case 'equals-ignore-case':
      return { describe, test: (v) => typeof v === 'string' && list.some((s) => lower(s) === lower(v)) };
    case 'wildcard': {
      const matchers = list.map((w) => wildcard(w, at, problems));
      if (matchers.some((r) => r === undefined)) return undefined;
      return { describe, test: (v) => typeof v === 'string' && matchers.some((r) => (r as WildcardMatcher).test(v)) };
    }
    default:
      return fail(`unsupported operator "${op}" inside anything-but`);
  }
}

const LOWER_OPS = new Set(['>', '>=']);
const UPPER_OPS = new Set(['<', '<=']);

function compileNumeric(arg: unknown, at: string, problems: string[]): LeafMatcher | undefined {
  const fail = (message: string) => {
    problems.push(`${at}: ${message}`);
    return undefined;
  };
  if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) return fail('takes [op, n] or [">"|">=", n, "<"|"<=", n]');
  for (let i = 1; i < arg.length; i += 2) {
    const n = arg[i] as unknown;
    if (typeof n !== 'number' || !Number.isFinite(n)) return fail(`the value after "${String(arg[i - 1])}" must be a number`);
    if (Math.abs(n) > NUMERIC_LIMIT) return fail(`${n} is outside the supported range ±${NUMERIC_LIMIT}`);
  }
  const [op1, n1, op2, n2] = arg as [unknown, number, unknown, number | undefined];
  if (op1 === '=' && arg.length === 2) return { kind: 'value', describe: `numeric = ${n1}`, test: (v) => typeof v === 'number' && v === n1 };
  if (arg.length === 2 && UPPER_OPS.has(op1 as string)) {
    return { kind: 'value', describe: `numeric ${String(op1)} ${n1}`, test: (v) => typeof v === 'number' && below(v, op1 as string, n1) };
  }
  if (!LOWER_OPS.has(op1 as string)) return fail(`unsupported or misplaced operator ${JSON.stringify(op1)} (a range starts with > or >=)`);
  if (arg.length === 2) {
    return { kind: 'value', describe: `numeric ${String(op1)} ${n1}`, test: (v) => typeof v === 'number' && above(v, op1 as string, n1) };
  }
  if (!UPPER_OPS.has(op2 as string)) return fail(`a range ends with < or <=, not ${JSON.stringify(op2)}`);
  const top = n2 as number;
  if (n1 > top || (n1 === top && (op1 === '>' || op2 === '<'))) return fail(`the range ${n1}..${top} is empty`);
  return {
    kind: 'value',
    describe: `numeric ${String(op1)} ${n1} ${String(op2)} ${top}`,
    test: (v) => typeof v === 'number' && above(v, op1 as string, n1) && below(v, op2 as string, top),
  };
}

const above = (v: number, op: string, n: number) => (op === '>' ? v > n : v >= n);
const below = (v: number, op: string, n: number) => (op === '<' ? v < n : v <= n);

/** A wildcard matcher, or a problem recorded at `at` (see pattern-wildcard.ts: linear time, no RegExp). */
function wildcard(text: string, at: string, problems: string[]): WildcardMatcher | undefined {
  const compiled = compileWildcard(text);
  if ('problem' in compiled) {
    problems.push(`${at}: ${compiled.problem}`);
    return undefined;
  }
  return compiled;
}
