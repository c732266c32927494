import { isCertflowError } from '../../src/domain/errors/index.js';

/**
 * The one outcome the property tier forbids: a failure that is not a CertflowError (what the CLI
 * reports as "unexpected failure"). Returns the code of an expected failure, or 'ok'.
 */
export function outcomeOf(act: () => unknown): string {
  try {
    act();
    return 'ok';
  } catch (error) {
    if (isCertflowError(error)) return error.code;
    throw error;
  }
}

/** Case counts of this tier, kept in one place so the report and the runs agree. */
export const RUNS = {
  wildcard: 3000,
  patternsArbitrary: 2000,
  patternsGrammar: 2000,
  events: 2000,
  eventBuilders: 1000,
  configText: 1500,
  configYaml: 1500,
  configMutations: 2000,
  pemText: 1500,
  pemMutations: 2000,
} as const;
