import type { CertflowError } from '../../src/domain/errors/index.js';

/** The error `act` throws; fails the test when it throws nothing. */
export function thrown(act: () => unknown): CertflowError {
  try {
    act();
  } catch (error) {
    return error as CertflowError;
  }
  throw new Error('expected a throw');
}
