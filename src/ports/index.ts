export type * from './state-store.port.js';
export type * from './key-store.port.js';
export type * from './issuer.port.js';
export type * from './event-bus.port.js';
export type * from './certificate-source.port.js';
export type * from './notifier.port.js';
export type { Clock } from './clock.port.js';
export { systemClock } from './clock.port.js';
export { KEY_LABELS } from './key-store.port.js';
