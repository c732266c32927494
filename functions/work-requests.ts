import { workRequest, type WorkReport } from '../src/app/work-request.use-case.js';
import { validateEnvelope } from '../src/domain/events/validate.js';
import { CertflowError, ErrorCodes, isCertflowError } from '../src/domain/errors/index.js';
import { systemClock } from '../src/ports/clock.port.js';
import { configuredRuntime } from './lib/cold-start.js';
import { recordInState } from './lib/dead-letters.js';
import { countByCode, lambdaHandler, logger, metrics, METRICS, MetricUnit } from './lib/lambda.js';

// Cold start: configuration, clients, and the families issuing uses: key store, DNS providers, issuers, destinations.
const { deps } = await configuredRuntime(process.env, 'work-requests');
const work = workRequest(deps);
const deadLetter = recordInState(deps.state, () => systemClock.now());

/** How many requests of one batch are worked at once; the queue's maximumConcurrency bounds the functions. */
const CONCURRENCY = 4;
const REQUEST_ID = /^req_[A-Za-z0-9_-]{1,64}$/;

interface SqsRecord {
  readonly messageId: string;
  readonly body: string;
}

export interface WorkBatchReport {
  readonly batchItemFailures: { itemIdentifier: string }[];
  readonly outcomes: readonly WorkReport['outcome']['status'][];
}

/**
 * The issuance worker, fed by SQS (`Issuance Approved` events routed by the issue-on-approval rule,
 * and `{ requestId }` messages from the planner's sweep and from itself). Each message works one
 * request; a `pending` issuer step is queued again, delayed until `resumeAfter`, never slept through.
 * A message that can be retried is reported in `batchItemFailures` alone (SQS redelivers it, then
 * its DLQ keeps it); an unreadable one is recorded once as a dead letter and dropped.
 */
export const handler = lambdaHandler<WorkBatchReport>({
  fn: 'workRequests',
  recordTerminal: deadLetter,
  summarize: (r) => ({ messages: r.outcomes.length + r.batchItemFailures.length, retried: r.batchItemFailures.length, outcomes: r.outcomes }),
}).handler(async (event: unknown) => {
  const records = ((event as { Records?: SqsRecord[] } | null)?.Records ?? []).filter((r) => typeof r.messageId === 'string');
  const failures: { itemIdentifier: string }[] = [];
  const outcomes: WorkReport['outcome']['status'][] = [];
  let next = 0;
  const worker = async () => {
    while (next < records.length) {
      const record = records[next++]!;
      try {
        const report = await work(requestIdOf(record.body));
        outcomes.push(report.outcome.status);
        if (report.outcome.status === 'issued') metrics.addMetric(METRICS.issued, MetricUnit.Count, 1);
        if (report.outcome.status === 'failed') countByCode(METRICS.issuanceFailures, report.outcome.code);
      } catch (error) {
        if (isCertflowError(error) && !error.retryable) {
          countByCode(METRICS.terminalFailures, error.code);
          logger.error('message failed for good; recorded, not retried', { messageId: record.messageId, code: error.code });
          await deadLetter({ fn: 'workRequests', code: error.code, message: error.message, correlationId: record.messageId });
        } else {
          const code = isCertflowError(error) ? error.code : 'UNEXPECTED';
          logger.warn('message failed; SQS will redeliver it', { messageId: record.messageId, code });
          failures.push({ itemIdentifier: record.messageId });
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, records.length) }, worker));
  return { batchItemFailures: failures, outcomes };
});

/** A message is an `Issuance Approved` event (from the rule) or `{ requestId }` (from the sweep or a resume). */
function requestIdOf(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new CertflowError(ErrorCodes.EVENT_INVALID, 'the message body is not JSON');
  }
  const message = parsed as { requestId?: unknown; 'detail-type'?: unknown; detail?: { requestId?: unknown } } | null;
  if (message && typeof message['detail-type'] === 'string') {
    const checked = validateEnvelope(parsed);
    if (!checked.ok || message['detail-type'] !== 'Issuance Approved') {
      throw new CertflowError(ErrorCodes.EVENT_INVALID, `the message is not a valid Issuance Approved event`, { details: checked.ok ? [] : checked.issues.map((i) => `${i.path}: ${i.message}`) });
    }
    return String(message.detail?.requestId);
  }
  if (typeof message?.requestId === 'string' && REQUEST_ID.test(message.requestId)) return message.requestId;
  throw new CertflowError(ErrorCodes.EVENT_INVALID, 'the message names no request');
}
