import type { Static } from '@sinclair/typebox';
import type { DetailType, EventDetail } from './detail-types.js';
import type { EventEnvelopeSchema } from './envelope.schema.js';

/** The EventBridge `source` of every event certflow emits. */
export const CERTFLOW_SOURCE = 'certflow';

/** A received certflow event whose envelope and detail were both validated. */
export type ReceivedEvent<D extends DetailType = DetailType> = Omit<Static<typeof EventEnvelopeSchema>, 'detail-type' | 'detail'> & {
  readonly 'detail-type': D;
  readonly detail: EventDetail<D>;
};

/** Turns an emitted event into the envelope EventBridge delivers (used by the local bus, examples and tests). */
export function toEnvelope<D extends DetailType>(
  event: { readonly id: string; readonly detailType: D; readonly detail: EventDetail<D> },
  where: { readonly account: string; readonly region: string; readonly time: string; readonly resources?: readonly string[] },
): ReceivedEvent<D> {
  return {
    version: '0',
    id: event.id,
    'detail-type': event.detailType,
    source: CERTFLOW_SOURCE,
    account: where.account,
    time: where.time,
    region: where.region,
    resources: [...(where.resources ?? [])],
    detail: event.detail,
  };
}
