import { awsClientFactory, awsSettings, buildEventBus, buildStateStore, buildWorkQueue } from '../../src/composition/aws-runtime.js';
import { buildAwsAppDeps, loadAwsConfig, type AwsAppDeps } from '../../src/composition/aws-configured-runtime.js';
import type { CertflowConfig } from '../../src/config/load-config.js';
import { systemClock } from '../../src/ports/clock.port.js';
import { registries } from '../../src/adapters/registries.js';
import { familiesOf, type FunctionName } from './families.js';

/** What the planner, the worker and request intake build at cold start: the configured runtime. */
export interface ConfiguredRuntime {
  readonly config: CertflowConfig;
  readonly deps: AwsAppDeps;
}

/**
 * Reads the environment, loads and validates the configuration from its SSM parameter or S3 object,
 * and builds the clients and the adapter families `fn` uses (families.json), once per execution
 * environment. A bad configuration fails the cold start with CONFIG.INVALID and every problem
 * listed, before any event is touched, whichever families the function builds.
 */
export async function configuredRuntime(env: NodeJS.ProcessEnv, fn: FunctionName): Promise<ConfiguredRuntime> {
  const settings = awsSettings(env, ['tableName', 'eventBusName', 'workQueueUrl', 'configLocation']);
  const clients = awsClientFactory();
  const config = await loadAwsConfig(settings.configLocation, clients, registries);
  const state = buildStateStore(settings, clients);
  const deps = await buildAwsAppDeps({
    config,
    clients,
    clock: systemClock,
    state,
    bus: buildEventBus(settings, clients),
    queue: buildWorkQueue(settings, clients, systemClock),
    registries,
    families: familiesOf(fn),
  });
  return { config, deps };
}
