import { describe, expect, it } from 'vitest';
import { isCertflowError } from '../../../src/domain/errors/index.js';
import { compilePattern, matches, MAX_PATTERN_DEPTH } from '../../../src/domain/events/pattern.js';
import { compileWildcard } from '../../../src/domain/events/pattern-wildcard.js';
import { thrown } from '../../support/thrown.js';

const test = (pattern: unknown, event: unknown) => matches(compilePattern(pattern), event);

describe('pattern tooling (defect 7)', () => {
  it('answers a backtracking-prone wildcard at once, correctly', () => {
    // Prepare: the pattern of the report; as a RegExp it backtracks for minutes on 40 a's
    const pattern = { detail: { certificateId: [{ wildcard: `${'*a'.repeat(12)}*b` }] } };
    const forty = { detail: { certificateId: 'a'.repeat(40) } };
    const hundredThousand = { detail: { certificateId: 'a'.repeat(100_000) } };
    // Act
    const results = [test(pattern, forty), test(pattern, hundredThousand), test(pattern, { detail: { certificateId: `${'a'.repeat(12)}b` } })];
    // Assess
    expect(results).toEqual([false, false, true]);
  });

  it.each([
    ['*', '', true],
    ['*', 'anything', true],
    ['a*', 'abc', true],
    ['*c', 'abc', true],
    ['a*c', 'ac', true],
    ['a*c', 'a', false],
    ['ab*ba', 'aba', false],
    ['ab*ba', 'abba', true],
    ['*ab*ab*', 'xabyab', true],
    ['*ab*ab*', 'xaby', false],
    ['a*b*c', 'aXbYbZc', true],
    ['Simple*Service', 'SimpleQueueService', true],
    ['\\*lit', '*lit', true],
    ['\\*lit', 'xlit', false],
    ['a\\\\b', 'a\\b', true],
    ['*aab', 'aaab', true],
    ['😀*😀', '😀x😀', true],
    ['😀*😀', '😀', false],
  ])('matches wildcard %j against %j as %s', (wildcard, value, expected) => {
    // Act
    const matcher = compileWildcard(wildcard);
    // Assess
    expect('test' in matcher && matcher.test(value)).toBe(expected);
  });

  it('refuses a pattern nested deeper than the limit with a clear error, not a stack overflow', () => {
    // Prepare
    let pattern: unknown = { leaf: ['x'] };
    for (let i = 0; i < 10_000; i += 1) pattern = { a: pattern };
    // Act
    const error = thrown(() => compilePattern(pattern));
    // Assess
    expect(isCertflowError(error) && error.code).toBe('EVENT.PATTERN_INVALID');
    expect(error.message).toMatch(new RegExp(`nests deeper than ${MAX_PATTERN_DEPTH.toString()} levels`));
  });

  it('matches an event whose arrays nest 100,000 deep without exhausting the stack', () => {
    // Prepare
    let value: unknown = 'x';
    for (let i = 0; i < 100_000; i += 1) value = [value];
    // Act
    const result = test({ detail: { v: ['x'] } }, { detail: { v: value } });
    // Assess
    expect(result).toBe(true);
  });

  it.each([
    ['10.0.0.0/24', '10.0.0.255', true],
    ['10.0.0.0/24', '10.0.1.0', false],
    ['10.0.0.0/8', '10.200.3.4', true],
    ['0.0.0.0/0', '192.168.1.1', true],
    ['192.168.1.7/32', '192.168.1.7', true],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['::/0', '::1', true],
    ['10.0.0.0/24', '::ffff:10.0.0.1', false],
    ['2001:db8::/32', '10.0.0.1', false],
    ['10.0.0.0/24', 'not an ip', false],
  ])('matches cidr %s against %s as %s', (cidr, ip, expected) => {
    // Act
    const result = test({ detail: { 'source-ip': [{ cidr }] } }, { detail: { 'source-ip': ip } });
    // Assess
    expect(result).toBe(expected);
  });

  it('never matches cidr against a number or a missing field', () => {
    // Act
    const results = [test({ ip: [{ cidr: '10.0.0.0/8' }] }, { ip: 10 }), test({ ip: [{ cidr: '10.0.0.0/8' }] }, {})];
    // Assess
    expect(results).toEqual([false, false]);
  });

  it('judges exists: false inside an array of objects per element, as EventBridge does', () => {
    // Prepare
    const event = { detail: { employees: [{ first: 'John', middle: 'Q' }, { first: 'Anna' }] } };
    // Act
    const results = [
      test({ detail: { employees: { first: ['Anna'], middle: [{ exists: false }] } } }, event),
      test({ detail: { employees: { first: ['John'], middle: [{ exists: false }] } } }, event),
      test({ detail: { employees: { middle: [{ exists: false }] } } }, event),
      test({ detail: { employees: { middle: [{ exists: false }] } } }, { detail: { employees: [{ middle: 'A' }, { middle: 'B' }] } }),
    ];
    // Assess
    expect(results).toEqual([true, false, true, false]);
  });
});
