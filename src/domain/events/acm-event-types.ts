/** The names of ACM's own EventBridge events that certflow reads (no schemas here: see acm-events.schema.ts). */

export const ACM_SOURCE = 'aws.acm';

export const ACM_DETAIL_TYPES = [
  'ACM Certificate Approaching Expiration',
  'ACM Certificate Expired',
  'ACM Certificate Available',
  'ACM Certificate Renewal Action Required',
] as const;
export type AcmDetailType = (typeof ACM_DETAIL_TYPES)[number];
