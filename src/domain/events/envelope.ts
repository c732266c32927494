import { Type, type Static } from '@sinclair/typebox';
import { DETAIL_TYPES, type DetailType, type EventDetail } from './catalogue.js';

/** The EventBridge `source` of every event certflow emits. */
export const CERTFLOW_SOURCE = 'certflow';

/**
 * The EventBridge envelope of a received certflow event. Extra top-level keys are allowed
 * because EventBridge adds some on its own (e.g. `replay-name` on archive replays).
 */
export const EventEnvelopeSchema = Type.Object(
  {
    version: Type.Literal('0'),
    id: Type.String({ minLength: 1, maxLength: 256 }),
    'detail-type': Type.Union(DETAIL_TYPES.map((d) => Type.Literal(d))),
    source: Type.Literal(CERTFLOW_SOURCE),
    account: Type.String({ pattern: '^[0-9]{12}$' }),
    time: Type.String({ format: 'date-time' }),
    region: Type.String({ minLength: 1, maxLength: 64 }),
    resources: Type.Array(Type.String()),
    detail: Type.Object({}, { additionalProperties: true }),
  },
  { additionalProperties: true, title: 'certflow EventBridge envelope' },
);

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
