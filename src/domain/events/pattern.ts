import { CertflowError, ErrorCodes } from '../errors/index.js';
import { compileLeaf, OPERATOR_NAMES, type LeafMatcher, type Scalar } from './pattern-matchers.js';

/**
 * EventBridge event patterns for the local bus, following EventBridge's documented semantics:
 * - fields of an object are ANDed; the values listed for a field are ORed; `$or` ORs sub-patterns;
 * - a pattern field matches when any value at that path matches; arrays in the event are crushed
 *   (an array of values matches if any element matches), but all fields matched inside one array
 *   element must come from that same element;
 * - `null` and `""` are distinct values; `exists` looks at leaves only (an object is not a leaf);
 *   `exists: false` holds where the path has no leaf value, judged like every other field: inside
 *   an array of objects, per element (an element without the field matches);
 * - `cidr` matches IPv4 and IPv6 addresses given as strings;
 * - a pattern nests at most MAX_PATTERN_DEPTH objects; matching never recurses into the event
 *   deeper than the pattern, and nested event arrays are flattened without recursion;
 * - every other operator needs a present value of the right type (prefix on a number never matches).
 * Anything outside that language is refused at compile time with `EVENT.PATTERN_INVALID`.
 */

interface PatternNode {
  readonly fields: readonly (readonly [string, PatternNode | readonly LeafMatcher[]])[];
  /** Each group is one `$or`: at least one alternative must match. */
  readonly ors: readonly (readonly PatternNode[])[];
}

/** A validated pattern, ready for {@link matches}. Build it with {@link compilePattern}. */
export interface CompiledPattern {
  readonly root: PatternNode;
  /** Every field path the pattern reads, e.g. `detail.revision`: for docs and error messages. */
  readonly paths: readonly string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deeper patterns are refused: no certflow rule comes near, and unbounded nesting would exhaust the stack. */
export const MAX_PATTERN_DEPTH = 32;

/**
 * Compiles an event pattern (parsed JSON, or the JSON text). Throws `EVENT.PATTERN_INVALID`
 * listing every problem, each at its JSON Pointer, when the pattern is not one it can match exactly.
 */
export function compilePattern(json: unknown): CompiledPattern {
  let pattern = json;
  if (typeof json === 'string') {
    try {
      pattern = JSON.parse(json) as unknown;
    } catch (cause) {
      throw new CertflowError(ErrorCodes.EVENT_PATTERN_INVALID, `event pattern is not valid JSON: ${(cause as Error).message}`, { cause });
    }
  }
  const problems: string[] = [];
  const paths: string[] = [];
  const root = isObject(pattern) ? compileNode(pattern, '', [], false, problems, paths, 1) : undefined;
  if (!isObject(pattern)) problems.push('/: a pattern is a JSON object');
  if (problems.length > 0 || root === undefined) {
    throw new CertflowError(ErrorCodes.EVENT_PATTERN_INVALID, `event pattern is invalid: ${problems[0] ?? 'unknown problem'}`, {
      details: problems,
    });
  }
  return { root, paths: [...new Set(paths)] };
}

function compileNode(
  obj: Record<string, unknown>,
  at: string,
  path: readonly string[],
  insideOr: boolean,
  problems: string[],
  paths: string[],
  depth: number,
): PatternNode {
  const fields: [string, PatternNode | readonly LeafMatcher[]][] = [];
  const ors: PatternNode[][] = [];
  if (depth > MAX_PATTERN_DEPTH) {
    problems.push(`${at}: the pattern nests deeper than ${MAX_PATTERN_DEPTH.toString()} levels`);
    return { fields, ors };
  }
  const keys = Object.keys(obj);
  if (keys.length === 0) problems.push(`${at || '/'}: empty objects are not allowed`);
  for (const key of keys) {
    const value = obj[key];
    const here = `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (key === '$or') {
      ors.push(compileOr(value, here, path, problems, paths, depth + 1));
      continue;
    }
    if (insideOr && OPERATOR_NAMES.has(key)) {
      problems.push(`${here}: "${key}" is an operator and cannot be a field name inside $or`);
      continue;
    }
    if (isObject(value)) {
      fields.push([key, compileNode(value, here, [...path, key], insideOr, problems, paths, depth + 1)]);
    } else if (Array.isArray(value)) {
      if (value.length === 0) problems.push(`${here}: empty arrays are not allowed`);
      const matchers = value.map((element, i) => compileLeaf(element, `${here}/${i}`, problems));
      fields.push([key, matchers.filter((m): m is LeafMatcher => m !== undefined)]);
      paths.push([...path, key].join('.'));
    } else {
      problems.push(`${here}: must be an object or an array of match values`);
    }
  }
  return { fields, ors };
}

function compileOr(value: unknown, at: string, path: readonly string[], problems: string[], paths: string[], depth: number): PatternNode[] {
  // EventBridge reads a malformed "$or" as a plain field name; refusing it is safer than guessing.
  if (!Array.isArray(value) || value.length < 2 || !value.every(isObject)) {
    problems.push(`${at}: "$or" takes an array of at least 2 objects`);
    return [];
  }
  return value.map((alt, i) => compileNode(alt, `${at}/${i}`, path, true, problems, paths, depth));
}

/** True when `event` (a parsed EventBridge event, or any JSON object) matches the compiled pattern. */
export function matches(compiled: CompiledPattern, event: unknown): boolean {
  if (!isObject(event)) return false;
  return matchNode(compiled.root, event);
}

function matchNode(node: PatternNode, here: unknown): boolean {
  for (const [key, sub] of node.fields) {
    const child = isObject(here) && Object.hasOwn(here, key) ? here[key] : undefined;
    const ok = isLeaf(sub) ? matchLeaf(sub, child) : matchObject(sub, child);
    if (!ok) return false;
  }
  return node.ors.every((group) => group.some((alt) => matchNode(alt, here)));
}

function isLeaf(sub: PatternNode | readonly LeafMatcher[]): sub is readonly LeafMatcher[] {
  return Array.isArray(sub);
}

function matchObject(node: PatternNode, child: unknown): boolean {
  // Each array element is tried on its own so two fields (an `exists: false` too) never pair
  // across different elements: EventBridge's array-consistent matching.
  const elements = Array.isArray(child) ? flatten(child) : [child];
  const candidates = elements.length === 0 ? [undefined] : elements;
  return candidates.some((element) => matchNode(node, element));
}

function matchLeaf(matchers: readonly LeafMatcher[], child: unknown): boolean {
  const values = leafValues(child);
  return matchers.some((m) => {
    if (m.kind === 'exists') return m.present === values.length > 0;
    return values.some((v) => m.test(v));
  });
}

/** Nested arrays, flattened with an explicit stack: an event's nesting depth cannot exhaust the call stack. */
function flatten(values: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  const stack: { items: readonly unknown[]; next: number }[] = [{ items: values, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { items: readonly unknown[]; next: number };
    if (top.next >= top.items.length) {
      stack.pop();
      continue;
    }
    const v = top.items[top.next];
    top.next += 1;
    if (Array.isArray(v)) stack.push({ items: v, next: 0 });
    else out.push(v);
  }
  return out;
}

function isScalar(v: unknown): v is Scalar {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** The scalars at a position: a scalar itself, or the scalars of a (nested) array; objects are not leaves. */
function leafValues(value: unknown): Scalar[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? flatten(value) : [value]).filter(isScalar);
}
