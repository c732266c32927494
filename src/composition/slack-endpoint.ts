import { decideRequest } from '../app/decide-request.use-case.js';
import type { CertflowConfig } from '../config/load-config.js';
import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import type { AdapterFactoryDeps } from '../adapters/registry/descriptor.js';
import { SlackGroupDirectory } from '../adapters/slack/group-directory.js';
import { slackInteractivity } from '../adapters/slack/interactivity.js';
import { readSecret } from '../adapters/slack/secrets.js';
import type { SlackOptions } from '../adapters/slack/slack.options.js';
import { postToResponseUrl, SlackWebApi, type FetchLike } from '../adapters/slack/web-api.js';
import type { Clock } from '../ports/clock.port.js';
import { unavailableAwsClients } from '../adapters/registry/no-aws.js';
import { dirname, resolve } from 'node:path';
import type { StateStore } from '../ports/state-store.port.js';

export interface SlackEndpointInput {
  readonly config: CertflowConfig;
  readonly state: StateStore;
  readonly clock: Clock;
  readonly secrets: Pick<AdapterFactoryDeps, 'aws' | 'resolvePath'>;
  /** Stand-in for Slack (tests, `certflow slack serve` against a fake). */
  readonly fetch?: FetchLike;
}

/** The `slack` notifier's settings: the endpoint reads the same block as the notifier. */
export function slackSettings(config: CertflowConfig): SlackOptions {
  const settings = config.notifiers.find((n) => n.kind === 'slack');
  if (!settings) throw new CertflowError(ErrorCodes.CONFIG_INVALID, 'the configuration has no notifier of kind slack; the Slack endpoint reads its settings there');
  return settings.options as unknown as SlackOptions;
}

/**
 * Wires the Slack interactivity endpoint: its secrets read once (signing secret and bot token,
 * from SSM SecureString or a 0600 file), the group directory on the Web API, and votes through
 * the same decide use case as `certflow approve`.
 */
export async function slackEndpoint(input: SlackEndpointInput): Promise<ReturnType<typeof slackInteractivity>> {
  const options = slackSettings(input.config);
  const [signingSecret, token] = await Promise.all([
    readSecret(options.signingSecret, input.secrets, 'Slack signing secret'),
    readSecret(options.botToken, input.secrets, 'Slack bot token'),
  ]);
  const fetchFn = input.fetch ?? (globalThis.fetch as unknown as FetchLike);
  const api = new SlackWebApi({ token, fetch: fetchFn, ...(options.apiBaseUrl ? { baseUrl: options.apiBaseUrl } : {}), timeoutMs: 1000, maxRetries: 0 });
  return slackInteractivity({
    signingSecret,
    settings: { teamId: options.teamId, appId: options.appId, users: options.users, groups: options.groups },
    clock: input.clock,
    decide: decideRequest({ state: input.state, clock: input.clock, policy: input.config.policy }),
    directory: new SlackGroupDirectory({ api, clock: input.clock, groups: options.groups }),
    respond: (url, message) => postToResponseUrl(fetchFn, url, message, options.responseUrlPrefix ? { prefix: options.responseUrlPrefix } : {}),
  });
}

/** Signature checks for `certflow slack verify`: the endpoint's own code, offline. */
export { explainRefusal, verifySlackSignature } from '../adapters/slack/signature.js';

/** Secrets of the local default: files relative to the configuration (no AWS). */
export function localSecrets(configPath: string): Pick<AdapterFactoryDeps, 'aws' | 'resolvePath'> {
  return { aws: unavailableAwsClients, resolvePath: (p) => resolve(dirname(configPath), p) };
}
