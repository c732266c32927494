import { toAcmObservation, validateAcmEvent } from '../src/domain/events/acm-events.js';
import { validateEvent } from '../src/adapters/lambda/validate-detail.middleware.js';
import { recordAcmSignal, type AcmSignalOutcome } from '../src/app/record-acm-signal.use-case.js';
import { awsClientFactory, awsSettings, buildStateStore } from '../src/composition/aws-runtime.js';
import { systemClock } from '../src/ports/clock.port.js';
import { recordInState } from './lib/dead-letters.js';
import { lambdaHandler } from './lib/lambda.js';

// Cold start: settings, the DynamoDB client and the use case are built once.
const state = buildStateStore(awsSettings(process.env, ['tableName']), awsClientFactory());
const record = recordAcmSignal({ state, clock: systemClock });

/**
 * ACM's own events (rule on the default bus, pattern events/patterns/acm-certificate-events.json)
 * folded into the inventory. An invalid event is a terminal EVENT.INVALID: recorded once as a
 * dead letter with its reason, never retried, nothing else written. A duplicate delivery changes nothing.
 */
export const handler = lambdaHandler<AcmSignalOutcome>({
  fn: 'ingestAcmEvents',
  recordTerminal: recordInState(state, () => systemClock.now()),
  summarize: (r) => ({ certificateId: r.certificateId, result: r.outcome }),
})
  .use(validateEvent({ validate: validateAcmEvent }))
  .handler((event: unknown) => record(toAcmObservation(event)));
