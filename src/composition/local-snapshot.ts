import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import type { AppDeps, IssuerDirectory } from '../app/deps.js';
import type { CertflowConfig } from '../config/load-config.js';
import { ownValue } from '../domain/own-value.js';
import type { Clock } from '../ports/clock.port.js';
import type { CertificateIssuer } from '../ports/issuer.port.js';
import type { Notification } from '../ports/notifier.port.js';
import { SqliteStateStore } from '../adapters/local/sqlite.state-store.js';
import { SqliteKeyStore } from '../adapters/local/sqlite.key-store.js';
import { registries as defaultRegistries, type AdapterRegistries } from '../adapters/registries.js';
import { unavailableAwsClients } from '../adapters/registry/no-aws.js';
import type { AdapterFactoryDeps } from '../adapters/registry/descriptor.js';
import { LocalEventBus } from '../adapters/local/local.event-bus.js';
import { notifyOnEvent } from '../app/notify.use-case.js';
import notifyPattern from '../../events/patterns/notify.json' with { type: 'json' };

/**
 * The local default seen from outside, changing nothing: state (and, when asked, the key
 * store) are in-memory copies of the files in the data directory, the bus logs nowhere, and
 * the issuers refuse to issue. Use cases run on it exactly as on the real runtime, so a dry run
 * (`certflow plan`) shows what a run would do, and read commands never create or lock a file.
 */
export interface LocalSnapshot {
  readonly config: CertflowConfig;
  readonly deps: AppDeps;
  /** Whether `deps.keys` is a copy of the real key store (else an empty one). */
  readonly keysLoaded: boolean;
  /** Notifications the use cases raised on the copy. */
  readonly notifications: Notification[];
  /** What can be said of each issuer without contacting it (a snapshot never does). */
  readonly issuerChecks: readonly { readonly name: string; readonly kind: string; readonly ok: boolean; readonly detail: string }[];
  close(): Promise<void>;
}

export interface LocalSnapshotOptions {
  /** Copy the key store too (e.g. to list its versions); most readers need no keys. */
  readonly keys?: boolean;
  readonly registries?: AdapterRegistries;
}

/** Opens a snapshot of the data directory; a missing directory or state file is STATE.NOT_FOUND. */
export async function openLocalSnapshot(config: CertflowConfig, clock: Clock, options: LocalSnapshotOptions = {}): Promise<LocalSnapshot> {
  const statePath = assertStateExists(config);
  const configDir = dirname(config.configPath);
  const resolvePath = (p: string) => resolve(configDir, p);
  const state = SqliteStateStore.openSnapshot(statePath, { now: () => clock.now() });
  // Only the SQLite key store has a file to copy; any other kind is left unread.
  const keyStorePath = config.keyStore.kind === 'sqlite' ? (typeof config.keyStore.options['path'] === 'string' ? resolvePath(config.keyStore.options['path']) : join(config.dataDir, 'keys.db')) : undefined;
  const keysLoaded = options.keys === true && keyStorePath !== undefined && existsSync(keyStorePath);
  const keys = keysLoaded && keyStorePath ? SqliteKeyStore.openSnapshot(keyStorePath) : SqliteKeyStore.open(':memory:');
  // Sources only read (a folder, an account's inventory); they are built as in a run, through the registry.
  const registries = options.registries ?? defaultRegistries;
  const baseDeps: AdapterFactoryDeps = { runtime: 'local', clock, dataDir: config.dataDir, resolvePath, aws: unavailableAwsClients, state, keys };
  let sources;
  try {
    // Account sources first: the ACM source is built with them (nothing is listed until a scan).
    const accountSources = new Map(
      await Promise.all(
        config.accountSources.map(async (a) => {
          const descriptor = ownValue(registries.accountSources, a.kind);
          if (!descriptor) throw new CertflowError(ErrorCodes.CONFIG_INVALID, `unknown account source kind ${a.kind}`, { context: { kind: a.kind } });
          return [a.name, await descriptor.create(baseDeps, a)] as const;
        }),
      ),
    );
    const factoryDeps: AdapterFactoryDeps = {
      ...baseDeps,
      accountSources: {
        get: (name) => {
          const found = accountSources.get(name);
          if (!found) throw new CertflowError(ErrorCodes.CONFIG_INVALID, `no account source named ${name}`, { context: { name } });
          return found;
        },
        names: () => [...accountSources.keys()],
      },
    };
    sources = await Promise.all(
      config.sources.map((s) => {
        const descriptor = ownValue(registries.sources, s.kind);
        if (!descriptor) throw new CertflowError(ErrorCodes.CONFIG_INVALID, `unknown source kind ${s.kind}`, { context: { kind: s.kind } });
        return descriptor.create(factoryDeps, s);
      }),
    );
  } catch (error) {
    await Promise.all([state.close(), keys.close()]);
    throw error;
  }
  const notifications: Notification[] = [];
  const notifier = { notify: (n: Notification) => Promise.resolve(void notifications.push(n)) };
  const bus = new LocalEventBus({ clock });
  bus.subscribe('notify', notifyPattern, notifyOnEvent({ notifier }));
  const deps: AppDeps = {
    state,
    outbox: state,
    keys,
    issuers: refusingIssuers(config),
    bus,
    sources,
    notifier,
    clock,
    policy: config.policy,
    alertThresholdsDays: config.alertThresholdsDays,
  };
  return {
    config,
    deps,
    keysLoaded,
    notifications,
    issuerChecks: config.issuers.map((i) => ({ name: i.name, kind: i.kind, ...issuerCheck(config, i) })),
    close: async () => {
      await Promise.all([state.close(), keys.close()]);
    },
  };
}

