import { Type, type Static } from '@sinclair/typebox';

/** Options of a `local-ca` issuer in the configuration. */
export const optionsSchema = Type.Object(
  {
    keyAlgorithm: Type.Optional(
      Type.Union([Type.Literal('EC_P256'), Type.Literal('EC_P384'), Type.Literal('RSA_2048'), Type.Literal('RSA_3072')], {
        description: 'Key algorithm of the root and intermediate CA keys (default EC_P256). Used only when the CA is first created.',
      }),
    ),
    organization: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'O= of the CA certificates (default "certflow"). Used only when the CA is first created.' }),
    ),
    maxValidityDays: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 3650, description: 'Orders asking for a longer validity are rejected (default: no limit beyond the intermediate).' }),
    ),
  },
  { additionalProperties: false },
);

export type LocalCaOptions = Static<typeof optionsSchema>;
