import { describe, expect, it } from 'vitest';
import { alertThresholdToSend, daysRemaining, eligibleThresholds, isExpired, isRenewalDue, renewalDueAt } from '../../../src/domain/renewal-policy.js';

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
