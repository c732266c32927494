import middy from '@middy/core';
import { toAcmObservation, validateAcmEvent } from '../src/adapters/aws/acm-events.js';
import { validateEvent } from '../src/adapters/lambda/validate-detail.middleware.js';
import { recordAcmSignal, type AcmSignalOutcome } from '../src/app/record-acm-signal.use-case.js';
import { buildStateStore, invocationLog, loadSettings, systemClock } from './lib/aws-deps.js';

// Cold start: settings, the DynamoDB client and the use case are built once.
const record = recordAcmSignal({ state: buildStateStore(loadSettings(process.env, ['tableName'])), clock: systemClock });

/**
 * ACM's own events (rule on the default bus, pattern events/patterns/acm-certificate-events.json)
 * folded into the inventory. An invalid event fails with EVENT.INVALID before anything is written;
 * it ends in the function's DLQ with the reason. A duplicate delivery changes nothing.
 */
export const handler = middy()
  .use(invocationLog<AcmSignalOutcome>({ fn: 'ingestAcmEvents', summarize: (r) => ({ certificateId: r.certificateId, result: r.outcome }) }))
  .use(validateEvent({ validate: validateAcmEvent }))
  .handler((event: unknown) => record(toAcmObservation(event)));
