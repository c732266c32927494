import { Type, type Static } from '@sinclair/typebox';

/**
 * Where a secret is read from, never the secret itself: `keystore:<secretName>` (the CURRENT
 * version of that key-store secret; its `privateKeyPem` field holds the value) or `file:<path>`.
 */
const SecretRef = Type.String({ pattern: '^(keystore:[A-Za-z0-9/_+=.@-]{1,256}|file:.+)$', description: 'keystore:<secretName> or file:<path>' });

/** Options of an `acme` issuer in the configuration. */
export const optionsSchema = Type.Object(
  {
    directoryUrl: Type.String({ pattern: '^https://', description: 'ACME directory URL: Let\'s Encrypt, any RFC 8555 CA, an ACM ACME endpoint' }),
    contact: Type.Optional(Type.Array(Type.String({ pattern: '^mailto:' }), { maxItems: 10 })),
    termsOfServiceAgreed: Type.Optional(Type.Boolean({ default: true })),
    dnsProvider: Type.Optional(Type.String({ minLength: 1, description: 'Name of the DNS provider that publishes DNS-01 records; not needed when every authorization is pre-approved' })),
    eab: Type.Optional(
      Type.Object(
        { kid: Type.String({ minLength: 1, maxLength: 256 }), hmacKey: SecretRef },
        { additionalProperties: false, description: 'External Account Binding; the HMAC key is a reference, never the key' },
      ),
    ),
    profile: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'A profile the directory lists in meta.profiles' })),
    preferredChain: Type.Optional(Type.String({ minLength: 1, description: 'Issuer CN of the preferred alternate chain\'s top certificate' })),
    caFile: Type.Optional(Type.String({ minLength: 1, description: 'Extra CA (PEM file) to trust for the ACME server\'s TLS (private or test CAs)' })),
    trustAnchorsFile: Type.Optional(Type.String({ minLength: 1, description: 'Roots (PEM file) issued chains verify against; default: Node\'s bundled roots' })),
    caaCheck: Type.Optional(Type.Boolean({ default: true, description: 'Check CAA before ordering (RFC 8659), against caaIdentities' })),
    caaIdentities: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { maxItems: 20, description: 'The CA\'s CAA issuer domains (default: the directory\'s meta.caaIdentities; none: no pre-check)' }),
    ),
    rateLimits: Type.Optional(
      Type.Object(
        {
          newOrdersPer3Hours: Type.Optional(Type.Integer({ minimum: 1, default: 300 })),
          duplicatesPerWeek: Type.Optional(Type.Integer({ minimum: 1, default: 5 })),
          failedValidationsPerHour: Type.Optional(Type.Integer({ minimum: 1, default: 3 })),
        },
        { additionalProperties: false, description: 'Budgets kept in the state store, per issuer (one account)' },
      ),
    ),
    pollMs: Type.Optional(Type.Integer({ minimum: 10, maximum: 60_000, description: 'Wait before the second poll of a pending authorization or order (the first is at once; default 100 ms, then 1.5 times longer per poll, capped at 30 s)' })),
    maxPolls: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Polls of one order before it is given up as stuck (default 60)' })),
  },
  { additionalProperties: false },
);

export type AcmeOptions = Static<typeof optionsSchema>;
