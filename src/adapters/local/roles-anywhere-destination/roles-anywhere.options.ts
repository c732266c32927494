import { Type, type Static } from '@sinclair/typebox';

// ARN shapes of IAM Roles Anywhere and IAM (ids are UUIDs; role names and paths per IAM's rules).
// They go into a shell command line: these patterns admit no quote, space or newline.
const PARTITION = 'arn:aws(?:-[a-z]+)*';
const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d{1,2}';
export const TRUST_ANCHOR_ARN = `^${PARTITION}:rolesanywhere:${REGION}:\\d{12}:trust-anchor/[0-9a-fA-F-]{1,64}$`;
export const PROFILE_ARN = `^${PARTITION}:rolesanywhere:${REGION}:\\d{12}:profile/[0-9a-fA-F-]{1,64}$`;
export const ROLE_ARN = `^${PARTITION}:iam::\\d{12}:role/(?:[\\w+=,.@-]{1,512}/)*[\\w+=,.@-]{1,64}$`;

export const optionsSchema = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'Folder that receives `<certificate id>/` with `current/{cert,chain,key}.pem` and `aws-config`; relative to the config file.' }),
    trustAnchorArn: Type.String({ pattern: TRUST_ANCHOR_ARN, description: 'The trust anchor that holds the issuing CA (output TrustAnchorArn of deploy/roles-anywhere.yml).' }),
    profileArn: Type.String({ pattern: PROFILE_ARN, description: 'The Roles Anywhere profile (output ProfileArn), in the trust anchor\'s account and region.' }),
    roleArn: Type.String({ pattern: ROLE_ARN, description: 'The role to receive credentials for (output RoleArn).' }),
    profileName: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'Name of the `[profile NAME]` section in aws-config (default: the certificate id).' }),
    ),
    region: Type.Optional(Type.String({ pattern: `^${REGION}$`, description: "The profile's `region` for the workload's own calls (default: none written)." })),
    sessionDurationSeconds: Type.Optional(Type.Integer({ minimum: 900, maximum: 43200, description: 'Passed to the helper as --session-duration (default: the profile\'s).' })),
    keepVersions: Type.Optional(
      Type.Integer({
        minimum: 2,
        maximum: 100,
        description: 'Version directories kept, the current one included (default 3): a helper that resolved `current` just before a swap still finds its files.',
      }),
    ),
    signingHelper: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1024,
        pattern: '^[^\\u0000-\\u001f\\u007f#;]+$',
        description: 'The aws_signing_helper binary: a name on PATH or an absolute path (default aws_signing_helper).',
      }),
    ),
  },
  { additionalProperties: false },
);

export type RolesAnywhereOptions = Static<typeof optionsSchema>;
