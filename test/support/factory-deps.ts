import { resolve } from 'node:path';
import type { AdapterFactoryDeps } from '../../src/adapters/registry/descriptor.js';
import { unavailableAwsClients } from '../../src/adapters/registry/no-aws.js';
import type { Clock } from '../../src/ports/clock.port.js';
import type { StateStore } from '../../src/ports/state-store.port.js';

/** Factory dependencies for building one adapter by hand in a test. */
export function factoryDeps(dataDir: string, clock: Clock, overrides: Partial<AdapterFactoryDeps> = {}): AdapterFactoryDeps {
  const noState = new Proxy({} as StateStore, {
    get: () => () => Promise.reject(new Error('this test gave the adapter no state store')),
  });
  return { runtime: 'local', clock, dataDir, resolvePath: (p) => resolve(dataDir, p), aws: unavailableAwsClients, state: noState, ...overrides };
}
