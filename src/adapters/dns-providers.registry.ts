import type { DnsProvider } from '../ports/dns-provider.port.js';
import type { Registry } from './registry/descriptor.js';
import { challtestsrvDnsProvider } from './dns/challtestsrv/index.js';
import { route53DnsProvider } from './aws/route53/index.js';

/** DNS providers publish the records issuers need proven (ACME DNS-01). */
export const dnsProviderRegistry = {
  [challtestsrvDnsProvider.kind]: challtestsrvDnsProvider,
  [route53DnsProvider.kind]: route53DnsProvider,
} satisfies Registry<DnsProvider>;
