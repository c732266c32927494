import type { MiddlewareObj, Request } from '@middy/core';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import { formatIssues, validateEnvelope, type ValidationIssue, type ValidationResult } from '../../domain/events/validate.js';

/** An SQS record as Lambda delivers it; only what validation needs. */
export interface SqsRecordLike {
  readonly messageId: string;
  readonly body: string;
}

/** Lambda's partial-batch response (the event source mapping must enable ReportBatchItemFailures). */
export interface BatchItemFailures {
  batchItemFailures: { itemIdentifier: string }[];
}

export interface ValidateDetailOptions {
  /** Detail-types this function handles; any other is invalid here. Default: every type the validator knows. */
  readonly detailTypes?: readonly string[];
  /** Envelope + detail validator. Default: the certflow catalogue; pass `validateAcmEvent` for ACM's events. */
  readonly validate?: (event: unknown) => ValidationResult<unknown>;
  /** Told about each invalid SQS record before it is reported (default: one JSON line on stderr). */
  readonly onInvalidRecord?: (messageId: string, error: CertflowError) => void;
}

const invalidByRequest = new WeakMap<object, string[]>();

/**
 * middy middleware that validates `event.detail` against the schema of its detail-type before the
 * handler runs. A direct EventBridge invocation with a bad event fails with a non-retryable
 * `EVENT.INVALID` (the async invoke's failure destination / DLQ receives it, with the reason). In an
 * SQS batch each bad record is removed from `event.Records` and reported in `batchItemFailures`, so
 * it reaches the queue's DLQ while the rest of the batch is processed: bad input never sinks a batch.
 */
export function validateDetail(options: ValidateDetailOptions = {}): MiddlewareObj {
  return validateEvent({ ...options, validate: options.validate ?? validateEnvelope });
}

/**
 * {@link validateDetail} with the validator named: a function that takes other events (ACM's)
 * uses this one, so its bundle leaves out the certflow catalogue's validators.
 */
export function validateEvent(options: ValidateDetailOptions & Pick<Required<ValidateDetailOptions>, 'validate'>): MiddlewareObj {
  const validate = options.validate;
  const allowed = options.detailTypes === undefined ? undefined : new Set(options.detailTypes);
  const report = options.onInvalidRecord ?? ((messageId, error) => console.error(JSON.stringify({ level: 'warn', messageId, error })));

  const check = (event: unknown): CertflowError | undefined => {
    const result = validate(event);
    const issues: ValidationIssue[] = result.ok ? [] : [...result.issues];
    const detailType = (event as { 'detail-type'?: unknown } | null)?.['detail-type'];
    if (allowed !== undefined && !allowed.has(String(detailType))) {
      issues.push({ path: '/detail-type', message: `${JSON.stringify(detailType)} is not handled here (expected ${[...allowed].join(', ')})` });
    }
    if (issues.length === 0) return undefined;
    const lines = formatIssues(issues);
    return new CertflowError(ErrorCodes.EVENT_INVALID, `invalid event: ${lines.slice(0, 3).join('; ')}${lines.length > 3 ? ` (+${lines.length - 3} more)` : ''}`, {
      retryable: false,
      details: lines,
      context: { detailType: typeof detailType === 'string' ? detailType : undefined },
    });
  };

  return {
    name: 'validateDetail',
    before: (request: Request) => {
      const event = request.event as unknown;
      if (!isSqsBatch(event)) {
        const error = check(event);
        if (error !== undefined) throw error;
        return;
      }
      const valid: SqsRecordLike[] = [];
      const invalid: string[] = [];
      for (const record of event.Records) {
        const error = checkRecord(record, check);
        if (error === undefined) {
          valid.push(record);
        } else {
          invalid.push(record.messageId);
          report(record.messageId, error);
        }
      }
      invalidByRequest.set(request, invalid);
      request.event = { ...event, Records: valid };
    },
    after: (request: Request) => {
      const invalid = invalidByRequest.get(request) ?? [];
      if (invalid.length === 0) return;
      const response = (request.response ?? {}) as Partial<BatchItemFailures>;
      const reported = new Set((response.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      request.response = {
        ...response,
        batchItemFailures: [...(response.batchItemFailures ?? []), ...invalid.filter((id) => !reported.has(id)).map((itemIdentifier) => ({ itemIdentifier }))],
      };
    },
  };
}

function checkRecord(record: SqsRecordLike, check: (event: unknown) => CertflowError | undefined): CertflowError | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.body);
  } catch {
    return new CertflowError(ErrorCodes.EVENT_INVALID, 'invalid event: the SQS message body is not JSON', { retryable: false, details: ['/body: is not JSON'] });
  }
  return check(parsed);
}

function isSqsBatch(event: unknown): event is { Records: SqsRecordLike[] } {
  const records = (event as { Records?: unknown } | null)?.Records;
  return (
    Array.isArray(records) &&
    records.every((r) => typeof (r as SqsRecordLike | null)?.messageId === 'string' && typeof (r as SqsRecordLike).body === 'string')
  );
}
