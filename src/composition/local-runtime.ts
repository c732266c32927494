import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import type { AppDeps, IssuerDirectory } from '../app/deps.js';
import type { CertflowConfig } from '../config/load-config.js';
import { loadConfigFile } from '../config/load-config.js';
import type { Clock } from '../ports/clock.port.js';
import type { CertificateIssuer } from '../ports/issuer.port.js';
import type { Notification } from '../ports/notifier.port.js';
import { issuerRegistry } from '../adapters/issuers.registry.js';
import { dnsProviderRegistry } from '../adapters/dns-providers.registry.js';
import type { DnsProvider, DnsProviderDirectory } from '../ports/dns-provider.port.js';
import type { KeyStore } from '../ports/key-store.port.js';
import type { StateStore } from '../ports/state-store.port.js';
import { SqliteStateStore } from '../adapters/local/sqlite.state-store.js';
import { SqliteKeyStore } from '../adapters/local/sqlite.key-store.js';
import { PemFolderSource } from '../adapters/local/pem-folder.source.js';
import { LocalEventBus } from '../adapters/local/local.event-bus.js';
import { notifyOnEvent } from '../app/notify.use-case.js';
import notifyPattern from '../../events/patterns/notify.json' with { type: 'json' };

/** The embedded default, built from configuration: SQLite state and keys, local issuers, in-process bus. */
export interface LocalRuntime {
  readonly config: CertflowConfig;
  readonly deps: AppDeps;
  readonly bus: LocalEventBus;
  /** Notifications raised during this process (the CLI prints them). */
  readonly notifications: Notification[];
  close(): Promise<void>;
}

export function loadLocalConfig(path: string): CertflowConfig {
  return loadConfigFile(path, issuerRegistry);
}

export function openLocalRuntime(config: CertflowConfig, clock: Clock): LocalRuntime {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const state = SqliteStateStore.open(join(config.dataDir, 'state.db'), { now: () => clock.now() });
  const keys = SqliteKeyStore.open(join(config.dataDir, 'keys.db'));
  const issuers = buildIssuers(config, clock, keys, buildDnsProviders(config), state);
  const notifications: Notification[] = [];
  const notifier = { notify: (n: Notification) => Promise.resolve(void notifications.push(n)) };
  const bus = new LocalEventBus({
    clock,
    logPath: join(config.dataDir, 'events.jsonl'),
    onTargetError: (rule, eventId) => notifications.push({ severity: 'warning', title: `rule ${rule} failed`, text: `target of ${rule} failed on event ${eventId}` }),
  });
  // The same rule as in AWS: events/patterns/notify.json routes to the notifier.
  bus.subscribe('notify', notifyPattern, notifyOnEvent({ notifier }));
  const deps: AppDeps = {
    state,
    outbox: state,
    keys,
    issuers,
    bus,
    sources: config.sources.map((s) => new PemFolderSource({ name: s.name, path: s.path, ...(s.owner ? { owner: s.owner } : {}) })),
    notifier,
    clock,
    policy: config.policy,
    alertThresholdsDays: config.alertThresholdsDays,
  };
  return {
    config,
    deps,
    bus,
    notifications,
    close: async () => {
      await Promise.all([state.close(), keys.close()]);
    },
  };
}

function buildDnsProviders(config: CertflowConfig): DnsProviderDirectory {
  const built = new Map<string, DnsProvider>();
  for (const settings of config.dnsProviders) {
    const descriptor = dnsProviderRegistry[settings.kind];
    if (!descriptor) throw new CertflowError(ErrorCodes.CONFIG_INVALID, `unknown DNS provider kind ${settings.kind}`);
    built.set(settings.name, descriptor.create(undefined, settings.name, settings.options));
  }
  return {
    get(name) {
      const provider = built.get(name);
      if (!provider) throw new CertflowError(ErrorCodes.CONFIG_INVALID, `no DNS provider named ${name}`, { context: { dnsProvider: name } });
      return provider;
    },
  };
}

function buildIssuers(config: CertflowConfig, clock: Clock, keys: KeyStore, dnsProviders: DnsProviderDirectory, state: StateStore): IssuerDirectory {
  const built = new Map<string, CertificateIssuer>();
  for (const settings of config.issuers) {
    const descriptor = issuerRegistry[settings.kind];
    if (!descriptor) throw new CertflowError(ErrorCodes.ISSUER_UNKNOWN, `unknown issuer kind ${settings.kind}`);
    built.set(settings.name, descriptor.create({ dataDir: config.dataDir, clock, keys, dnsProviders, state }, settings.name, settings.options));
  }
  return {
    get(name) {
      const issuer = built.get(name);
      if (!issuer) throw new CertflowError(ErrorCodes.ISSUER_UNKNOWN, `no issuer named ${name}`, { context: { issuer: name } });
      return issuer;
    },
  };
}
