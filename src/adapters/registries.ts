import type { AccountSource } from '../ports/account-source.port.js';
import type { CertificateSource } from '../ports/certificate-source.port.js';
import type { Destination } from '../ports/destination.port.js';
import type { DnsProvider } from '../ports/dns-provider.port.js';
import type { CertificateIssuer } from '../ports/issuer.port.js';
import type { KeyStore } from '../ports/key-store.port.js';
import type { Notifier } from '../ports/notifier.port.js';
import type { Registry } from './registry/descriptor.js';
import { accountSourceRegistry } from './account-sources.registry.js';
import { destinationRegistry } from './destinations.registry.js';
import { dnsProviderRegistry } from './dns-providers.registry.js';
import { issuerRegistry } from './issuers.registry.js';
import { keyStoreRegistry } from './key-stores.registry.js';
import { notifierRegistry } from './notifiers.registry.js';
import { sourceRegistry } from './sources.registry.js';

/** Every adapter family, by the configuration key that names its adapters. */
export interface AdapterRegistries {
  readonly keyStores: Registry<KeyStore>;
  readonly dnsProviders: Registry<DnsProvider>;
  readonly issuers: Registry<CertificateIssuer>;
  readonly sources: Registry<CertificateSource>;
  readonly accountSources: Registry<AccountSource>;
  readonly notifiers: Registry<Notifier>;
  readonly destinations: Registry<Destination>;
}

export const registries: AdapterRegistries = {
  keyStores: keyStoreRegistry,
  dnsProviders: dnsProviderRegistry,
  issuers: issuerRegistry,
  sources: sourceRegistry,
  accountSources: accountSourceRegistry,
  notifiers: notifierRegistry,
  destinations: destinationRegistry,
};

/** The registries with extra kinds added, e.g. a test-only issuer. */
export function withKinds(base: AdapterRegistries, extra: { readonly [F in keyof AdapterRegistries]?: AdapterRegistries[F] }): AdapterRegistries {
  return {
    keyStores: { ...base.keyStores, ...extra.keyStores },
    dnsProviders: { ...base.dnsProviders, ...extra.dnsProviders },
    issuers: { ...base.issuers, ...extra.issuers },
    sources: { ...base.sources, ...extra.sources },
    accountSources: { ...base.accountSources, ...extra.accountSources },
    notifiers: { ...base.notifiers, ...extra.notifiers },
    destinations: { ...base.destinations, ...extra.destinations },
  };
}
