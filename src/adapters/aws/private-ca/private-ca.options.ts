import { Type, type Static } from '@sinclair/typebox';

const ARN = '^arn:aws[a-z-]*:acm-pca:[a-z0-9-]+:[0-9]{12}:certificate-authority/[0-9a-f-]{36}$';
const TEMPLATE = '^arn:aws[a-z-]*:acm-pca:::template/[A-Za-z0-9_/]+/V[0-9]+$';

/** A Private CA in short-lived certificate mode signs for at most this many days. */
export const SHORT_LIVED_MAX_DAYS = 7;

/** Options of an `aws-private-ca` issuer in the configuration. */
export const optionsSchema = Type.Object(
  {
    certificateAuthorityArn: Type.String({ pattern: ARN, description: 'The CA that signs; its region is the region of the calls.' }),
    signingAlgorithm: Type.Optional(
      Type.Union(
        ['SHA256WITHECDSA', 'SHA384WITHECDSA', 'SHA512WITHECDSA', 'SHA256WITHRSA', 'SHA384WITHRSA', 'SHA512WITHRSA'].map((a) => Type.Literal(a)),
        { description: "Default: from the CA's key (SHA256WITHECDSA for EC CAs, SHA256WITHRSA for RSA CAs), read once with DescribeCertificateAuthority." },
      ),
    ),
    templateArn: Type.Optional(Type.String({ pattern: TEMPLATE, description: 'For server certificates. Default: arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1 (client certificates: EndEntityClientAuthCertificate/V1; both: EndEntityCertificate/V1).' })),
    uriSansTemplateArn: Type.Optional(
      Type.String({
        pattern: TEMPLATE,
        description: 'For server certificates with URI SANs (e.g. SPIFFE IDs) or email SANs, passed with ApiPassthrough. Default: EndEntityServerAuthCertificate_APIPassthrough/V1 (client and both: the _APIPassthrough variant of their template).',
      }),
    ),
    usageMode: Type.Optional(
      Type.Union([Type.Literal('GENERAL_PURPOSE'), Type.Literal('SHORT_LIVED_CERTIFICATE')], {
        description: `The CA's mode. SHORT_LIVED_CERTIFICATE: certificates naming this issuer must ask for at most ${SHORT_LIVED_MAX_DAYS.toString()} days (checked when configuration loads).`,
      }),
    ),
    maxValidityDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: 'Certificates asking for more are refused when configuration loads.' })),
  },
  { additionalProperties: false },
);

export type PrivateCaOptions = Static<typeof optionsSchema>;

/**
 * Checks a certificate naming this issuer, at configuration time: a short-lived CA refuses more
 * than 7 days, and would otherwise fail every issuance at the CA.
 */
export function checkCertificate(options: PrivateCaOptions, certificate: { readonly validityDays?: number; readonly validityHours?: number }): string[] {
  const problems: string[] = [];
  const { validityDays, validityHours } = certificate;
  // Named in the unit configured, so the message points at the field to change.
  const asked = validityHours === undefined ? { field: 'validityDays', value: validityDays ?? 0, hours: (validityDays ?? 0) * 24, per: 1 } : { field: 'validityHours', value: validityHours, hours: validityHours, per: 24 };
  const limit = (days: number) => (asked.per === 1 ? days.toString() : `${(days * 24).toString()} (${days.toString()} days)`);
  if (options.usageMode === 'SHORT_LIVED_CERTIFICATE' && asked.hours > SHORT_LIVED_MAX_DAYS * 24) {
    problems.push(`${asked.field}: ${asked.value.toString()} exceeds ${limit(SHORT_LIVED_MAX_DAYS)}, the most a Private CA in short-lived certificate mode signs`);
  }
  if (options.maxValidityDays !== undefined && asked.hours > options.maxValidityDays * 24) {
    problems.push(`${asked.field}: ${asked.value.toString()} exceeds the issuer's maxValidityDays (${limit(options.maxValidityDays)})`);
  }
  return problems;
}
