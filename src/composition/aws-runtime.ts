import type { AppDeps } from '../app/deps.js';
import { registries as defaultRegistries, type AdapterRegistries } from '../adapters/registries.js';
import { awsClientFactory, type AwsClientFactory } from '../adapters/aws/client-factory.js';
import { readConfigText } from '../adapters/aws/config-location.js';
import { buildEventBus, buildStateStore, buildWorkQueue } from '../adapters/aws/factories.js';
import type { CertflowConfig } from '../config/load-config.js';
import { parseConfig } from '../config/load-config.js';
import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import type { Clock } from '../ports/clock.port.js';
import type { EventBus } from '../ports/event-bus.port.js';
import type { Notifier } from '../ports/notifier.port.js';
import type { Outbox, StateStore } from '../ports/state-store.port.js';
import type { WorkQueue } from '../ports/work-queue.port.js';
import { buildAdapters, type BuiltAdapters } from './build-adapters.js';

/*
 * The AWS composition root. Handlers call these at module scope, so the environment is read, the
 * configuration loaded and validated, and the SDK clients built once per cold start. Each builder
 * is its own export, so a function's bundle carries only the clients its code path uses.
 */

/** The environment variables serverless.yml sets, by setting. Names and locations only, never secrets. */
export const AWS_ENVIRONMENT = {
  stage: 'CERTFLOW_STAGE',
  tableName: 'CERTFLOW_STATE_TABLE',
  eventBusName: 'CERTFLOW_EVENT_BUS',
  workQueueUrl: 'CERTFLOW_WORK_QUEUE_URL',
  configLocation: 'CERTFLOW_CONFIG_LOCATION',
} as const;

export type AwsSettings = { readonly [K in keyof typeof AWS_ENVIRONMENT]: string };

/**
 * Reads the settings a handler needs. Throws one `CONFIG.INVALID` naming every missing variable,
 * so a misconfigured deployment fails at cold start with the whole list rather than one at a time.
 */
export function awsSettings<K extends keyof AwsSettings>(env: NodeJS.ProcessEnv, needed: readonly K[]): Pick<AwsSettings, K> {
  const missing = needed.map((k) => AWS_ENVIRONMENT[k]).filter((name) => !env[name]?.trim());
  if (missing.length > 0) {
    throw new CertflowError(ErrorCodes.CONFIG_INVALID, `missing environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, {
      details: missing.map((name) => `${name}: is required`),
      context: { missing },
    });
  }
  return Object.fromEntries(needed.map((k) => [k, env[AWS_ENVIRONMENT[k]]!.trim()])) as Pick<AwsSettings, K>;
}

/** The names a stage's resources get in serverless.yml, for the CLI run against a deployed stage. */
export function stageSettings(stage: string): Pick<AwsSettings, 'stage' | 'tableName' | 'eventBusName'> {
  if (!/^[a-zA-Z0-9-]{1,32}$/.test(stage)) {
    throw new CertflowError(ErrorCodes.INPUT_INVALID, `'${stage}' is not a stage name (letters, digits and dashes)`, { context: { stage } });
  }
  return { stage, tableName: `certflow-${stage}-state`, eventBusName: `certflow-${stage}` };
}

export { awsClientFactory, buildEventBus, buildStateStore, buildWorkQueue, type AwsClientFactory };

/** Reads and validates the configuration at `location`: the same schema as the local file, refusing local-only kinds. */
export async function loadAwsConfig(location: string, clients: AwsClientFactory, registries: AdapterRegistries = defaultRegistries): Promise<CertflowConfig> {
  const text = await readConfigText(location, clients);
  return parseConfig(text, `/var/task/${location.replace(/[^a-zA-Z0-9._-]/g, '_')}`, { kinds: registries, runtime: 'aws' });
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
}

/** Builds the configured adapters (key store, issuers, sources, ...) through the registries. */
export async function buildAwsAppDeps(options: AwsAppDepsOptions): Promise<AwsAppDeps> {
  const adapters = await buildAdapters(options.config, options.registries ?? defaultRegistries, {
    runtime: 'aws',
    clock: options.clock,
    // Lambda's only writable folder; nothing kept there outlives the execution environment.
    dataDir: '/tmp/certflow',
    resolvePath: (p) => p,
    aws: options.clients,
    state: options.state,
  });
  const notifier = options.notifier ?? firstNotifier(adapters.notifiers);
  return {
    state: options.state,
    outbox: options.state,
    keys: adapters.keys,
    issuers: adapters.issuers,
    bus: options.bus,
    sources: adapters.sources,
    ...(notifier ? { notifier } : {}),
    clock: options.clock,
    policy: options.config.policy,
    alertThresholdsDays: options.config.alertThresholdsDays,
    queue: options.queue,
    adapters,
  };
}

function firstNotifier(list: readonly Notifier[]): Notifier | undefined {
  if (list.length <= 1) return list[0];
  return { notify: async (n) => void (await Promise.all(list.map((x) => x.notify(n)))) };
}
