import { dirname, join, resolve } from 'node:path';
import type { AppDeps } from '../app/deps.js';
import type { CertflowConfig } from '../config/load-config.js';
import { loadConfigFile } from '../config/load-config.js';
import type { Clock } from '../ports/clock.port.js';
import type { KeyStore } from '../ports/key-store.port.js';
import type { Notification } from '../ports/notifier.port.js';
import { registries as defaultRegistries, type AdapterRegistries } from '../adapters/registries.js';
import { awsClientFactory, type AwsClientFactory } from '../adapters/aws/client-factory.js';
import { SqliteStateStore } from '../adapters/local/sqlite.state-store.js';
import { prepareDataDir } from '../adapters/local/data-dir.js';
import { LocalProcessWorkers } from '../adapters/local/local-process.workers.js';
import { LocalEventBus } from '../adapters/local/local.event-bus.js';
import { notifyOnEvent } from '../app/notify.use-case.js';
import { buildAdapters, destinationsByCertificate, fanOut, type BuiltAdapters } from './build-adapters.js';
import notifyPattern from '../../events/patterns/notify.json' with { type: 'json' };

/** The embedded default, built from configuration: SQLite state, the configured adapters, in-process bus. */
export interface LocalRuntime {
  readonly config: CertflowConfig;
  readonly deps: AppDeps;
  readonly adapters: BuiltAdapters;
  readonly bus: LocalEventBus;
  /** Notifications raised during this process (the CLI prints them). */
  readonly notifications: Notification[];
  close(): Promise<void>;
}

export interface LocalRuntimeOptions {
  /** Extra kinds (e.g. a test-only issuer), see `withKinds`. */
  readonly registries?: AdapterRegistries;
  /**
   * AWS clients for kinds that reach AWS from the local runtime (a Secrets Manager key store, a
   * Private CA issuer, an ACM destination): default, the SDK's own region and credential chain.
   * No SDK is loaded unless configuration names such a kind.
   */
  readonly aws?: AwsClientFactory;
}

export function loadLocalConfig(path: string, registries: AdapterRegistries = defaultRegistries): CertflowConfig {
  return loadConfigFile(path, { kinds: registries, runtime: 'local' });
}

export async function openLocalRuntime(config: CertflowConfig, clock: Clock, options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  const dataDir = prepareDataDir(config.dataDir);
  const state = SqliteStateStore.open(join(config.dataDir, 'state.db'), { now: () => clock.now() });
  const configDir = dirname(config.configPath);
  let adapters: BuiltAdapters;
  try {
    adapters = await buildAdapters(config, options.registries ?? defaultRegistries, {
      runtime: 'local',
      clock,
      dataDir: config.dataDir,
      resolvePath: (p) => resolve(configDir, p),
      aws: options.aws ?? awsClientFactory(),
      state,
    });
  } catch (error) {
    await state.close();
    throw error;
  }
  const notifications: Notification[] = [];
  if (dataDir.tightenedFrom !== undefined) {
    notifications.push({ severity: 'warning', title: 'data directory tightened', text: `${config.dataDir} had mode ${dataDir.tightenedFrom.toString(8)}; it holds private keys, so it is now 700` });
  }
  const notifier = fanOut([{ notify: (n: Notification) => Promise.resolve(void notifications.push(n)) }, ...adapters.notifiers]);
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
    keys: adapters.keys,
    issuers: adapters.issuers,
    bus,
    sources: adapters.sources,
    notifier,
    destinations: destinationsByCertificate(config.certificates, adapters.destinations),
    clock,
    policy: config.policy,
    alertThresholdsDays: config.alertThresholdsDays,
    workers: new LocalProcessWorkers(),
    reissueMissingKeys: config.reissueMissingKeys,
  };
  return {
    config,
    deps,
    adapters,
    bus,
    notifications,
    close: async () => {
      await Promise.all([state.close(), closeIfClosable(adapters.keys)]);
    },
  };
}

async function closeIfClosable(store: KeyStore): Promise<void> {
  const closable = store as Partial<{ close(): Promise<void> }>;
  if (typeof closable.close === 'function') await closable.close();
}

