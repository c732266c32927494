import { Type, type Static } from '@sinclair/typebox';

/** Options of a `route53` DNS provider. */
export const optionsSchema = Type.Object(
  {
    region: Type.Optional(Type.String({ minLength: 1, description: 'Region of the STS and Route 53 clients (default us-east-1; Route 53 is global)' })),
    hostedZoneId: Type.Optional(Type.String({ minLength: 1, description: 'Use this zone for every name instead of looking zones up by longest suffix' })),
    assumeRole: Type.Optional(
      Type.Object(
        {
          roleArn: Type.String({ pattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/.+' }),
          externalId: Type.Optional(Type.String({ minLength: 2, maxLength: 1224 })),
          sessionName: Type.Optional(Type.String({ minLength: 2, maxLength: 64 })),
        },
        { additionalProperties: false, description: 'Zones live in a central DNS account reached by AssumeRole' },
      ),
    ),
    followCnames: Type.Optional(Type.Boolean({ default: true, description: 'Follow _acme-challenge CNAMEs to the zone they delegate to' })),
    ttl: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600, default: 60 })),
  },
  { additionalProperties: false },
);

export type Route53Options = Static<typeof optionsSchema>;
