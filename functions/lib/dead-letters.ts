import { createOnce } from '../../src/app/persistence.js';
import type { StateStore } from '../../src/ports/state-store.port.js';
import type { TerminalFailure } from './lambda.js';

/** Where a handler's terminal failures are kept: one item per function and triggering event, written once. */
export function handlerDeadLetterKey(fn: string, correlationId: string) {
  return { pk: `DEADLETTER#${fn}#${correlationId}`, sk: 'META' };
}

/** Records a terminal failure once; a redelivery of the same event finds it there and writes nothing. */
export function recordInState(state: StateStore, at: () => Date) {
  return async (failure: TerminalFailure): Promise<void> => {
    await createOnce(state, handlerDeadLetterKey(failure.fn, failure.correlationId), { ...failure, at: at() });
  };
}
