import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import { ADAPTER_FAMILIES, type AdapterFamily, type AdapterRegistries } from '../adapters/registries.js';
import type { AdapterDescriptor, AdapterFactoryDeps, Directory } from '../adapters/registry/descriptor.js';
import type { AdapterSettings, CertflowConfig } from '../config/load-config.js';
import { ownValue } from '../domain/own-value.js';
import type { AccountSource } from '../ports/account-source.port.js';
import type { CertificateSource } from '../ports/certificate-source.port.js';
import type { Destination, DestinationDirectory } from '../ports/destination.port.js';
import type { DnsProvider } from '../ports/dns-provider.port.js';
import type { CertificateIssuer } from '../ports/issuer.port.js';
import type { KeyStore } from '../ports/key-store.port.js';
import type { Notifier } from '../ports/notifier.port.js';
import { FAMILY_LABELS, unbuiltAccountSource, unbuiltDirectory, unbuiltKeyStore, unbuiltNotifier, unbuiltSource } from './unbuilt-adapters.js';

/** Every adapter configuration names, built. */
export interface BuiltAdapters {
  readonly keys: KeyStore;
  readonly dnsProviders: Directory<DnsProvider>;
  readonly issuers: Directory<CertificateIssuer>;
  readonly sources: readonly CertificateSource[];
  readonly accountSources: readonly AccountSource[];
  readonly notifiers: readonly Notifier[];
  readonly destinations: Directory<Destination>;
}

export type BaseFactoryDeps = Omit<AdapterFactoryDeps, 'keys' | 'dnsProviders'>;

/**
 * Builds the adapters of a validated configuration through the registries. The key store comes
 * first, then DNS providers and account sources, because issuers, destinations and sources are built with them.
 * `families` (default: all) are built; each other family gets stand-ins that fail with
 * ADAPTER.FAMILY_NOT_BUILT when used (unbuilt-adapters.ts): a Lambda function builds only what its
 * code path uses, and its bundle carries only those implementations (functions/lib/families.json).
 */
export async function buildAdapters(
  config: CertflowConfig,
  registries: AdapterRegistries,
  base: BaseFactoryDeps,
  families: ReadonlySet<AdapterFamily> = new Set(ADAPTER_FAMILIES),
): Promise<BuiltAdapters> {
  const keys = families.has('keyStores') ? await create(registries.keyStores, base, config.keyStore, FAMILY_LABELS.keyStores) : unbuiltKeyStore(config.keyStore.name);
  const dnsProviders = families.has('dnsProviders')
    ? directory(FAMILY_LABELS.dnsProviders, await createAll(registries.dnsProviders, { ...base, keys }, config.dnsProviders, FAMILY_LABELS.dnsProviders))
    : unbuiltDirectory<DnsProvider>('dnsProviders', config.dnsProviders);
  const accountSources = families.has('accountSources')
    ? await createAll(registries.accountSources, { ...base, keys, dnsProviders }, config.accountSources, FAMILY_LABELS.accountSources)
    : standIns(config.accountSources, unbuiltAccountSource);
  const deps: AdapterFactoryDeps = { ...base, keys, dnsProviders, accountSources: directory(FAMILY_LABELS.accountSources, accountSources) };
  const [issuers, sources, notifiers, destinations] = await Promise.all([
    families.has('issuers')
      ? createAll(registries.issuers, deps, config.issuers, FAMILY_LABELS.issuers).then((built) => directory(FAMILY_LABELS.issuers, built))
      : unbuiltDirectory<CertificateIssuer>('issuers', config.issuers),
    families.has('sources') ? createAll(registries.sources, deps, config.sources, FAMILY_LABELS.sources) : standIns(config.sources, unbuiltSource),
    families.has('notifiers') ? createAll(registries.notifiers, deps, config.notifiers, FAMILY_LABELS.notifiers) : standIns(config.notifiers, unbuiltNotifier),
    families.has('destinations')
      ? createAll(registries.destinations, deps, config.destinations, FAMILY_LABELS.destinations).then((built) => directory(FAMILY_LABELS.destinations, built))
      : unbuiltDirectory<Destination>('destinations', config.destinations),
  ]);
  return {
    keys,
    dnsProviders,
    issuers,
    sources: [...sources.values()],
    accountSources: [...accountSources.values()],
    notifiers: [...notifiers.values()],
    destinations,
  };
}

/** A stand-in for each configured adapter of a family this process does not build. */
function standIns<T>(list: readonly AdapterSettings[], standIn: (name: string) => T): Map<string, T> {
  return new Map(list.map((s) => [s.name, standIn(s.name)]));
}

async function create<T>(registry: Readonly<Record<string, AdapterDescriptor<T>>>, deps: AdapterFactoryDeps, settings: AdapterSettings, label: string): Promise<T> {
  const descriptor = ownValue(registry, settings.kind);
  // Configuration was validated against these registries; reaching here means a caller mixed them up.
  if (!descriptor) throw new CertflowError(ErrorCodes.CONFIG_INVALID, `unknown ${label} kind ${settings.kind}`, { context: { kind: settings.kind } });
  return descriptor.create(deps, settings);
}

async function createAll<T>(
  registry: Readonly<Record<string, AdapterDescriptor<T>>>,
  deps: AdapterFactoryDeps,
  list: readonly AdapterSettings[],
  label: string,
): Promise<Map<string, T>> {
  const built = await Promise.all(list.map(async (s) => [s.name, await create(registry, deps, s, label)] as const));
  return new Map(built);
}

function directory<T>(label: string, built: ReadonlyMap<string, T>): Directory<T> {
  return {
    get(name) {
      const found = built.get(name);
      if (!found) {
        const code = label === FAMILY_LABELS.issuers ? ErrorCodes.ISSUER_UNKNOWN : ErrorCodes.CONFIG_INVALID;
        throw new CertflowError(code, `no ${label} named ${name}`, { context: { name } });
      }
      return found;
    },
    names: () => [...built.keys()],
  };
}

/**
 * Each certificate's destinations, in the order configuration lists them (names are checked at load).
 * Looked up when asked, so a function that builds no destinations never reaches their stand-ins.
 */
export function destinationsByCertificate(
  certificates: readonly { readonly spec: { readonly id: string }; readonly destinations?: readonly string[] }[],
  destinations: Directory<Destination>,
): DestinationDirectory {
  const byId = new Map(certificates.map((c) => [c.spec.id, c.destinations ?? []]));
  return { forCertificate: (id) => (byId.get(id) ?? []).map((name) => destinations.get(name)) };
}

/** One notifier that tells every configured one; one failing never silences the others. */
export function fanOut(notifiers: readonly Notifier[]): Notifier {
  return {
    async notify(n) {
      const results = await Promise.allSettled(notifiers.map((x) => x.notify(n)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
