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
    templateArn: Type.Optional(Type.String({ pattern: TEMPLATE, description: 'Default: arn:aws:acm-pca:::template/EndEntityCertificate/V1.' })),
    uriSansTemplateArn: Type.Optional(
      Type.String({
        pattern: TEMPLATE,
        description: 'Template used when a certificate has URI SANs (e.g. SPIFFE IDs), passed with ApiPassthrough. Default: EndEntityCertificate_APIPassthrough/V1.',
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
export function checkCertificate(options: PrivateCaOptions, certificate: { readonly validityDays: number }): string[] {
  const problems: string[] = [];
  if (options.usageMode === 'SHORT_LIVED_CERTIFICATE' && certificate.validityDays > SHORT_LIVED_MAX_DAYS) {
    problems.push(`validityDays: ${certificate.validityDays.toString()} exceeds ${SHORT_LIVED_MAX_DAYS.toString()}, the most a Private CA in short-lived certificate mode signs`);
  }
  if (options.maxValidityDays !== undefined && certificate.validityDays > options.maxValidityDays) {
    problems.push(`validityDays: ${certificate.validityDays.toString()} exceeds the issuer's maxValidityDays (${options.maxValidityDays.toString()})`);
  }
  return problems;
}
