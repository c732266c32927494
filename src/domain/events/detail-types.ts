import type { Static } from '@sinclair/typebox';
import type { EventCatalogue } from './catalogue.js';

/*
 * What code needs of the event catalogue at run time: the detail-type names, the schema version
 * and the event builder. No TypeBox here (types only): handlers import this, while the schemas
 * themselves stay in catalogue.ts for the generators (`npm run schemas`, `npm run validators`).
 */

/** `major.minor`; a major bump is required for any incompatible change. */
export const SCHEMA_VERSION = '1.2';
/** The major of {@link SCHEMA_VERSION}: consumers branch on it, the compatibility guard snapshots per major. */
export const SCHEMA_MAJOR = Number(SCHEMA_VERSION.split('.')[0]);

export type DetailType = keyof typeof EventCatalogue;
export type EventDetail<D extends DetailType> = Static<(typeof EventCatalogue)[D]>;

const NAMES = [
  'Certificate Discovered',
  'Certificate Expiring',
  'Certificate Expired',
  'Issuance Requested',
  'Approval Requested',
  'Issuance Approved',
  'Issuance Denied',
  'Approval Expired',
  'Certificate Issued',
  'Certificate Renewed',
  'Certificate Rotated',
  'Issuance Failed',
  'Certificate Revoked',
] as const satisfies readonly DetailType[];
// Every detail-type of the catalogue is listed (the test checks the order too).
const complete: Exclude<DetailType, (typeof NAMES)[number]> extends never ? true : never = true;
void complete;

/** Every detail-type, in catalogue order. */
export const DETAIL_TYPES: DetailType[] = [...NAMES];

/** An event as certflow emits it (EventBridge source `certflow`). */
export interface LifecycleEvent<D extends DetailType = DetailType> {
  readonly id: string;
  readonly detailType: D;
  readonly detail: EventDetail<D>;
}

/** Builds an event whose id is its idempotency key, so the outbox and consumers deduplicate alike. */
export function lifecycleEvent<D extends DetailType>(
  detailType: D,
  body: Omit<EventDetail<D>, 'schemaVersion' | 'idempotencyKey'>,
  idempotencyKey: string,
): LifecycleEvent<D> {
  const detail = { schemaVersion: SCHEMA_VERSION, idempotencyKey, ...body } as EventDetail<D>;
  return { id: idempotencyKey, detailType, detail };
}
