import { Type, type Static } from '@sinclair/typebox';
import { CERTIFICATE_USAGES, KEY_ALGORITHMS } from '../domain/certificate.js';
import { PolicyConfig } from './policy-config.js';

const Name = Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$', description: 'lower-case letters, digits and dashes' });
const KeyAlgorithm = Type.Union(KEY_ALGORITHMS.map((a) => Type.Literal(a)));
/** A DNS name, `*.` allowed on the left; shared with the check of a server certificate's CN. */
export const DNS_NAME_PATTERN = '^(\\*\\.)?([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)*[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$';
const DnsName = Type.String({ pattern: DNS_NAME_PATTERN, maxLength: 253 });
const IpAddress = Type.Union([Type.String({ format: 'ipv4' }), Type.String({ format: 'ipv6' })]);
/**
 * An RFC 5322 addr-spec in dot-atom form: an ASCII local part (no quotes, comments, white space
 * or control characters, which rfc822Name's IA5String and most verifiers mishandle) and a host
 * name; name-checks.ts checks the lengths and the domain as a host name.
 */
export const EMAIL_ADDRESS_PATTERN =
  "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)*[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$";
const EmailAddress = Type.String({ pattern: EMAIL_ADDRESS_PATTERN, maxLength: 254 });

export const CertificateConfig = Type.Object(
  {
    id: Name,
    /** `server` (default): serverAuth; `client`: clientAuth, a workload CN, no DNS name needed; `both`. */
    usage: Type.Optional(Type.Union(CERTIFICATE_USAGES.map((u) => Type.Literal(u)))),
    /**
     * A server certificate's CN is one of its DNS names (checked with the names); a client's names
     * the workload (its Roles Anywhere source identity), checked by name-checks.ts's rules.
     */
    commonName: Type.Optional(Type.String({ minLength: 1, maxLength: 253 })),
    dnsNames: Type.Array(DnsName, { maxItems: 100, default: [] }),
    ipAddresses: Type.Array(IpAddress, { maxItems: 100, default: [] }),
    uris: Type.Array(Type.String({ format: 'uri', maxLength: 2048 }), { maxItems: 100, default: [] }),
    /** Email SANs (rfc822Name): `ops@example.com`; the domain is compared without case, the local part with it. */
    emailAddresses: Type.Array(EmailAddress, { maxItems: 100, default: [] }),
    issuer: Name,
    owner: Type.String({ minLength: 1, maxLength: 128 }),
    /** Who asks for this certificate; the policy keeps them from approving it. Defaults to the owner. */
    requester: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    keyAlgorithm: Type.Optional(KeyAlgorithm),
    validityDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
    /** The validity in hours, instead of validityDays (client certificates default to 24). */
    validityHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 * 24 })),
    renewBeforeDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
    renewBeforeHours: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 * 24 })),
    /** Destinations (by name) that receive every new revision after promotion, in order. */
    destinations: Type.Array(Name, { maxItems: 20, default: [] }),
  },
  { additionalProperties: false },
);

export const IssuerConfig = Type.Object(
  {
    name: Name,
    kind: Type.String({ minLength: 1 }),
    options: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

/** `{ name, kind, ...options }`: everything beside name and kind is the kind's options, checked by its descriptor. */
export const SourceConfig = Type.Object(
  {
    name: Name,
    kind: Type.String({ minLength: 1 }),
  },
  { additionalProperties: true },
);

/** A named adapter of a family: `{ name, kind, options }`, the options checked by the kind's descriptor. */
export const AdapterConfig = Type.Object(
  {
    name: Name,
    kind: Type.String({ minLength: 1 }),
    options: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

export const KeyStoreConfig = Type.Object(
  {
    kind: Type.String({ minLength: 1 }),
    options: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

export { PolicyConfig } from './policy-config.js';

export const ConfigSchema = Type.Object(
  {
    dataDir: Type.String({ minLength: 1, default: '.certflow' }),
    defaults: Type.Object(
      {
        keyAlgorithm: Type.Optional(KeyAlgorithm),
        validityDays: Type.Integer({ minimum: 1, maximum: 3650, default: 90 }),
        alertThresholdsDays: Type.Array(Type.Integer({ minimum: 0, maximum: 365 }), { default: [30, 14, 7, 1], maxItems: 10 }),
        /** URI SAN schemes a certificate may ask for (default spiffe, https, urn). */
        uriSchemes: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z][a-z0-9+.-]{0,31}$' }), { minItems: 1, maxItems: 20 })),
        /** Re-issue a certificate whose CURRENT key store version is missing (lost or replaced key store). Default true. */
        reissueMissingKeys: Type.Boolean({ default: true }),
      },
      { additionalProperties: false, default: {} },
    ),
    issuers: Type.Array(IssuerConfig, { minItems: 1 }),
    policy: Type.Optional(PolicyConfig),
    keyStore: Type.Optional(KeyStoreConfig),
    /** DNS-01 providers ACME issuers name in their `dnsProvider` option. */
    dnsProviders: Type.Array(AdapterConfig, { default: [] }),
    sources: Type.Array(SourceConfig, { default: [] }),
    accounts: Type.Array(AdapterConfig, { default: [] }),
    notifiers: Type.Array(AdapterConfig, { default: [] }),
    destinations: Type.Array(AdapterConfig, { default: [] }),
    certificates: Type.Array(CertificateConfig, { default: [] }),
  },
  { additionalProperties: false },
);

export type CertflowConfigFile = Static<typeof ConfigSchema>;
