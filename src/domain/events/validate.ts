import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { CertflowError, ErrorCodes } from '../errors/index.js';
import { eventValidators } from '../../generated/validators/events.js';
import { DETAIL_TYPES, type DetailType, type EventDetail } from './detail-types.js';
import type { ReceivedEvent } from './envelope.js';

/** One problem found in an event, at a JSON Pointer into what was validated (e.g. `/detail/revision`). */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** Every problem is reported, not only the first: a producer bug is fixed in one round. */
export type ValidationResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

// Precompiled from the catalogue by `npm run validators` (src/generated/validators/): nothing is
// compiled at run time, and neither ajv's compiler nor TypeBox is loaded.
// Reached only inside functions, so a bundle that validates other events alone (ACM's) drops them.
const detailValidator = (detailType: string): ValidateFunction | undefined =>
  Object.hasOwn(eventValidators.details, detailType) ? eventValidators.details[detailType as DetailType] : undefined;

const KNOWN = new Set<string>(DETAIL_TYPES);

/** True when `value` names a detail-type of the catalogue. */
export function isDetailType(value: unknown): value is DetailType {
  return typeof value === 'string' && KNOWN.has(value);
}

/** Validates an event detail against the schema of its detail-type. */
export function validateDetail<D extends DetailType>(detailType: D, detail: unknown): ValidationResult<EventDetail<D>>;
export function validateDetail(detailType: string, detail: unknown): ValidationResult<EventDetail<DetailType>>;
export function validateDetail(detailType: string, detail: unknown): ValidationResult<EventDetail<DetailType>> {
  const validate = detailValidator(detailType);
  if (validate === undefined) {
    return { ok: false, issues: [{ path: '/detail-type', message: `unknown detail-type "${clip(detailType)}"; known: ${DETAIL_TYPES.join(', ')}` }] };
  }
  if (validate(detail)) return { ok: true, value: detail as EventDetail<DetailType> };
  return { ok: false, issues: issuesFromAjv(validate.errors ?? [], '') };
}

/** Validates a received EventBridge event: the envelope (source `certflow`, a known detail-type) and then its detail. */
export function validateEnvelope(event: unknown): ValidationResult<ReceivedEvent> {
  const envelopeValidator = eventValidators.envelope;
  if (!envelopeValidator(event)) {
    const issues = issuesFromAjv(envelopeValidator.errors ?? [], '');
    // A known detail-type still gets its detail checked, so one run reports everything.
    const detailType = (event as { 'detail-type'?: unknown } | null)?.['detail-type'];
    const detail = (event as { detail?: unknown } | null)?.detail;
    if (isDetailType(detailType) && typeof detail === 'object' && detail !== null) {
      const inner = validateDetail(detailType, detail);
      if (!inner.ok) issues.push(...prefix(inner.issues, '/detail'));
    }
    return { ok: false, issues };
  }
  const envelope = event as { 'detail-type': DetailType; detail: unknown };
  const inner = validateDetail(envelope['detail-type'], envelope.detail);
  if (!inner.ok) return { ok: false, issues: prefix(inner.issues, '/detail') };
  return { ok: true, value: event as ReceivedEvent };
}

/** `/detail/revision: must be >= 1`, one line per issue: the form CertflowError.details and the CLI print. */
export function formatIssues(issues: readonly ValidationIssue[]): string[] {
  return issues.map((i) => `${i.path === '' ? '/' : i.path}: ${i.message}`);
}

/** Throws `EVENT.INVALID` (not retryable: the same input fails again) listing every issue. */
export function invalidEventError(what: string, issues: readonly ValidationIssue[], context: Record<string, string> = {}): CertflowError {
  const lines = formatIssues(issues);
  return new CertflowError(ErrorCodes.EVENT_INVALID, `${what} does not match its schema: ${lines.slice(0, 3).join('; ')}${lines.length > 3 ? ` (+${lines.length - 3} more)` : ''}`, {
    retryable: false,
    details: lines,
    context,
  });
}

function prefix(issues: readonly ValidationIssue[], at: string): ValidationIssue[] {
  return issues.map((i) => ({ path: `${at}${i.path}`, message: i.message }));
}

/** Turns ajv errors (from a validator with `allErrors`) into issues, one per problem, each with its path. */
export function issuesFromAjv(errors: readonly ErrorObject[], base = ''): ValidationIssue[] {
  // An anyOf of literals fails once per branch; report the anyOf alone, naming the allowed values.
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath);
  const kept = errors.filter((e) => e.keyword === 'anyOf' || !anyOfPaths.some((p) => e.schemaPath.startsWith(`${p}/`)));
  const issues = kept.map((e) => ({ path: `${base}${pathOf(e)}`, message: messageOf(e) }));
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path} ${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function pathOf(e: ErrorObject): string {
  const params = e.params as { missingProperty?: string; additionalProperty?: string };
  const child = params.missingProperty ?? params.additionalProperty;
  return child === undefined ? e.instancePath : `${e.instancePath}/${escapePointer(child)}`;
}

function messageOf(e: ErrorObject): string {
  switch (e.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not allowed (unknown property)';
    case 'anyOf': {
      const branches = ((e.parentSchema as { anyOf?: { const?: unknown }[] } | undefined)?.anyOf ?? []).map((b) => b.const);
      return branches.length > 0 && branches.every((b) => b !== undefined)
        ? `must be one of ${branches.map((b) => JSON.stringify(b)).join(', ')}`
        : 'must match one of the allowed shapes';
    }
    case 'enum':
      // The precompiled validators turn a union of literals into an enum (scripts/lib/validator-modules.ts).
      return `must be one of ${((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify((e.params as { allowedValue?: unknown }).allowedValue)}`;
    default:
      return e.message ?? `fails ${e.keyword}`;
  }
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
