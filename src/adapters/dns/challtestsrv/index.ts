import type { AdapterDescriptor } from '../../registry/descriptor.js';
import type { DnsProvider } from '../../../ports/dns-provider.port.js';
import { optionsSchema } from './challtestsrv.options.js';

export { ChalltestsrvDnsProvider } from './challtestsrv.dns-provider.js';
export { optionsSchema, type ChalltestsrvOptions } from './challtestsrv.options.js';

/** Registry descriptor of the challtestsrv DNS provider (tests and local demos). */
export const challtestsrvDnsProvider = {
  kind: 'challtestsrv',
  summary: "pebble-challtestsrv's management API (tests and local demos)",
  runtimes: ['local'],
  optionsSchema,
  async create(_deps, { name, options }) {
    const { ChalltestsrvDnsProvider } = await import('./challtestsrv.dns-provider.js');
    return new ChalltestsrvDnsProvider(name, options);
  },
} as const satisfies AdapterDescriptor<DnsProvider, typeof optionsSchema>;
