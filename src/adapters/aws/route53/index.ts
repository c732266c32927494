import type { AdapterDescriptor } from '../../registry/descriptor.js';
import type { DnsProvider } from '../../../ports/dns-provider.port.js';
import { optionsSchema } from './route53.options.js';

export { Route53DnsProvider, assumeRoleCredentials, buildRoute53Client, toDnsError, type Route53Deps } from './route53.dns-provider.js';
export { optionsSchema, type Route53Options } from './route53.options.js';

/**
 * Registry descriptor of the Route 53 DNS provider. The SDK is imported when the provider is
 * first used, so a runtime that never publishes DNS-01 records never loads it.
 */
export const route53DnsProvider = {
  kind: 'route53',
  summary: 'TXT records in Route 53 hosted zones (optionally in a central DNS account)',
  runtimes: ['local', 'aws'],
  optionsSchema,
  async create(_deps, { name, options }) {
    const { buildRoute53Client, Route53DnsProvider } = await import('./route53.dns-provider.js');
    let client: ReturnType<typeof buildRoute53Client> | undefined;
    return new Route53DnsProvider({ route53: () => (client ??= buildRoute53Client(options)) }, name, options);
  },
} as const satisfies AdapterDescriptor<DnsProvider, typeof optionsSchema>;
