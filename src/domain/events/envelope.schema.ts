import { Type } from '@sinclair/typebox';
import { DETAIL_TYPES } from './detail-types.js';
import { CERTFLOW_SOURCE } from './envelope.js';

/**
 * The EventBridge envelope of a received certflow event. Extra top-level keys are allowed
 * because EventBridge adds some on its own (e.g. `replay-name` on archive replays). The source of
 * the precompiled envelope validator (`npm run validators`); code at run time imports envelope.ts.
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
