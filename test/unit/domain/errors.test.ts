import { describe, expect, it, vi } from 'vitest';
import { CertflowError, ErrorCodes, isCertflowError } from '../../../src/domain/errors/index.js';

describe('isCertflowError', () => {
  it('recognises an error made by another copy of the module (a second bundle or module graph)', async () => {
    // Prepare: a fresh copy of the errors module, as a second bundle would have
    vi.resetModules();
    const copy = await import('../../../src/domain/errors/certflow-error.js');
    // Act
    const foreign = new copy.CertflowError(ErrorCodes.INPUT_INVALID, 'from the other copy');
    // Assess
    expect(foreign instanceof CertflowError).toBe(false);
    expect(isCertflowError(foreign)).toBe(true);
  });

  it('refuses look-alikes that carry a code but not the brand', () => {
    // Assess
    expect(isCertflowError(Object.assign(new Error('x'), { code: 'INPUT.INVALID', retryable: false }))).toBe(false);
    expect(isCertflowError({ code: 'INPUT.INVALID' })).toBe(false);
    expect(isCertflowError(undefined)).toBe(false);
  });
});
