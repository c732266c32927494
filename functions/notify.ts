import { notifyOnEvent, type ReceivedLifecycleEvent } from '../src/app/notify.use-case.js';
import { awsClientFactory, awsSettings, buildStateStore } from '../src/composition/aws-runtime.js';
import { awsFactoryDeps, loadAwsConfig } from '../src/composition/aws-configured-runtime.js';
import { buildAdapters, fanOut } from '../src/composition/build-adapters.js';
import { systemClock } from '../src/ports/clock.port.js';
import { recordInState } from './lib/dead-letters.js';
import { familiesOf } from './lib/families.js';
import { lambdaHandler } from './lib/lambda.js';
import { registries } from '../src/adapters/registries.js';

// Cold start: the configuration and the configured notifiers only (no issuer, source or queue).
// The Slack notifier reads its bot token from SSM on its first message, never from the environment.
const settings = awsSettings(process.env, ['tableName', 'configLocation']);
const clients = awsClientFactory();
const config = await loadAwsConfig(settings.configLocation, clients, registries);
const state = buildStateStore(settings, clients);
const { notifiers } = await buildAdapters(config, registries, awsFactoryDeps({ clients, clock: systemClock, state }), familiesOf('notify'));
const notify = notifyOnEvent({ notifier: fanOut(notifiers) });

/**
 * Target of the `notify` rule (events/patterns/notify.json): alerts to the channel of their
 * severity, `Approval Requested` as a Slack message with buttons, decisions and expiry as updates
 * of that message. A failed delivery is retried (Slack's 429s included); the DLQ keeps the rest.
 */
export const handler = lambdaHandler<{ readonly notified: boolean }>({
  fn: 'notify',
  recordTerminal: recordInState(state, () => systemClock.now()),
  summarize: (r) => ({ notified: r.notified }),
}).handler(async (event: unknown) => {
  await notify(event as ReceivedLifecycleEvent);
  return { notified: true };
});
