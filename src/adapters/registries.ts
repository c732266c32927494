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

/** An adapter family, named by its configuration key. */
export type AdapterFamily = keyof AdapterRegistries;

/** Spelled as a record so that a family added to AdapterRegistries and forgotten here fails to compile. */
const FAMILIES: { readonly [F in AdapterFamily]: F } = {
  keyStores: 'keyStores',
  dnsProviders: 'dnsProviders',
  issuers: 'issuers',
  sources: 'sources',
  accountSources: 'accountSources',
  notifiers: 'notifiers',
  destinations: 'destinations',
};

/** Every adapter family, in the order buildAdapters builds them. */
export const ADAPTER_FAMILIES: readonly AdapterFamily[] = Object.values(FAMILIES);

export function isAdapterFamily(name: string): name is AdapterFamily {
  const names: readonly string[] = ADAPTER_FAMILIES;
  return names.includes(name);
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
