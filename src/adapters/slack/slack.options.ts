import { Type, type Static } from '@sinclair/typebox';
import { SECRET_REF_PATTERN } from './secrets.js';

const SlackId = (prefix: string, what: string) => Type.String({ pattern: `^${prefix}[A-Z0-9]{2,30}$`, description: what });
const Channel = Type.String({ pattern: '^[CGD][A-Z0-9]{2,30}$', description: 'channel id (C…, G…)' });
const SecretRefSchema = (what: string) => Type.String({ pattern: SECRET_REF_PATTERN, description: `${what}: ssm:/parameter/name (SecureString) or file:path (mode 0600)` });

/** Options of the `slack` notifier kind; the interactivity endpoint reads the same block. */
export const slackOptionsSchema = Type.Object(
  {
    teamId: SlackId('T', 'workspace id every interaction must carry'),
    appId: SlackId('A', 'app id every interaction must carry'),
    signingSecret: SecretRefSchema('the signing secret'),
    botToken: SecretRefSchema('the bot token (xoxb-)'),
    approvalChannel: Channel,
    channels: Type.Optional(
      Type.Object({ info: Type.Optional(Channel), warning: Type.Optional(Channel), critical: Type.Optional(Channel) }, { additionalProperties: false, description: 'channel per severity for alerts' }),
    ),
    users: Type.Record(Type.String({ pattern: '^[UW][A-Z0-9]{2,30}$' }), Type.String({ minLength: 1, maxLength: 256 }), { default: {}, description: 'Slack user id → certflow identity' }),
    groups: Type.Record(Type.String({ pattern: '^[a-z0-9-]+$' }), SlackId('S', 'Slack user group id'), { default: {}, description: 'policy approver group → Slack user group' }),
    apiBaseUrl: Type.Optional(Type.String({ pattern: '^https?://', description: 'Slack Web API base (tests)' })),
    responseUrlPrefix: Type.Optional(Type.String({ pattern: '^https?://', description: 'accepted response_url prefix (tests); default https://hooks.slack.com/' })),
  },
  { additionalProperties: false },
);

export type SlackOptions = Static<typeof slackOptionsSchema>;
