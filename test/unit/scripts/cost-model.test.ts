import { describe, expect, it } from 'vitest';
import { costModel, issuancesPerMonth, PRICES } from '../../../scripts/lib/cost-model.js';

const base = { validityDays: 90, pcaMode: 'general' as const, cas: 1, memoryMb: 512, scheduledPerMonth: 5760, customerManagedKey: false };

describe('cost model', () => {
  it('renews at two thirds of the validity and tiers Private CA certificate prices', () => {
    // Act
    const small = costModel({ ...base, certificates: 1_000 });
    const large = costModel({ ...base, certificates: 30_000 });
    // Assess
    expect(issuancesPerMonth({ ...base, certificates: 1_000 })).toBe(500);
    expect(small.lines.find((l) => l.item === 'Private CA certificates')?.usd).toBeCloseTo(500 * 0.75);
    expect(large.lines.find((l) => l.item === 'Private CA certificates')?.usd).toBeCloseTo(1_000 * 0.75 + 9_000 * 0.35 + 5_000 * 0.001);
  });

  it('names a secret per certificate as the dominant term at 1,000 and 10,000 certificates', () => {
    // Act
    const results = [1_000, 10_000].map((certificates) => costModel({ ...base, certificates }));
    // Assess
    for (const r of results) expect(r.dominant.item).toBe('Secrets Manager secrets');
    expect(results[1]?.dominant.usd).toBe(10_000 * PRICES.secret.usd);
    for (const p of Object.values(PRICES)) expect(p.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
  });
});
