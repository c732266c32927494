import type { Route53Client } from '@aws-sdk/client-route-53';
import type { DnsChange, DnsProvider, TxtRecord } from '../../../ports/dns-provider.port.js';
import type { Route53DnsProvider } from './route53.dns-provider.js';
import { optionsSchema, type Route53Options } from './route53.options.js';

export { optionsSchema, type Route53Options } from './route53.options.js';

/**
 * Registry descriptor of the Route 53 DNS provider. The SDK clients are imported on first use,
 * so a runtime that never publishes DNS-01 records never loads them.
 */
export const route53DnsProvider = {
  kind: 'route53',
  optionsSchema,
  create(deps: { readonly route53?: Route53Client } | undefined, name: string, options: Route53Options = {}): DnsProvider {
    let loaded: Promise<Route53DnsProvider> | undefined;
    const load = () =>
      (loaded ??= import('./route53.dns-provider.js').then((m) => new m.Route53DnsProvider({ route53: deps?.route53 ?? m.buildRoute53Client(options) }, name, options)));
    return {
      kind: 'route53',
      name,
      publish: async (records: readonly TxtRecord[]) => (await load()).publish(records),
      isPropagated: async (change: DnsChange) => (await load()).isPropagated(change),
      remove: async (records: readonly TxtRecord[]) => (await load()).remove(records),
    };
  },
} as const;
