/**
 * EventBridge `wildcard` matching in time linear in the value and the pattern. A wildcard is
 * literal segments joined by `*`; greedy leftmost placement of each middle segment is exact
 * for such patterns (no `?`, no classes), and each segment is found with Knuth-Morris-Pratt,
 * so no input can make matching backtrack (a RegExp of `.*` runs can: `*a*a*a…b`).
 * Strings are compared by code point, as a `u` RegExp would.
 */

/** A compiled wildcard: `test` is linear in the value's length plus the pattern's. */
export interface WildcardMatcher {
  readonly test: (value: string) => boolean;
  /** The same match, also counting character comparisons: how the property tier bounds its cost by steps, not time. */
  readonly testCounting: (value: string) => { readonly matched: boolean; readonly steps: number };
}

/** Character comparisons made so far by one match. */
interface Counter {
  steps: number;
}

/**
 * Parses a wildcard: `*` matches any run of characters; `\*` is a literal star and `\\` a
 * literal backslash. Returns the reason it is refused (another escape, or two consecutive
 * wildcards, both refused by EventBridge), or the matcher.
 */
export function compileWildcard(wildcard: string): WildcardMatcher | { readonly problem: string } {
  const segments: string[][] = [[]];
  let previousWasStar = false;
  const chars = Array.from(wildcard);
  for (let i = 0; i < chars.length; i += 1) {
    const c = chars[i] as string;
    if (c === '\\') {
      const next = chars[i + 1];
      if (next !== '*' && next !== '\\') return { problem: `a backslash may only escape * or \\ in ${JSON.stringify(wildcard)}` };
      (segments[segments.length - 1] as string[]).push(next);
      i += 1;
      previousWasStar = false;
    } else if (c === '*') {
      if (previousWasStar) return { problem: `consecutive wildcards are not allowed in ${JSON.stringify(wildcard)}` };
      segments.push([]);
      previousWasStar = true;
    } else {
      (segments[segments.length - 1] as string[]).push(c);
      previousWasStar = false;
    }
  }
  const tables = segments.map(failureTable);
  return {
    test: (value) => matchSegments(segments, tables, Array.from(value), { steps: 0 }),
    testCounting: (value) => {
      const counter = { steps: 0 };
      const matched = matchSegments(segments, tables, Array.from(value), counter);
      return { matched, steps: counter.steps };
    },
  };
}

function matchSegments(segments: readonly (readonly string[])[], tables: readonly Int32Array[], value: readonly string[], counter: Counter): boolean {
  const first = segments[0] as readonly string[];
  if (segments.length === 1) return value.length === first.length && equalAt(value, 0, first, counter);
  const last = segments[segments.length - 1] as readonly string[];
  if (value.length < first.length + last.length) return false;
  if (!equalAt(value, 0, first, counter) || !equalAt(value, value.length - last.length, last, counter)) return false;
  let from = first.length;
  const end = value.length - last.length;
  for (let s = 1; s < segments.length - 1; s += 1) {
    const found = indexOf(value, from, end, segments[s] as readonly string[], tables[s] as Int32Array, counter);
    if (found < 0) return false;
    from = found + (segments[s] as readonly string[]).length;
  }
  return true;
}

function equalAt(value: readonly string[], at: number, segment: readonly string[], counter: Counter): boolean {
  if (at < 0 || at + segment.length > value.length) return false;
  for (let i = 0; i < segment.length; i += 1) {
    counter.steps += 1;
    if (value[at + i] !== segment[i]) return false;
  }
  return true;
}

/** KMP failure function of a segment. */
function failureTable(segment: readonly string[]): Int32Array {
  const table = new Int32Array(segment.length);
  let k = 0;
  for (let i = 1; i < segment.length; i += 1) {
    while (k > 0 && segment[i] !== segment[k]) k = table[k - 1] as number;
    if (segment[i] === segment[k]) k += 1;
    table[i] = k;
  }
  return table;
}

/** First index in [from, end) where `segment` lies wholly before `end`, or -1 (KMP: no step goes back in `value`). */
function indexOf(value: readonly string[], from: number, end: number, segment: readonly string[], table: Int32Array, counter: Counter): number {
  if (segment.length === 0) return from;
  let k = 0;
  for (let i = from; i < end; i += 1) {
    while (k > 0 && value[i] !== segment[k]) {
      counter.steps += 1;
      k = table[k - 1] as number;
    }
    counter.steps += 1;
    if (value[i] === segment[k]) k += 1;
    if (k === segment.length) return i - segment.length + 1;
  }
  return -1;
}
