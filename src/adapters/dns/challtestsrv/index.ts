import { ChalltestsrvDnsProvider } from './challtestsrv.dns-provider.js';
import { optionsSchema, type ChalltestsrvOptions } from './challtestsrv.options.js';

export { ChalltestsrvDnsProvider } from './challtestsrv.dns-provider.js';
export { optionsSchema, type ChalltestsrvOptions } from './challtestsrv.options.js';

/** Registry descriptor of the challtestsrv DNS provider (tests and local demos). */
export const challtestsrvDnsProvider = {
  kind: 'challtestsrv',
  optionsSchema,
  create(_deps: unknown, name: string, options: ChalltestsrvOptions): ChalltestsrvDnsProvider {
    return new ChalltestsrvDnsProvider(name, options);
  },
} as const;
