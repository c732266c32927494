import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import type { AdapterFamily } from '../adapters/registries.js';
import type { Directory } from '../adapters/registry/descriptor.js';
import type { AccountSource } from '../ports/account-source.port.js';
import type { CertificateSource } from '../ports/certificate-source.port.js';
import type { KeyStore } from '../ports/key-store.port.js';
import type { Notifier } from '../ports/notifier.port.js';

/*
 * What a Lambda function holds for an adapter family it does not build (functions/lib/families.json).
 * Its bundle does not carry that family's implementations (scripts/esbuild-plugins.cjs), so these
 * stand in for them: built without touching anything, they fail with a stable code the moment a
 * code path reaches them, instead of an empty list quietly doing nothing.
 */

/** How errors and messages name one adapter of each family. */
export const FAMILY_LABELS: { readonly [F in AdapterFamily]: string } = {
  keyStores: 'key store',
  dnsProviders: 'DNS provider',
  issuers: 'issuer',
  sources: 'source',
  accountSources: 'account source',
  notifiers: 'notifier',
  destinations: 'destination',
};

export function familyNotBuilt(family: AdapterFamily, name: string): CertflowError {
  return new CertflowError(
    ErrorCodes.ADAPTER_FAMILY_NOT_BUILT,
    `${FAMILY_LABELS[family]} ${name} was reached, but this function does not build ${FAMILY_LABELS[family]}s (functions/lib/families.json)`,
    { context: { family, name } },
  );
}

export function unbuiltKeyStore(name: string): KeyStore {
  const refuse = () => Promise.reject(familyNotBuilt('keyStores', name));
  return { putVersion: refuse, getVersion: refuse, moveLabel: refuse, removeLabel: refuse, listVersions: refuse };
}

export function unbuiltSource(name: string): CertificateSource {
  const refuse = () => Promise.reject(familyNotBuilt('sources', name));
  return { name, listScopes: refuse, scan: refuse };
}

export function unbuiltAccountSource(name: string): AccountSource {
  return { name, listAccounts: () => Promise.reject(familyNotBuilt('accountSources', name)) };
}

export function unbuiltNotifier(name: string): Notifier {
  return { notify: () => Promise.reject(familyNotBuilt('notifiers', name)) };
}

/** A directory that knows the configured names and refuses to hand any of them out. */
export function unbuiltDirectory<T>(family: AdapterFamily, settings: readonly { readonly name: string }[]): Directory<T> {
  return {
    get(name) {
      throw familyNotBuilt(family, name);
    },
    names: () => settings.map((s) => s.name),
  };
}
