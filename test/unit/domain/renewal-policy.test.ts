import { describe, expect, it } from 'vitest';
import { alertThresholdToSend, daysRemaining, eligibleThresholds, isExpired, isRenewalDue, renewalDueAt, renewalDueWithAdvice } from '../../../src/domain/renewal-policy.js';

import { renewalTimingOf } from '../../../src/app/records.js';
import type { CertificateFacts } from '../../../src/domain/certificate.js';

const DAY = 86_400_000;
const notBefore = new Date('2026-01-01T00:00:00Z');
const notAfter = new Date(notBefore.getTime() + 90 * DAY);

describe('renewal policy', () => {
  it('makes a certificate due at two thirds of its lifetime by default', () => {
    // Act
    const due = renewalDueAt({ notBefore, notAfter });
    // Assess
    expect(due.toISOString()).toBe(new Date(notBefore.getTime() + 60 * DAY).toISOString());
    expect(isRenewalDue({ notBefore, notAfter }, new Date(due.getTime() - 1))).toBe(false);
    expect(isRenewalDue({ notBefore, notAfter }, due)).toBe(true);
  });

  it('uses a configured renew-before instead of the two-thirds rule', () => {
    // Act
    const due = renewalDueAt({ notBefore, notAfter, renewBeforeDays: 10 });
    // Assess
    expect(due.getTime()).toBe(notAfter.getTime() - 10 * DAY);
  });

  it('renews a 24-hour certificate a renew-before in hours ahead of its end (the timing a spec with renewBeforeHours gets)', () => {
    // Prepare
    const spec = { renewBeforeHours: 6 };
    const start = new Date('2026-01-01T00:00:00Z');
    const end = new Date(start.getTime() + DAY);
    // Act
    const due = renewalDueAt(renewalTimingOf({ notBefore: start, notAfter: end } as CertificateFacts, spec));
    const byDefault = renewalDueAt(renewalTimingOf({ notBefore: start, notAfter: end } as CertificateFacts, {}));
    // Assess
    expect(due.toISOString()).toBe('2026-01-01T18:00:00.000Z');
    expect(byDefault.toISOString()).toBe('2026-01-01T16:00:00.000Z');
  });

  it('sends the tightest crossed threshold once, not every threshold crossed', () => {
    // Prepare
    const now = new Date(notAfter.getTime() - 5 * DAY);
    // Act
    const first = alertThresholdToSend(notAfter, now, [30, 14, 7, 1], []);
    const again = alertThresholdToSend(notAfter, now, [30, 14, 7, 1], [7]);
    // Assess
    expect(first).toBe(7);
    expect(again).toBeUndefined();
  });

  it('sends the next threshold when it is crossed later', () => {
    // Act
    const at30 = alertThresholdToSend(notAfter, new Date(notAfter.getTime() - 29 * DAY), [30, 14, 7, 1], []);
    const at14 = alertThresholdToSend(notAfter, new Date(notAfter.getTime() - 13 * DAY), [30, 14, 7, 1], [30]);
    // Assess
    expect(at30).toBe(30);
    expect(at14).toBe(14);
  });

  it('sends no threshold alert before the widest threshold or after expiry', () => {
    // Assess
    expect(alertThresholdToSend(notAfter, new Date(notAfter.getTime() - 40 * DAY), [30, 14], [])).toBeUndefined();
    expect(alertThresholdToSend(notAfter, new Date(notAfter.getTime() + DAY), [30, 14], [])).toBeUndefined();
    expect(isExpired(notAfter, new Date(notAfter.getTime() + 1))).toBe(true);
  });

  it('counts whole days remaining, negative once expired', () => {
    // Assess
    expect(daysRemaining(notAfter, new Date(notAfter.getTime() - 1.5 * DAY))).toBe(1);
    expect(daysRemaining(notAfter, new Date(notAfter.getTime() + 1.5 * DAY))).toBe(-2);
  });
});

describe('eligibleThresholds', () => {
  it('keeps only thresholds shorter than the lifetime', () => {
    // Prepare
    const start = new Date('2026-01-01T00:00:00Z');
    // Act
    const thirtyDay = eligibleThresholds(start, new Date(start.getTime() + 30 * DAY), [30, 14, 7, 1]);
    const sixDay = eligibleThresholds(start, new Date(start.getTime() + 6 * DAY), [30, 14, 7, 1]);
    // Assess
    expect(thirtyDay).toEqual([14, 7, 1]);
    expect(sixDay).toEqual([1]);
  });
});

describe('renewalDueWithAdvice (the CA\'s renewal window, ACME ARI)', () => {
  const timing = { notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2026-04-01T00:00:00Z') };
  const policy = renewalDueAt(timing);
  const advice = (renewAt: string | undefined, serialNumber = 'AB01') => ({
    serialNumber,
    checkAgainAt: new Date('2026-02-01T06:00:00Z'),
    ...(renewAt ? { renewAt: new Date(renewAt), window: { start: new Date(renewAt), end: new Date(renewAt) } } : {}),
  });

  it.each([
    ['no advice', undefined, policy, false],
    ['a CA window before the policy\'s time', advice('2026-01-15T00:00:00Z'), new Date('2026-01-15T00:00:00Z'), true],
    ['a CA window after the policy\'s time', advice('2026-03-20T00:00:00Z'), policy, false],
    ['advice on another certificate', advice('2026-01-15T00:00:00Z', 'CD02'), policy, false],
    ['a CA that could not be asked yet', advice(undefined), policy, false],
  ])('with %s renews at the right time', (_what, given, dueAt, byCa) => {
    // Act
    const due = renewalDueWithAdvice(timing, given, 'AB01');
    // Assess
    expect(due).toEqual({ dueAt, byCa });
  });
});
