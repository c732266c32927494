import type { Destination } from '../ports/destination.port.js';
import type { Registry } from './registry/descriptor.js';
import { acmDestination } from './aws/acm-destination/index.js';
import { directoryDestination } from './local/directory-destination/index.js';
import { rolesAnywhereDestination } from './local/roles-anywhere-destination/index.js';

/** Destinations deliver stored certificates where they are used. */
export const destinationRegistry = {
  [directoryDestination.kind]: directoryDestination,
  [acmDestination.kind]: acmDestination,
  [rolesAnywhereDestination.kind]: rolesAnywhereDestination,
} satisfies Registry<Destination>;
