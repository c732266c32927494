import type { TSchema } from '@sinclair/typebox';
import type { DnsProvider } from '../ports/dns-provider.port.js';
import { challtestsrvDnsProvider } from './dns/challtestsrv/index.js';
import { route53DnsProvider } from './aws/route53/index.js';

/** What every DNS provider family provides (issue 7 folds this into the registries). */
export interface DnsProviderDescriptor {
  readonly kind: string;
  readonly optionsSchema: TSchema;
  create(deps: unknown, name: string, options: Readonly<Record<string, unknown>>): DnsProvider;
}

export const dnsProviderRegistry: Readonly<Record<string, DnsProviderDescriptor>> = {
  [challtestsrvDnsProvider.kind]: challtestsrvDnsProvider as DnsProviderDescriptor,
  [route53DnsProvider.kind]: route53DnsProvider as DnsProviderDescriptor,
};
