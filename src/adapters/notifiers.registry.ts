import type { Notifier } from '../ports/notifier.port.js';
import type { Registry } from './registry/descriptor.js';
import { logNotifier } from './notifiers/log-notifier.js';

/** Notifiers tell people. */
export const notifierRegistry = {
  [logNotifier.kind]: logNotifier,
} satisfies Registry<Notifier>;
