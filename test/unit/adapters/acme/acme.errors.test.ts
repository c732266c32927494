import { describe, expect, it } from 'vitest';
import { fromProblem, toAcmeError } from '../../../../src/adapters/acme/acme.errors.js';

const P = 'urn:ietf:params:acme:error:';

describe('fromProblem', () => {
  it.each([
    ['rateLimited', 'ISSUER.RATE_LIMITED', true],
    ['badNonce', 'ISSUER.UNAVAILABLE', true],
    ['serverInternal', 'ISSUER.UNAVAILABLE', true],
    ['dns', 'ACME.VALIDATION_FAILED', true],
    ['incorrectResponse', 'ACME.VALIDATION_FAILED', true],
    ['unauthorized', 'ACME.VALIDATION_FAILED', false],
    ['rejectedIdentifier', 'ACME.IDENTIFIER_REJECTED', false],
    ['caa', 'ACME.CAA_FORBIDDEN', false],
    ['externalAccountRequired', 'ACME.ACCOUNT_REFUSED', false],
    ['badCSR', 'ISSUER.REJECTED', false],
  ])('maps %s to %s (retryable: %s), keeping the problem type in the context', (name, code, retryable) => {
    // Act
    const error = fromProblem({ type: `${P}${name}`, detail: 'why', status: 400 }, 'new order refused', { orderId: 'req_1' });

    // Assess
    expect({ code: error.code, retryable: error.retryable, problem: error.context['acmeProblem'] }).toEqual({ code, retryable, problem: `${P}${name}` });
    expect(error.message).toBe(`new order refused: ${name} (why)`);
  });

  it.each(['constructor', 'toString', '__proto__'])('classes an unknown problem type named %s by its status, not by an inherited property', (name) => {
    // Act: a hostile or buggy CA controls the problem type
    const error = fromProblem({ type: `${P}${name}`, detail: 'why', status: 400 }, 'new order refused', {});

    // Assess
    expect({ code: error.code, retryable: error.retryable }).toEqual({ code: 'ISSUER.REJECTED', retryable: false });
  });

  it('takes a compound problem\'s class from its first subproblem', () => {
    // Act
    const error = fromProblem({ type: `${P}compound`, subproblems: [{ type: `${P}caa`, detail: 'CAA forbids' }] }, 'order invalid', {});

    // Assess
    expect({ code: error.code, retryable: error.retryable }).toEqual({ code: 'ACME.CAA_FORBIDDEN', retryable: false });
  });

  it('treats an unknown 5xx problem as retryable and an unknown 4xx one as terminal', () => {
    // Act
    const server = fromProblem({ type: 'about:blank', status: 503 }, 'x', {});
    const client = fromProblem({ type: 'about:blank', status: 404 }, 'x', {});

    // Assess
    expect([server.retryable, client.retryable]).toEqual([true, false]);
  });

  it('turns a network error into retryable ISSUER.UNAVAILABLE named by its code only', () => {
    // Act
    const error = toAcmeError(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443 secret-ish detail'), { code: 'ECONNREFUSED' }), 'ACME order failed', {});

    // Assess
    expect({ code: error.code, retryable: error.retryable, message: error.message }).toEqual({
      code: 'ISSUER.UNAVAILABLE',
      retryable: true,
      message: 'ACME order failed: ACME server unreachable (ECONNREFUSED)',
    });
  });
});
