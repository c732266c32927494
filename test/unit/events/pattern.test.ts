import { describe, expect, it } from 'vitest';
import { isCertflowError } from '../../../src/domain/errors/index.js';
import { compilePattern, matches } from '../../../src/domain/events/pattern.js';

// The sample event of the EventBridge documentation (content filtering, event patterns).
const ec2Event = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: { 'c-count': 5, 'd-count': 3, 'x-limit': 301.8, 'source-ip': '10.0.0.33', 'instance-id': 'i-000000aaaaaa00000', state: 'running' },
};

const test = (pattern: unknown, event: unknown = ec2Event) => matches(compilePattern(pattern), event);

describe('compilePattern and matches', () => {
  it.each([
    ['exact values, arrays as OR', { 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['initializing', 'running'] } }, true],
    ['an exact value that differs', { detail: { state: ['stopped'] } }, false],
    ['an event array intersecting the pattern array', { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000', 'other'] }, true],
    ['prefix', { time: [{ prefix: '2017-10-02' }] }, true],
    ['prefix that differs', { time: [{ prefix: '2018' }] }, false],
    ['prefix ignoring case', { source: [{ prefix: { 'equals-ignore-case': 'AWS.' } }] }, true],
    ['suffix', { source: [{ suffix: 'ec2' }] }, true],
    ['suffix ignoring case', { source: [{ suffix: { 'equals-ignore-case': 'EC2' } }] }, true],
    ['equals-ignore-case', { source: [{ 'equals-ignore-case': 'AWS.EC2' }] }, true],
    ['wildcard', { 'detail-type': [{ wildcard: 'EC2 * Notification' }] }, true],
    ['wildcard that differs', { 'detail-type': [{ wildcard: 'EC2 *Launch*' }] }, false],
    ['anything-but a string', { detail: { state: [{ 'anything-but': 'initializing' }] } }, true],
    ['anything-but the same string', { detail: { state: [{ 'anything-but': 'running' }] } }, false],
    ['anything-but a number', { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, true],
    ['anything-but a list of strings', { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, true],
    ['anything-but a list holding the value', { detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } }, false],
    ['anything-but a list of numbers', { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, true],
    ['anything-but a prefix', { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, true],
    ['anything-but a matching prefix', { detail: { state: [{ 'anything-but': { prefix: 'run' } }] } }, false],
    ['anything-but a suffix', { detail: { state: [{ 'anything-but': { suffix: 'ing' } }] } }, false],
    ['anything-but a list of prefixes', { region: [{ 'anything-but': { prefix: ['eu-', 'ap-'] } }] }, true],
    ['anything-but equals-ignore-case', { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'RUNNING' } }] } }, false],
    ['anything-but a wildcard', { resources: [{ 'anything-but': { wildcard: '*:instance/*' } }] }, false],
    ['a numeric range', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, true],
    ['a numeric range the value is outside', { detail: { 'c-count': [{ numeric: ['>', 5] }] } }, false],
    ['a number written differently', { detail: { 'x-limit': [3.018e2] } }, true],
    ['numeric on a string value', { detail: { state: [{ numeric: ['>', 0] }] } }, false],
    ['exists true', { detail: { 'c-count': [{ exists: true }] } }, true],
    ['exists false on a present field', { detail: { 'c-count': [{ exists: false }] } }, false],
    ['exists false on an absent field', { detail: { 'e-count': [{ exists: false }] } }, true],
    ['exists false when the parent is absent', { nothing: { here: [{ exists: false }] } }, true],
    ['a field the event lacks', { detail: { 'e-count': ['x'] } }, false],
    ['the complex documented example', { time: [{ prefix: '2017-10-02' }], detail: { state: [{ 'anything-but': 'initializing' }], 'c-count': [{ numeric: ['>', 0, '<=', 5] }], 'd-count': [{ numeric: ['<', 10] }], 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, true],
  ])('matches %s: %j → %s', (_name, pattern, expected) => {
    // Prepare: the documented sample event
    // Act
    const result = test(pattern);
    // Assess
    expect(result).toBe(expected);
  });

  it('treats exists as leaf-only: an object field does not exist for it', () => {
    // Prepare: the documentation's second exists example
    const event = { detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } } };
    // Act
    const absent = test({ detail: { 'c-count': [{ exists: false }] } }, event);
    const present = test({ detail: { 'c-count': [{ exists: true }] } }, event);
    // Assess
    expect(absent).toBe(true);
    expect(present).toBe(false);
  });

  it('keeps null and the empty string apart', () => {
    // Prepare: the documentation's null/empty-string example
    const event = { source: 'aws.autoscaling', detail: { eventVersion: '', responseElements: null } };
    // Act
    const results = [
      test({ detail: { eventVersion: [''] } }, event),
      test({ detail: { responseElements: [null] } }, event),
      test({ detail: { eventVersion: [null] } }, event),
      test({ detail: { responseElements: [''] } }, event),
      test({ detail: { responseElements: [{ exists: true }] } }, event),
    ];
    // Assess
    expect(results).toEqual([true, true, false, false, true]);
  });

  it('matches inside arrays of objects only within one element', () => {
    // Prepare: the array-matching example of the EventBridge / Ruler documentation
    const event = { employees: [{ firstName: 'John', lastName: 'Doe' }, { firstName: 'Anna', lastName: 'Smith' }, { firstName: 'Peter', lastName: 'Jones' }] };
    const nested = { employees: [[{ firstName: 'John', lastName: 'Doe' }, { firstName: 'Anna', lastName: 'Smith' }], [{ firstName: 'Peter', lastName: 'Jones' }]] };
    // Act
    const anna = test({ employees: { firstName: ['Anna'] } }, event);
    const sameElement = test({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event);
    const acrossElements = test({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, event);
    const multiLevel = test({ employees: { firstName: ['Peter'] } }, nested);
    // Assess
    expect([anna, sameElement, acrossElements, multiLevel]).toEqual([true, true, false, true]);
  });

  it('combines $or branches with the fields beside them', () => {
    // Prepare: the documented "$or" examples
    const metric = { source: 'aws.cloudwatch', metricName: 'CPUUtilization', namespace: 'AWS/Lambda', detail: { source: 'x', 'detail-type': 'CloudWatch Alarm State Change' } };
    const normal = { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }] };
    const parallel = { $or: [{ metricName: ['ReadLatency'] }, { namespace: ['AWS/Lambda'] }], detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] } };
    const nestedAnd = { source: ['aws.cloudwatch'], $or: [{ metricName: ['ReadLatency'] }, { metricType: ['MetricType'], namespace: ['AWS/Lambda'] }, { scope: ['Service'] }] };
    // Act
    const results = [test(normal, metric), test(parallel, metric), test(nestedAnd, metric), test(nestedAnd, { ...metric, metricType: 'MetricType' })];
    // Assess
    expect(results).toEqual([true, true, false, true]);
  });

  it('matches an array event value when any element matches', () => {
    // Prepare
    const event = { detail: { names: ['a.example.com', 'b.example.org'], ports: [80, 443] } };
    // Act
    const results = [
      test({ detail: { names: [{ suffix: '.org' }] } }, event),
      test({ detail: { ports: [{ numeric: ['>', 400] }] } }, event),
      test({ detail: { names: [{ 'anything-but': 'a.example.com' }] } }, event),
      test({ detail: { empty: [{ exists: false }] } }, { detail: { empty: [] } }),
    ];
    // Assess
    expect(results).toEqual([true, true, true, true]);
  });

  it('does not match anything-but on a missing field', () => {
    // Prepare
    const pattern = { detail: { state: [{ 'anything-but': 'initializing' }] } };
    // Act
    const result = test(pattern, { detail: {} });
    // Assess
    expect(result).toBe(false);
  });

  it('treats escaped wildcards literally', () => {
    // Prepare
    const pattern = { key: [{ wildcard: 'a\\*b\\\\c*' }] };
    // Act
    const results = [test(pattern, { key: 'a*b\\cdef' }), test(pattern, { key: 'axb\\c' })];
    // Assess
    expect(results).toEqual([true, false]);
  });

  it.each([
    ['a non-object pattern', ['source']],
    ['malformed JSON text', '{"source": ['],
    ['an empty object', {}],
    ['a scalar field value', { source: 'certflow' }],
    ['an empty value list', { source: [] }],
    ['an unknown operator', { source: [{ regex: '.*' }] }],
    ['cidr without a prefix length', { detail: { ip: [{ cidr: '10.0.0.0' }] } }],
    ['cidr with a prefix longer than the address', { detail: { ip: [{ cidr: '10.0.0.0/33' }] } }],
    ['two keys in one operator', { source: [{ prefix: 'a', suffix: 'b' }] }],
    ['a nested array value', { source: [['a']] }],
    ['consecutive wildcards', { source: [{ wildcard: 'a**b' }] }],
    ['a bad escape in a wildcard', { source: [{ wildcard: 'a\\b' }] }],
    ['a numeric range in the wrong order', { n: [{ numeric: ['<', 5, '>', 1] }] }],
    ['an empty numeric range', { n: [{ numeric: ['>', 5, '<', 5] }] }],
    ['a numeric value beyond the supported range', { n: [{ numeric: ['>', 1e10] }] }],
    ['a numeric value that is a string', { n: [{ numeric: ['>', '5'] }] }],
    ['a mixed anything-but list', { s: [{ 'anything-but': ['a', 1] }] }],
    ['anything-but null', { s: [{ 'anything-but': null }] }],
    ['an empty anything-but prefix', { s: [{ 'anything-but': { prefix: '' } }] }],
    ['exists with a non-boolean', { s: [{ exists: 'yes' }] }],
    ['$or with one branch', { $or: [{ a: ['1'] }] }],
    ['$or that is an object', { $or: { a: ['1'] } }],
    ['an operator name as a field inside $or', { $or: [{ prefix: ['1'] }, { b: ['2'] }] }],
  ])('refuses %s with EVENT.PATTERN_INVALID', (_name, pattern) => {
    // Prepare
    let caught: unknown;
    // Act
    try {
      compilePattern(pattern);
    } catch (error) {
      caught = error;
    }
    // Assess
    expect(isCertflowError(caught) && caught.code).toBe('EVENT.PATTERN_INVALID');
  });

  it('reports every problem of a pattern with its path', () => {
    // Prepare
    const pattern = { source: [], detail: { a: [{ numeric: ['>', 'x'] }], b: 'scalar' } };
    // Act
    const error = (() => {
      try {
        compilePattern(pattern);
      } catch (e) {
        return e as { details: string[] };
      }
      return { details: [] };
    })();
    // Assess
    expect(error.details).toEqual([
      '/source: empty arrays are not allowed',
      '/detail/a/0/numeric: the value after ">" must be a number',
      '/detail/b: must be an object or an array of match values',
    ]);
  });

  it('does not match a non-object event', () => {
    // Prepare
    const compiled = compilePattern({ source: ['certflow'] });
    // Act
    const results = [matches(compiled, null), matches(compiled, 'certflow'), matches(compiled, ['certflow'])];
    // Assess
    expect(results).toEqual([false, false, false]);
  });
});
