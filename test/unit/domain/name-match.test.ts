import { describe, expect, it } from 'vitest';
import { matchName, patternProblem, type StepCounter } from '../../../src/domain/name-match.js';

/** The matcher before this change, kept to show what the bound replaces: it recursed over every split. */
function oldMatches(pattern: string, name: string, counter: StepCounter, budget: number): boolean {
  const p = pattern.toLowerCase().split('.');
  const n = name.toLowerCase().split('.');
  const match = (i: number, j: number): boolean => {
    if (++counter.steps > budget) throw new Error('step budget exhausted');
    if (i === p.length) return j === n.length;
    if (p[i] === '**') {
      for (let k = j + 1; k <= n.length; k++) if (match(i + 1, k)) return true;
      return false;
    }
    if (j === n.length) return false;
    return (p[i] === '*' || p[i] === n[j]) && match(i + 1, j + 1);
  };
  return match(0, 0);
}

describe('matchName', () => {
  it.each([
    ['api.example.com', 'api.example.com', true],
    ['api.example.com', 'API.Example.COM', true],
    ['api.example.com', 'www.example.com', false],
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', 'example.com', false],
    ['**.example.com', 'a.b.example.com', true],
    ['**.example.com', 'example.com', false],
    ['**.example.com', 'example.com.evil.org', false],
    ['**.example.com', 'badexample.com', false],
    ['a.**.z', 'a.b.c.z', true],
    ['a.**.z', 'a.z', false],
    ['10.0.0.*', '10.0.0.7', true],
  ])('matches the DNS pattern %s against %s: %s', (pattern, name, expected) => {
    // Assess
    expect(matchName(pattern, name)).toBe(expected);
  });

  it.each([
    ['spiffe://prod.example.org/ns/*/sa/*', 'spiffe://prod.example.org/ns/pay/sa/api', true],
    ['spiffe://prod.example.org/ns/*/sa/*', 'spiffe://prod.example.org/ns/pay/sa/api/extra', false],
    ['spiffe://prod.example.org/**', 'spiffe://prod.example.org/ns/pay/sa/api', true],
    ['spiffe://prod.example.org/**', 'spiffe://evil.example.org/ns/pay', false],
  ])('matches the URI pattern %s against %s: %s', (pattern, name, expected) => {
    // Assess
    expect(matchName(pattern, name, 'uri')).toBe(expected);
  });

  it('bounds a hostile pattern of many ** labels against a long name by (name labels) × (pattern labels + 1) steps', () => {
    // Prepare: the hang; the old matcher needs more than a million steps before it gives up.
    const pattern = `${'**.'.repeat(40)}nomatch.example.com`;
    const name = `${'a.'.repeat(200)}example.com`;
    const oldCounter = { steps: 0 };
    const counter = { steps: 0 };
    // Act
    const old = () => oldMatches(pattern, name, oldCounter, 1_000_000);
    const result = matchName(pattern, name, 'dns', counter);
    // Assess
    expect(old).toThrow('step budget exhausted');
    expect(result).toBe(false);
    const n = name.split('.').length;
    const m = pattern.split('.').length;
    expect(counter.steps).toBeLessThanOrEqual(n * (m + 1));
  });

  it('takes steps linear in name plus pattern for policy forms (wildcards on the left)', () => {
    for (const labels of [10, 100, 1000]) {
      // Prepare
      const name = `${'a.'.repeat(labels)}example.com`;
      const counters = ['**.example.com', '*.example.com', 'exact.example.com'].map(() => ({ steps: 0 }));
      // Act
      ['**.example.com', '*.example.com', 'exact.example.com'].forEach((p, i) => matchName(p, name, 'dns', counters[i]));
      // Assess
      for (const c of counters) expect(c.steps).toBeLessThanOrEqual(2 * (labels + 2 + 3));
    }
  });

  it('keeps within the bound for alternating and repeated wildcards of every size', () => {
    for (const size of [5, 20, 80]) {
      for (const pattern of ['**.*.'.repeat(size) + 'x', '*.**.'.repeat(size) + 'x', '**.a.'.repeat(size) + 'b', 'a.**.'.repeat(size) + 'a']) {
        // Prepare
        const name = `${'a.'.repeat(size * 3)}a`;
        const counter = { steps: 0 };
        // Act
        matchName(pattern, name, 'dns', counter);
        // Assess
        expect(counter.steps).toBeLessThanOrEqual(name.split('.').length * (pattern.split('.').length + 1));
      }
    }
  });
});

describe('patternProblem', () => {
  it.each([
    ['*.example.com', undefined],
    ['**.example.com', undefined],
    ['a*.example.com', "has a wildcard inside the label 'a*' (a wildcard must be a whole label: * or **)"],
    ['example..com', 'has an empty label'],
    ['', 'is empty'],
  ])('says what is wrong with %j', (pattern, problem) => {
    // Assess
    expect(patternProblem(pattern)).toBe(problem);
  });
});
