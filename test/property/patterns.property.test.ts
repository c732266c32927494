import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern, matches } from '../../src/domain/events/pattern.js';
import { compileWildcard } from '../../src/domain/events/pattern-wildcard.js';
import { outcomeOf, RUNS } from './support.js';

/** Reference wildcard semantics by dynamic programming over code points: obviously right, quadratic. */
function reference(wildcard: string, value: string): boolean {
  const tokens: ({ star: true } | { char: string })[] = [];
  const w = Array.from(wildcard);
  for (let i = 0; i < w.length; i += 1) {
    if (w[i] === '\\') tokens.push({ char: w[++i] as string });
    else if (w[i] === '*') tokens.push({ star: true });
    else tokens.push({ char: w[i] as string });
  }
  const v = Array.from(value);
  let row = new Array<boolean>(v.length + 1).fill(false);
  row[0] = true;
  for (const t of tokens) {
    const next = new Array<boolean>(v.length + 1).fill(false);
    for (let j = 0; j <= v.length; j += 1) {
      if ('star' in t) next[j] = (row[j] ?? false) || (j > 0 && (next[j - 1] ?? false));
      else next[j] = j > 0 && (row[j - 1] ?? false) && v[j - 1] === t.char;
    }
    row = next;
  }
  return row[v.length] ?? false;
}

/** Wildcards over a small alphabet (so matches happen), with escapes and no consecutive stars. */
const wildcardArb = fc
  .array(fc.constantFrom('a', 'b', '*', '\\*', '\\\\', '😀'), { maxLength: 30, size: 'max' })
  .map((parts) => parts.filter((p, i) => !(p === '*' && parts[i - 1] === '*')).join(''));
// size 'max': long values are where a backtracking matcher would show itself.
const valueArb = fc.array(fc.constantFrom('a', 'b', '*', '\\', '😀'), { maxLength: 300, size: 'max' }).map((parts) => parts.join(''));

/** Leaf operators of EventBridge patterns, valid and invalid. */
const leafArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -10, max: 10 }),
  fc.boolean(),
  fc.constant(null),
  fc.record({ prefix: fc.string({ maxLength: 4 }) }),
  fc.record({ suffix: fc.string({ maxLength: 4 }) }),
  fc.record({ 'equals-ignore-case': fc.string({ maxLength: 4 }) }),
  fc.record({ wildcard: wildcardArb }),
  fc.record({ exists: fc.boolean() }),
  fc.record({ numeric: fc.tuple(fc.constantFrom('>', '>=', '<', '<=', '='), fc.integer({ min: -100, max: 100 })) }),
  fc.record({ 'anything-but': fc.oneof(fc.string({ maxLength: 4 }), fc.array(fc.string({ maxLength: 4 }), { minLength: 1, maxLength: 3 }), fc.record({ prefix: fc.string({ minLength: 1, maxLength: 3 }) })) }),
  fc.record({ cidr: fc.constantFrom('10.0.0.0/8', '10.0.0.0/24', '::/0', '2001:db8::/32', '10.0.0.0/33', 'x/1') }),
);
const keyArb = fc.constantFrom('a', 'b', 'c', 'detail', 'ip');
const patternArb = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.dictionary(keyArb, fc.array(leafArb, { minLength: 1, maxLength: 3 }), { minKeys: 1, maxKeys: 3 }),
    fc.dictionary(keyArb, tie('node'), { minKeys: 1, maxKeys: 2 }),
    fc.record({ $or: fc.array(tie('node'), { minLength: 2, maxLength: 3 }) }),
  ),
})).node;
const scalarArb = fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -100, max: 100 }), fc.boolean(), fc.constant(null), fc.constantFrom('10.0.0.1', '2001:db8::1', 'aab'));
const eventArb = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArb,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(keyArb, tie('value'), { maxKeys: 3 }),
  ),
})).value;

describe('event patterns (property tier)', () => {
  it(`matches wildcards exactly as the reference, within 2·|value| + |pattern| comparisons (${RUNS.wildcard.toString()} cases)`, () => {
    fc.assert(
      fc.property(wildcardArb, valueArb, (wildcard, value) => {
        const matcher = compileWildcard(wildcard);
        if ('problem' in matcher) return;
        const { matched, steps } = matcher.testCounting(value);
        expect(matched).toBe(reference(wildcard, value));
        expect(steps).toBeLessThanOrEqual(2 * Array.from(value).length + Array.from(wildcard).length);
      }),
      { numRuns: RUNS.wildcard },
    );
  });

  it(`compiles any JSON to a pattern or EVENT.PATTERN_INVALID, and matches any JSON event without failing (${RUNS.patternsArbitrary.toString()} cases)`, () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.jsonValue({ maxDepth: 6 }), (pattern, event) => {
        let compiled: ReturnType<typeof compilePattern> | undefined;
        const outcome = outcomeOf(() => (compiled = compilePattern(pattern)));
        expect(['ok', 'EVENT.PATTERN_INVALID']).toContain(outcome);
        if (compiled) expect(typeof matches(compiled, event)).toBe('boolean');
      }),
      { numRuns: RUNS.patternsArbitrary },
    );
  });

  it(`compiles patterns of EventBridge's operators and matches them against events without failing (${RUNS.patternsGrammar.toString()} cases)`, () => {
    fc.assert(
      fc.property(patternArb, eventArb, (pattern, event) => {
        let compiled: ReturnType<typeof compilePattern> | undefined;
        const outcome = outcomeOf(() => (compiled = compilePattern(pattern)));
        expect(['ok', 'EVENT.PATTERN_INVALID']).toContain(outcome);
        if (compiled) {
          const wrapped = { detail: event, a: event };
          expect(matches(compiled, wrapped)).toBe(matches(compiled, JSON.parse(JSON.stringify(wrapped))));
        }
      }),
      { numRuns: RUNS.patternsGrammar },
    );
  });
});
