import { Type, type Static } from '@sinclair/typebox';

export const optionsSchema = Type.Object(
  {
    namePrefix: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        pattern: '^[A-Za-z0-9/_+=.@-]+$',
        description: "Prefix of every secret's name, replacing `certflow/` (default `certflow/`): the secret of certificate `api` is `<prefix>api`.",
      }),
    ),
    kmsKeyId: Type.Optional(Type.String({ minLength: 1, description: 'KMS key (id, alias or ARN) that encrypts the secrets; default: aws/secretsmanager.' })),
    tags: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 128 }), Type.String({ maxLength: 256 }), { description: 'Tags on every secret certflow creates.' })),
    reservedStage: Type.Optional(
      Type.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9_-]+$', description: 'The custom staging label that stands for RESERVED (default CERTFLOW_RESERVED).' }),
    ),
    region: Type.Optional(Type.String({ minLength: 1, description: "Default: the runtime's region." })),
  },
  { additionalProperties: false },
);

export type SecretsManagerOptions = Static<typeof optionsSchema>;
