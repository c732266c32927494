import type { AppDeps } from '../app/deps.js';
import { registries as defaultRegistries, type AdapterFamily, type AdapterRegistries } from '../adapters/registries.js';
import type { AwsClientFactory } from '../adapters/aws/client-factory.js';
import { readConfigText } from '../adapters/aws/config-location.js';
import type { CertflowConfig } from '../config/load-config.js';
import { parseConfig } from '../config/load-config.js';
import type { Clock } from '../ports/clock.port.js';
import type { EventBus } from '../ports/event-bus.port.js';
import type { Notifier } from '../ports/notifier.port.js';
import type { Outbox, StateStore } from '../ports/state-store.port.js';
import type { WorkQueue } from '../ports/work-queue.port.js';
import { buildAdapters, destinationsByCertificate, fanOut, type BaseFactoryDeps, type BuiltAdapters } from './build-adapters.js';

/*
 * The AWS composition root, configured half: the configuration (same schema as the local file,
 * from an SSM parameter or an S3 object) and every adapter it names, built through the registries.
 */

/** Reads and validates the configuration at `location`: the same schema as the local file, refusing local-only kinds. */
export async function loadAwsConfig(location: string, clients: AwsClientFactory, registries: AdapterRegistries = defaultRegistries): Promise<CertflowConfig> {
  const text = await readConfigText(location, clients);
  return parseConfig(text, location, { kinds: registries, runtime: 'aws' });
}

/** What adapter factories get in Lambda. */
export function awsFactoryDeps(options: Pick<AwsAppDepsOptions, 'clients' | 'clock' | 'state'>): BaseFactoryDeps {
  return {
    runtime: 'aws',
    clock: options.clock,
    // Lambda's only writable folder; nothing kept there outlives the execution environment.
    dataDir: '/tmp/certflow',
    resolvePath: (p) => p,
    aws: options.clients,
    state: options.state,
  };
}

/** What the planner, the worker and request intake share. */
export interface AwsAppDeps extends AppDeps {
  readonly queue: WorkQueue;
  readonly adapters: BuiltAdapters;
}

export interface AwsAppDepsOptions {
  readonly config: CertflowConfig;
  readonly clients: AwsClientFactory;
  readonly clock: Clock;
  readonly state: StateStore & Outbox;
  readonly bus: EventBus;
  readonly queue: WorkQueue;
  readonly notifier?: Notifier;
  readonly registries?: AdapterRegistries;
  /** The families a function's code path uses (default: all); the others are stand-ins that refuse (see buildAdapters). */
  readonly families?: ReadonlySet<AdapterFamily>;
}

/** Builds the configured adapters (key store, issuers, sources, ...) through the registries. */
export async function buildAwsAppDeps(options: AwsAppDepsOptions): Promise<AwsAppDeps> {
  const adapters = await buildAdapters(options.config, options.registries ?? defaultRegistries, awsFactoryDeps(options), options.families);
  const notifier = options.notifier ?? (adapters.notifiers.length > 0 ? fanOut(adapters.notifiers) : undefined);
  return {
    state: options.state,
    outbox: options.state,
    keys: adapters.keys,
    issuers: adapters.issuers,
    bus: options.bus,
    sources: adapters.sources,
    ...(notifier ? { notifier } : {}),
    destinations: destinationsByCertificate(options.config.certificates, adapters.destinations),
    clock: options.clock,
    policy: options.config.policy,
    alertThresholdsDays: options.config.alertThresholdsDays,
    queue: options.queue,
    adapters,
  };
}

