import { Type, type TSchema } from '@sinclair/typebox';
import { ACM_DETAIL_TYPES, ACM_SOURCE } from './acm-event-types.js';

/*
 * The schemas of ACM's own EventBridge events, the source of their precompiled validators
 * (`npm run validators`). Shapes follow the ACM user guide; they are tolerant (extra fields
 * allowed) because AWS adds fields to its events without notice.
 */

const open = <P extends Record<string, TSchema>>(properties: P) => Type.Object(properties, { additionalProperties: true });
const Timestamp = Type.String({ format: 'date-time' });
const CertificateType = Type.String({ description: 'AMAZON_ISSUED, PRIVATE or IMPORTED' });

/** Detail schemas per ACM detail-type: only what the mapping reads is required. */
export const AcmDetailSchemas = {
  'ACM Certificate Approaching Expiration': open({
    DaysToExpiry: Type.Integer({ minimum: 0 }),
    CommonName: Type.Optional(Type.String()),
  }),
  'ACM Certificate Expired': open({
    CertificateType: Type.Optional(CertificateType),
    CommonName: Type.Optional(Type.String()),
    CertificateExpirationDate: Type.Optional(Timestamp),
    InUse: Type.Optional(Type.Boolean()),
  }),
  'ACM Certificate Available': open({
    Action: Type.Optional(Type.String({ description: 'ISSUANCE, RENEWAL, IMPORT or REIMPORT' })),
    CertificateType: Type.Optional(CertificateType),
    CommonName: Type.Optional(Type.String()),
    CertificateExpirationDate: Type.Optional(Timestamp),
    DaysToExpiry: Type.Optional(Type.Integer()),
    InUse: Type.Optional(Type.Boolean()),
  }),
  'ACM Certificate Renewal Action Required': open({
    CertificateType: Type.Optional(CertificateType),
    CommonName: Type.Optional(Type.String()),
    RenewalStatusReason: Type.Optional(Type.String()),
    DaysToExpiry: Type.Optional(Type.Integer()),
    CertificateExpirationDate: Type.Optional(Timestamp),
    InUse: Type.Optional(Type.Boolean()),
  }),
} as const;

const ACM_ARN = '^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$';

/** The EventBridge envelope of an ACM event; the certificate is its first resource. */
export const AcmEnvelopeSchema = Type.Object(
  {
    version: Type.String(),
    id: Type.String({ minLength: 1 }),
    'detail-type': Type.Union(ACM_DETAIL_TYPES.map((d) => Type.Literal(d))),
    source: Type.Literal(ACM_SOURCE),
    account: Type.String({ pattern: '^[0-9]{12}$' }),
    time: Timestamp,
    region: Type.String({ minLength: 1 }),
    resources: Type.Array(Type.String({ pattern: ACM_ARN }), { minItems: 1 }),
    detail: Type.Object({}, { additionalProperties: true }),
  },
  { additionalProperties: true },
);
