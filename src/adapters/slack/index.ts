import type { AdapterDescriptor } from '../registry/descriptor.js';
import type { Notifier } from '../../ports/notifier.port.js';
import { slackOptionsSchema } from './slack.options.js';

/**
 * Slack: approval requests as messages with buttons, decisions and alerts. The bot token is read
 * from its secret reference on first use, so only the functions that post ever read it.
 */
export const slackNotifier = {
  kind: 'slack',
  summary: 'Slack messages: approval requests with buttons, decisions, alerts per severity',
  runtimes: ['local', 'aws'],
  optionsSchema: slackOptionsSchema,
  async create(deps, { options }) {
    const [{ SlackNotifier }, { SlackWebApi }, { readSecret }] = await Promise.all([import('./slack.notifier.js'), import('./web-api.js'), import('./secrets.js')]);
    let api: Promise<InstanceType<typeof SlackWebApi>> | undefined;
    const client = () => {
      api ??= readSecret(options.botToken, deps, 'Slack bot token').then((token) => new SlackWebApi({ token, ...(options.apiBaseUrl ? { baseUrl: options.apiBaseUrl } : {}) }));
      // A failed read is not kept: the next notification tries again.
      api.catch(() => (api = undefined));
      return api;
    };
    return new SlackNotifier(client, options, deps.state);
  },
} as const satisfies AdapterDescriptor<Notifier, typeof slackOptionsSchema>;
