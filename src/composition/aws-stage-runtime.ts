import type { AppDeps } from '../app/deps.js';
import type { CertflowConfig } from '../config/load-config.js';
import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import type { ApprovalPolicy } from '../domain/approval-policy.js';
import type { Clock } from '../ports/clock.port.js';
import type { EventBus } from '../ports/event-bus.port.js';
import type { KeyStore } from '../ports/key-store.port.js';
import type { Notification } from '../ports/notifier.port.js';
import type { WorkQueue } from '../ports/work-queue.port.js';
import { awsClientFactory, buildStateStore, stageSettings } from './aws-runtime.js';

/**
 * The CLI against a deployed stage (`--stage S --region R`), the way `cmctl` talks to a cluster:
 * the stage's table through the user's own AWS credentials (profile, SSO, environment). Reads need
 * nothing else. Decisions and requests also need the stage's configuration (its policy and managed
 * certificates), read from the stage's SSM parameter exactly as the Lambda functions read it. The
 * CLI never publishes: what it writes carries its events in the outbox, and the stage's publisher
 * sends them, so an approval made here reaches the issuance worker through the bus as any other.
 */
export interface StageRuntimeOptions {
  readonly stage: string;
  readonly region?: string;
  /** Default `ssm:/certflow/<stage>/config`, as serverless.yml sets it. */
  readonly configLocation?: string;
  /** Whether the stage's configuration is needed (decisions, requests, key store reads). */
  readonly configured: boolean;
}

export interface StageRuntime {
  readonly config: CertflowConfig;
  readonly deps: AppDeps;
  readonly notifications: readonly Notification[];
  close(): Promise<void>;
}

const NO_POLICY: ApprovalPolicy = { forbiddenNames: [], autoApprove: [], approvers: [], requiredApprovals: 1, approvalTtlHours: 72 };

const refuse = (what: string) => () => Promise.reject(new CertflowError(ErrorCodes.INPUT_INVALID, `${what} is not available from the CLI against a stage`));

/** The stage's bus is the publisher's: the CLI leaves its events in the outbox. */
const outboxOnly: EventBus = { publish: refuse('publishing events') };
const noQueue: WorkQueue = { maxDelaySeconds: 0, enqueue: refuse('queueing work') };
const noKeys: KeyStore = {
  putVersion: refuse('the key store'),
  getVersion: refuse('the key store'),
  moveLabel: refuse('the key store'),
  removeLabel: refuse('the key store'),
  listVersions: refuse('the key store'),
};

export async function openStageRuntime(options: StageRuntimeOptions, clock: Clock): Promise<StageRuntime> {
  const settings = stageSettings(options.stage);
  const clients = awsClientFactory(options.region ? { region: options.region } : {});
  const state = buildStateStore(settings, clients, clock);
  const location = options.configLocation ?? `ssm:/certflow/${options.stage}/config`;
  const notifications: Notification[] = [];
  const notifier = { notify: (n: Notification) => Promise.resolve(void notifications.push(n)) };
  if (!options.configured) {
    const config: CertflowConfig = {
      configPath: location,
      dataDir: '',
      alertThresholdsDays: [30, 14, 7, 1],
      policy: NO_POLICY,
      keyStore: { name: 'keys', kind: 'none', options: {} },
      dnsProviders: [],
      issuers: [],
      sources: [],
      accountSources: [],
      notifiers: [],
      destinations: [],
      certificates: [],
      reissueMissingKeys: false,
    };
    const deps: AppDeps = {
      state,
      outbox: state,
      keys: noKeys,
      issuers: { get: (name) => { throw new CertflowError(ErrorCodes.ISSUER_UNKNOWN, `no issuer ${name} in a read-only stage runtime`); } },
      bus: outboxOnly,
      sources: [],
      notifier,
      clock,
      policy: NO_POLICY,
      alertThresholdsDays: config.alertThresholdsDays,
    };
    return { config, deps, notifications, close: () => Promise.resolve() };
  }
  const { buildAwsAppDeps, loadAwsConfig } = await import('./aws-configured-runtime.js');
  const config = await loadAwsConfig(location, clients);
  const deps = await buildAwsAppDeps({ config, clients, clock, state, bus: outboxOnly, queue: noQueue, notifier });
  return { config, deps, notifications, close: () => Promise.resolve() };
}
