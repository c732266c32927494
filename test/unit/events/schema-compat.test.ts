import { describe, expect, it } from 'vitest';
import { findIncompatibilities } from '../../../src/domain/events/schema-compat.js';

const baseline = {
  type: 'object',
  additionalProperties: false,
  required: ['certificateId', 'revision', 'origin'],
  properties: {
    certificateId: { type: 'string', maxLength: 256 },
    revision: { type: 'integer', minimum: 1 },
    origin: { anyOf: [{ const: 'managed', type: 'string' }, { const: 'acm', type: 'string' }] },
    owner: { type: 'string' },
    names: { type: 'object', required: ['dns'], properties: { dns: { type: 'array', items: { type: 'string' } } } },
  },
};

const change = (edit: (s: typeof baseline & Record<string, unknown>) => void) => {
  const copy = structuredClone(baseline) as typeof baseline & Record<string, unknown>;
  edit(copy);
  return copy;
};

describe('findIncompatibilities', () => {
  it.each([
    ['a removed field', change((s) => delete (s.properties as Record<string, unknown>).owner), ['/owner: removed']],
    ['a retyped field', change((s) => Object.assign(s.properties.revision, { type: 'string' })), ['/revision: type changed from integer to string']],
    ['a new required field', change((s) => { Object.assign(s.properties, { reason: { type: 'string' } }); s.required.push('reason'); }), ['/reason: newly required']],
    ['an optional field made required', change((s) => s.required.push('owner')), ['/owner: newly required']],
    ['a narrowed enum', change((s) => (s.properties.origin.anyOf = [{ const: 'managed', type: 'string' }])), ['/origin: allowed values narrowed (no longer allowed: "acm")']],
    ['a tightened constraint', change((s) => Object.assign(s.properties.certificateId, { maxLength: 64 })), ['/certificateId: maxLength lowered to 64']],
    ['a retyped nested item', change((s) => Object.assign(s.properties.names.properties.dns.items, { type: 'integer' })), ['/names/dns/items: type changed from string to integer']],
  ])('reports %s', (_name, current, expected) => {
    // Prepare: a copy of the baseline with one change
    // Act
    const problems = findIncompatibilities(baseline, current);
    // Assess
    expect(problems).toEqual(expected);
  });

  it.each([
    ['an added optional field', change((s) => Object.assign(s.properties, { note: { type: 'string' } }))],
    ['a widened enum', change((s) => s.properties.origin.anyOf.push({ const: 'file', type: 'string' }))],
    ['a relaxed constraint', change((s) => Object.assign(s.properties.certificateId, { maxLength: 512 }))],
    ['a changed description', change((s) => Object.assign(s, { description: 'new words' }))],
    ['an identical schema', change(() => undefined)],
  ])('accepts %s', (_name, current) => {
    // Prepare
    // Act
    const problems = findIncompatibilities(baseline, current);
    // Assess
    expect(problems).toEqual([]);
  });
});
