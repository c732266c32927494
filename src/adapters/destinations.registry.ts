import type { Destination } from '../ports/destination.port.js';
import type { Registry } from './registry/descriptor.js';

/** Destinations deliver stored certificates where they are used. */
export const destinationRegistry = {} satisfies Registry<Destination>;
