import { Type, type Static } from '@sinclair/typebox';

/** Options of a `challtestsrv` DNS provider: Pebble's test DNS server, for tests and local demos only. */
export const optionsSchema = Type.Object(
  {
    managementUrl: Type.String({ pattern: '^https?://', description: 'Base URL of pebble-challtestsrv\'s management API, e.g. http://127.0.0.1:8055' }),
  },
  { additionalProperties: false },
);

export type ChalltestsrvOptions = Static<typeof optionsSchema>;
