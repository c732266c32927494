import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { createAjv, lazyValidator } from '../schema/ajv.js';
import { CertflowError, ErrorCodes } from '../errors/index.js';
import { formatIssues, issuesFromAjv, type ValidationIssue, type ValidationResult } from './validate.js';

/**
 * ACM's own EventBridge events (source `aws.acm`), accepted as input and mapped to a domain
 * observation of the certificate they concern. Shapes follow the ACM user guide; they are
 * tolerant (extra fields allowed) because AWS adds fields to its events without notice.
 */

export const ACM_SOURCE = 'aws.acm';

export const ACM_DETAIL_TYPES = [
  'ACM Certificate Approaching Expiration',
  'ACM Certificate Expired',
  'ACM Certificate Available',
  'ACM Certificate Renewal Action Required',
] as const;
export type AcmDetailType = (typeof ACM_DETAIL_TYPES)[number];

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
export type AcmEnvelope = Static<typeof AcmEnvelopeSchema>;

/** What certflow learns from an ACM event; the inventory folds it into the certificate at `locator`. */
export interface AcmObservation {
  readonly kind: AcmDetailType;
  /** The certificate ARN. */
  readonly locator: string;
  readonly account: string;
  readonly region: string;
  readonly observedAt: string;
  readonly commonName?: string;
  readonly daysToExpiry?: number;
  readonly expired?: boolean;
  readonly notAfter?: string;
  /** Why ACM cannot renew on its own (Renewal Action Required only), e.g. `CAA_ERROR`. */
  readonly renewalActionReason?: string;
}

// Compiled on first use, at most once per cold start.
const ajv = createAjv({ verbose: true });
const envelopeValidator = lazyValidator(ajv, AcmEnvelopeSchema);
const detailValidators = new Map<string, ValidateFunction>(ACM_DETAIL_TYPES.map((d) => [d, lazyValidator(ajv, AcmDetailSchemas[d])]));

/** Validates an ACM event, envelope and detail, reporting every issue with its path. */
export function validateAcmEvent(event: unknown): ValidationResult<AcmEnvelope> {
  const issues: ValidationIssue[] = [];
  if (!envelopeValidator(event)) issues.push(...issuesFromAjv(envelopeValidator.errors ?? []));
  const envelope = event as { 'detail-type'?: unknown; detail?: unknown } | null;
  const validateDetail = detailValidators.get(String(envelope?.['detail-type']));
  if (validateDetail !== undefined && !validateDetail(envelope?.detail)) {
    issues.push(...issuesFromAjv(validateDetail.errors ?? [], '/detail'));
  }
  return issues.length === 0 ? { ok: true, value: event as AcmEnvelope } : { ok: false, issues };
}

/** Maps a validated ACM event to an observation. Throws `EVENT.INVALID` (not retryable) for anything else. */
export function toAcmObservation(event: unknown): AcmObservation {
  const result = validateAcmEvent(event);
  if (!result.ok) {
    const lines = formatIssues(result.issues);
    throw new CertflowError(ErrorCodes.EVENT_INVALID, `not a valid ACM event: ${lines.slice(0, 3).join('; ')}`, { details: lines });
  }
  const e = result.value;
  const kind = e['detail-type'] as AcmDetailType;
  const d = e.detail as {
    DaysToExpiry?: number;
    CommonName?: string;
    CertificateExpirationDate?: string;
    RenewalStatusReason?: string;
  };
  return {
    kind,
    locator: e.resources[0] as string,
    account: e.account,
    region: e.region,
    observedAt: e.time,
    ...(d.CommonName === undefined ? {} : { commonName: d.CommonName }),
    ...(d.DaysToExpiry === undefined ? {} : { daysToExpiry: d.DaysToExpiry }),
    ...(kind === 'ACM Certificate Expired' ? { expired: true, daysToExpiry: 0 } : {}),
    ...(kind === 'ACM Certificate Available' ? { expired: false } : {}),
    ...(d.CertificateExpirationDate === undefined ? {} : { notAfter: d.CertificateExpirationDate }),
    ...(kind === 'ACM Certificate Renewal Action Required' ? { renewalActionReason: d.RenewalStatusReason ?? 'OTHER' } : {}),
  };
}
