import { describe, expect, it } from 'vitest';
import { REQUEST_STATES, canTransition, nextAttemptAt, transition, type RequestState } from '../../../src/domain/request.js';
import { CertflowError } from '../../../src/domain/errors/index.js';
import { aRequest, T0 } from '../../support/builders.js';

const LEGAL: ReadonlyArray<[RequestState, RequestState]> = [
  ['requested', 'pending_approval'],
  ['requested', 'approved'],
  ['requested', 'denied'],
  ['pending_approval', 'approved'],
  ['pending_approval', 'denied'],
  ['pending_approval', 'expired'],
  ['approved', 'issuing'],
  ['issuing', 'issued'],
  ['issuing', 'failed'],
  ['failed', 'issuing'],
  ['failed', 'issued'],
];

describe('request state machine', () => {
  it('allows exactly the documented transitions', () => {
    // Prepare
    const legal = new Set(LEGAL.map(([a, b]) => `${a}>${b}`));
    // Act
    const allowed = REQUEST_STATES.flatMap((from) => REQUEST_STATES.filter((to) => canTransition(from, to)).map((to) => `${from}>${to}`));
    // Assess
    expect(new Set(allowed)).toEqual(legal);
  });

  it.each([
    ['denied', 'approved'],
    ['issued', 'issuing'],
    ['expired', 'approved'],
    ['pending_approval', 'issuing'],
    ['approved', 'denied'],
  ] as const)('refuses %s → %s with REQUEST.ILLEGAL_TRANSITION', (from, to) => {
    // Prepare
    const request = aRequest({ state: from });
    // Act
    const act = () => transition(request, to, T0);
    // Assess
    expect(act).toThrow(CertflowError);
    expect(act).toThrow(expect.objectContaining({ code: 'REQUEST.ILLEGAL_TRANSITION', message: expect.stringContaining(`from ${from} to ${to}`) }));
  });

  it('leaves the original request unchanged when a transition is refused', () => {
    // Prepare
    const request = aRequest({ state: 'denied' });
    // Act
    expect(() => transition(request, 'issuing', T0)).toThrow();
    // Assess
    expect(request.state).toBe('denied');
  });

  it('backs off exponentially from a minute and caps retries at a day', () => {
    // Act
    const delays = [1, 2, 3, 12, 40].map((attempt) => nextAttemptAt(attempt, T0).getTime() - T0.getTime());
    // Assess
    expect(delays).toEqual([60_000, 120_000, 240_000, 86_400_000, 86_400_000]);
  });
});
