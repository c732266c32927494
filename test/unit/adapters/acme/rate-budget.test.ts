import { afterEach, describe, expect, it } from 'vitest';
import { RateBudgets } from '../../../../src/adapters/acme/rate-budget.js';
import { SqliteStateStore } from '../../../../src/adapters/local/sqlite.state-store.js';
import { isCertflowError } from '../../../../src/domain/errors/index.js';

describe('RateBudgets', () => {
  const stores: SqliteStateStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  it('stops ordering for an identifier after 3 failed validations in the hour, and allows it the next hour', async () => {
    // Prepare
    const state = SqliteStateStore.open(':memory:');
    stores.push(state);
    const budgets = new RateBudgets(state, 'le');
    const at = new Date('2026-11-29T10:15:00Z');
    for (let i = 0; i < 3; i++) await budgets.recordFailedValidation('WWW.example.com', at);

    // Act
    const now = await budgets.checkFailedValidations(['www.example.com'], new Date('2026-11-29T10:59:00Z'), {}).then(() => undefined, (e: unknown) => e);
    const later = await budgets.checkFailedValidations(['www.example.com'], new Date('2026-11-29T11:00:00Z'), {}).then(() => undefined, (e: unknown) => e);

    // Assess
    expect(isCertflowError(now) && { code: now.code, retryable: now.retryable, message: now.message }).toEqual({
      code: 'ISSUER.RATE_LIMITED',
      retryable: true,
      message: 'www.example.com failed validation 3 times this hour; next try after 2026-11-29T11:00:00.000Z',
    });
    expect(later).toBeUndefined();
  });
});
