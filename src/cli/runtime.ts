import type { AppDeps } from '../app/deps.js';
import type { CertflowConfig } from '../config/load-config.js';
import type { Clock } from '../ports/clock.port.js';
import { systemClock } from '../ports/clock.port.js';
import type { Notification } from '../ports/notifier.port.js';
import { loadLocalConfig, openLocalRuntime } from '../composition/local-runtime.js';
import { assertStateExists, openLocalSnapshot } from '../composition/local-snapshot.js';
import type { CliIo } from './io.js';
import { CertflowError, ErrorCodes } from '../domain/errors/index.js';

/**
 * How a command reaches certflow's state. `write` is the real runtime on the system clock;
 * the others never create, lock or change a file: `read` (no key store), `read-keys` (key
 * store versions too) and `dry-run` (use cases may "write", to an in-memory copy).
 */
export type RuntimeMode = 'write' | 'read' | 'read-keys' | 'dry-run';

/** Where the runtime comes from: today the local default's config file; later a deployed stack. */
export interface RuntimeOptions {
  readonly configPath: string;
  /** The time a read or a dry run is made at (never for writes). */
  readonly at?: Date;
  /** A writer that must not create the data directory (e.g. `export`): missing state is STATE.NOT_FOUND. */
  readonly mustExist?: boolean;
  /** A deployed stack instead of the local default (`--stage`), in `region` (default: the SDK's). */
  readonly stage?: string;
  readonly region?: string;
}

export interface CliRuntime {
  readonly config: CertflowConfig;
  readonly deps: AppDeps;
  /** Notifications raised while the command ran (the CLI prints them). */
  readonly notifications: readonly Notification[];
  /** Read-only runtimes: what can be said of each issuer without contacting it. */
  readonly issuerChecks?: readonly { readonly name: string; readonly kind: string; readonly ok: boolean; readonly detail: string }[];
  close(): Promise<void>;
}

/** The one seam every command opens its runtime through. */
export async function openRuntime(io: CliIo, options: RuntimeOptions, mode: RuntimeMode): Promise<CliRuntime> {
  if (options.stage !== undefined) {
    if (mode === 'dry-run') throw new CertflowError(ErrorCodes.INPUT_INVALID, 'a dry run works on the local default only');
    // Loaded only with --stage, so local commands never load the AWS SDK.
    const { openStageRuntime } = await import('../composition/aws-stage-runtime.js');
    return openStageRuntime({ stage: options.stage, ...(options.region ? { region: options.region } : {}), configured: mode !== 'read' }, io.clock ?? systemClock);
  }
  const config = loadLocalConfig(options.configPath);
  if (mode === 'write') {
    if (options.mustExist) assertStateExists(config);
    return await openLocalRuntime(config, io.clock ?? systemClock);
  }
  const at = options.at;
  const clock: Clock = at ? { now: () => new Date(at.getTime()) } : (io.clock ?? systemClock);
  return await openLocalSnapshot(config, clock, { keys: mode === 'read-keys' });
}

/** Opens the runtime, runs `work`, and always closes it. */
export async function withRuntime<T>(io: CliIo, options: RuntimeOptions, mode: RuntimeMode, work: (rt: CliRuntime) => Promise<T>): Promise<T> {
  const runtime = await openRuntime(io, options, mode);
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}
