import type { Route53Client } from '@aws-sdk/client-route-53';
import { buildRoute53Client, Route53DnsProvider } from './route53.dns-provider.js';
import { optionsSchema, type Route53Options } from './route53.options.js';

export { Route53DnsProvider, assumeRoleCredentials, buildRoute53Client, toDnsError, type Route53Deps } from './route53.dns-provider.js';
export { optionsSchema, type Route53Options } from './route53.options.js';

/**
 * Registry descriptor of the Route 53 DNS provider. The SDK is imported when the provider is
 * first used, so a runtime that never publishes DNS-01 records never loads it.
 */
export const route53DnsProvider = {
  kind: 'route53',
  optionsSchema,
  create(deps: { readonly route53?: Route53Client } | undefined, name: string, options: Route53Options = {}): Route53DnsProvider {
    let client: Promise<Route53Client> | undefined;
    const route53 = () => (client ??= deps?.route53 ? Promise.resolve(deps.route53) : buildRoute53Client(options));
    return new Route53DnsProvider({ route53 }, name, options);
  },
} as const;
