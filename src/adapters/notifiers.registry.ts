import type { Notifier } from '../ports/notifier.port.js';
import type { Registry } from './registry/descriptor.js';
import { logNotifier } from './notifiers/log-notifier.js';
import { slackNotifier } from './slack/index.js';

/** Notifiers tell people. */
export const notifierRegistry = {
  [logNotifier.kind]: logNotifier,
  [slackNotifier.kind]: slackNotifier,
} satisfies Registry<Notifier>;