/** Issuers of a snapshot: known by name, but they never reach a CA (a local CA would create its files). */
function refusingIssuers(config: CertflowConfig): IssuerDirectory {
  const kinds = new Map(config.issuers.map((i) => [i.name, i.kind]));
  const refuse = (name: string) => () =>
    Promise.reject(new CertflowError(ErrorCodes.ISSUER_UNAVAILABLE, `issuer ${name} is not reachable from a read-only snapshot`, { context: { issuer: name } }));
  return {
    get(name) {
      const kind = kinds.get(name);
      if (kind === undefined) throw new CertflowError(ErrorCodes.ISSUER_UNKNOWN, `no issuer named ${name}`, { context: { issuer: name } });
      const issuer: CertificateIssuer = { kind, name, needsPrivateKey: false, submit: refuse(name), resume: refuse(name), trustAnchorsPem: refuse(name), revoke: refuse(name) };
      return issuer;
    },
  };
}

/** The state file of the data directory; STATE.NOT_FOUND (with the path) when there is none. */
export function assertStateExists(config: CertflowConfig): string {
  const statePath = join(config.dataDir, 'state.db');
  if (!existsSync(statePath)) {
    const what = existsSync(config.dataDir) ? `${config.dataDir} holds no state.db` : `no data directory at ${config.dataDir}`;
    throw new CertflowError(ErrorCodes.STATE_NOT_FOUND, `${what} (dataDir of ${config.configPath}); 'certflow run' creates it`, {
      context: { path: config.dataDir },
    });
  }
  return statePath;
}

function issuerCheck(config: CertflowConfig, issuer: { readonly name: string; readonly kind: string }): { ok: boolean; detail: string } {
  if (issuer.kind !== 'local-ca') return { ok: true, detail: `${issuer.kind}, options valid (not contacted by a dry run)` };
  const dir = join(config.dataDir, 'ca', issuer.name);
  return existsSync(join(dir, 'root.pem'))
    ? { ok: true, detail: `local-ca, options valid, CA at ${dir}` }
    : { ok: true, detail: `local-ca, options valid, no CA yet: the first issuance creates it at ${dir}` };
}
