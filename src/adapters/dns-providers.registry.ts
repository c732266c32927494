import type { DnsProvider } from '../ports/dns-provider.port.js';
import type { Registry } from './registry/descriptor.js';

/** DNS providers publish the records issuers need proven (ACME DNS-01). */
export const dnsProviderRegistry = {} satisfies Registry<DnsProvider>;
