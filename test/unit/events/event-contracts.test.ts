import { describe, expect, it } from 'vitest';
import { validateAcmEvent } from '../../../src/domain/events/acm-events.js';
import { DETAIL_TYPES } from '../../../src/domain/events/catalogue.js';
import { compilePattern, matches } from '../../../src/domain/events/pattern.js';
import { formatIssues, validateEnvelope } from '../../../src/domain/events/validate.js';
import { kebabDetailType } from '../../../src/domain/events/json-schema.js';
import { findKeyMaterial } from '../../support/leak-scan.js';
import { exampleEvents, rulePatterns } from './event-files.js';

/** Which examples each rule is meant for; every other example must not match it. */
const RULES: Record<string, readonly string[]> = {
  'issue-on-approval.json': ['issuance-approved.json'],
  'request-approval.json': ['approval-requested.json'],
  'renew-on-expiring.json': ['certificate-expiring.json'],
  'retry-failed-issuance.json': ['issuance-failed.json'],
  'reload-on-rotation.json': ['certificate-rotated.json'],
  'notify.json': [
    'certificate-expiring.json',
    'certificate-expiring.acm.json',
    'certificate-expired.json',
    'approval-requested.json',
    'issuance-denied.json',
    // Approvals reach notify so a channel that asked (Slack) updates its message; policy approvals tell nobody.
    'issuance-approved.json',
    'approval-expired.json',
    'certificate-issued.json',
    'certificate-renewed.json',
    'issuance-failed.json',
    'issuance-failed.terminal.json',
    'certificate-revoked.json',
  ],
  'acm-certificate-events.json': [
    'acm/acm-certificate-approaching-expiration.json',
    'acm/acm-certificate-expired.json',
    'acm/acm-certificate-available.json',
    'acm/acm-certificate-renewal-action-required.json',
    'acm/acm-certificate-expired.aws-cn.json',
    'acm/acm-certificate-approaching-expiration.aws-us-gov.json',
  ],
};

const examples = exampleEvents();
const patterns = rulePatterns();

describe('events/examples', () => {
  it.each(examples.map((e) => [e.name, e.json] as const))('validates %s against its schema', (name, json) => {
    // Prepare
    const isAcm = name.startsWith('acm/');
    // Act
    const result = isAcm ? validateAcmEvent(json) : validateEnvelope(json);
    // Assess
    expect(result.ok ? [] : formatIssues(result.issues)).toEqual([]);
  });

  it.each(examples.map((e) => [e.name, e.json] as const))('names %s after its detail-type', (name, json) => {
    // Prepare
    const detailType = String((json as Record<string, unknown>)['detail-type']);
    // Act
    const stem = name.replace(/^acm\//, '').split('.')[0];
    // Assess
    expect(stem).toBe(kebabDetailType(detailType));
  });

  it('has at least one example per detail-type of the catalogue', () => {
    // Prepare
    const covered = new Set(examples.map((e) => (e.json as Record<string, unknown>)['detail-type']));
    // Act
    const missing = DETAIL_TYPES.filter((d) => !covered.has(d));
    // Assess
    expect(missing).toEqual([]);
  });

  it('carries no key material in any example', () => {
    // Prepare
    const text = examples.map((e) => JSON.stringify(e.json)).join('\n');
    // Act
    const findings = findKeyMaterial(text);
    // Assess
    expect(findings).toEqual([]);
  });
});

describe('events/patterns', () => {
  it('lists every rule file in the expectation table', () => {
    // Prepare
    const files = patterns.map((p) => p.name).sort();
    // Act
    const listed = Object.keys(RULES).sort();
    // Assess
    expect(files).toEqual(listed);
  });

  const cases = patterns.flatMap((p) => examples.map((e) => [p.name, e.name, (RULES[p.name] ?? []).includes(e.name)] as const));
  it.each(cases)('matches rule %s against %s: %s', (rule, example, expected) => {
    // Prepare
    const compiled = compilePattern(patterns.find((p) => p.name === rule)?.json);
    // Act
    const result = matches(compiled, examples.find((e) => e.name === example)?.json);
    // Assess
    expect(result).toBe(expected);
  });

  it('names only examples that exist', () => {
    // Prepare
    const names = new Set(examples.map((e) => e.name));
    // Act
    const unknown = Object.values(RULES).flat().filter((n) => !names.has(n));
    // Assess
    expect(unknown).toEqual([]);
  });
});
