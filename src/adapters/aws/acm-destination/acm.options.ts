import { Type, type Static } from '@sinclair/typebox';

export const optionsSchema = Type.Object(
  {
    region: Type.Optional(Type.String({ minLength: 1, description: "Default: the runtime's region. CloudFront reads ACM certificates in us-east-1 only." })),
    tags: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 127 }), Type.String({ maxLength: 255 }), {
        description: 'Tags of the first import (ACM refuses tags on a re-import).',
      }),
    ),
    minIntervalMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000, description: 'Least time between two ImportCertificate calls per region (default 1000: the 1 per second quota).' })),
  },
  { additionalProperties: false },
);

export type AcmOptions = Static<typeof optionsSchema>;
