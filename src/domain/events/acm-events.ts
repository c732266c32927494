import type { Static } from '@sinclair/typebox';
import { acmValidators } from '../../generated/validators/acm-events.js';
import type { AcmEnvelopeSchema } from './acm-events.schema.js';
import type { AcmDetailType } from './acm-event-types.js';
import { CertflowError, ErrorCodes } from '../errors/index.js';
import { formatIssues, issuesFromAjv, type ValidationIssue, type ValidationResult } from './validate.js';

/**
 * ACM's own EventBridge events (source `aws.acm`), accepted as input and mapped to a domain
 * observation of the certificate they concern. Shapes follow the ACM user guide; they are
 * tolerant (extra fields allowed) because AWS adds fields to its events without notice.
 */

export { ACM_DETAIL_TYPES, ACM_SOURCE, type AcmDetailType } from './acm-event-types.js';

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

// Precompiled from acm-events.schema.ts (`npm run validators`): nothing is compiled at run time.
const { envelope: envelopeValidator, details: detailValidators } = acmValidators;

/** Validates an ACM event, envelope and detail, reporting every issue with its path. */
export function validateAcmEvent(event: unknown): ValidationResult<AcmEnvelope> {
  const issues: ValidationIssue[] = [];
  if (!envelopeValidator(event)) issues.push(...issuesFromAjv(envelopeValidator.errors ?? []));
  const envelope = event as { 'detail-type'?: unknown; detail?: unknown } | null;
  const detailType = String(envelope?.['detail-type']);
  const validateDetail = Object.hasOwn(detailValidators, detailType) ? detailValidators[detailType as AcmDetailType] : undefined;
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
