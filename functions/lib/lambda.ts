import middy, { type MiddlewareObj, type Request } from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { isCertflowError } from '../../src/domain/errors/index.js';

/*
 * What every certflow handler shares: Powertools Logger (JSON; level from POWERTOOLS_LOG_LEVEL,
 * which serverless.yml sets per stage) and Metrics (EMF, namespace `certflow`, dimension `stage`),
 * a correlation id on every line, and one error policy. Handlers stay thin: middy, validate, one use case.
 */

export const logger = new Logger({ serviceName: 'certflow' });
export const metrics = new Metrics({ namespace: 'certflow', serviceName: 'certflow', defaultDimensions: { stage: process.env['CERTFLOW_STAGE'] ?? 'unknown' } });
export { MetricUnit };

/** Metric names the alarms and the dashboard in serverless.yml watch; renaming one breaks them. */
export const METRICS = {
  issued: 'CertificatesIssued',
  issuanceFailures: 'IssuanceFailures',
  published: 'EventsPublished',
  publishFailed: 'EventsFailed',
  deadLettered: 'EventsDeadLettered',
  outboxAge: 'OutboxAgeSeconds',
  commitToBus: 'CommitToBusSeconds',
  minDaysToExpiry: 'MinDaysToExpiry',
  terminalFailures: 'TerminalFailures',
  requestsQueued: 'RequestsQueued',
  approvalsExpired: 'ApprovalsExpired',
} as const;

/**
 * Adds a count twice: without a code (the series the alarms watch: an alarm needs exact dimensions)
 * and with a `code` dimension, flushed on its own (the breakdown the dashboard shows).
 */
export function countByCode(name: string, code: string, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
  const single = metrics.singleMetric();
  single.addDimension('code', code);
  single.addMetric(name, MetricUnit.Count, value);
}

/** Log fields a handler adds: counts, ids and codes only, never event bodies or key material. */
export type Summary = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

export interface HandlerOptions<R> {
  /** The function's name in serverless.yml. */
  readonly fn: string;
  readonly summarize?: (response: R) => Summary;
  /** Records a terminal failure once (a dead letter), so it is neither retried nor lost. */
  readonly recordTerminal?: (failure: TerminalFailure) => Promise<void>;
}

export interface TerminalFailure {
  readonly fn: string;
  readonly code: string;
  readonly message: string;
  /** The triggering event's id, or the invocation's request id. */
  readonly correlationId: string;
}

/** What a handler answers when the error policy has recorded a terminal failure instead of retrying. */
export interface TerminalOutcome {
  readonly outcome: 'terminal-failure';
  readonly code: string;
}

/** The id that ties a line to its cause: the EventBridge event id, the HTTP request id, or Lambda's. */
export function correlationIdOf(event: unknown, context: unknown): string {
  const e = (event ?? {}) as { id?: unknown; requestContext?: { requestId?: unknown } };
  if (typeof e.id === 'string') return e.id;
  if (typeof e.requestContext?.requestId === 'string') return e.requestContext.requestId;
  const requestId = (context as { awsRequestId?: unknown } | undefined)?.awsRequestId;
  return typeof requestId === 'string' ? requestId : 'unknown';
}

/**
 * One error policy for every handler, by `CertflowError.retryable`: a terminal error is recorded
 * once (metric, log line, dead letter) and the invocation succeeds, so nothing retries what can
 * never work; a retryable one, or any unknown error (a bug), is thrown so Lambda, EventBridge or
 * SQS retries and, when retries run out, the DLQ keeps it and its alarm fires.
 */
export function errorPolicy<R>(options: HandlerOptions<R>): MiddlewareObj<unknown, R | TerminalOutcome> {
  return {
    name: 'certflowErrorPolicy',
    onError: async (request) => {
      const error = request.error;
      if (!isCertflowError(error) || error.retryable) {
        // Only the code and retryable flag: messages of foreign errors may quote the input.
        const fields = isCertflowError(error) ? { code: error.code, retryable: true } : { code: 'UNEXPECTED', errorName: error?.name ?? 'Error', retryable: true };
        logger.error('invocation failed; it will be retried', fields);
        return;
      }
      const failure: TerminalFailure = { fn: options.fn, code: error.code, message: error.message, correlationId: correlationIdOf(request.event, request.context) };
      countByCode(METRICS.terminalFailures, error.code);
      logger.error('invocation failed for good; recorded, not retried', { code: error.code, retryable: false });
      await options.recordTerminal?.(failure);
      request.response = { outcome: 'terminal-failure', code: error.code };
    },
  };
}

/** One summary line per successful invocation. */
function summaryLog<R>(options: HandlerOptions<R>): MiddlewareObj<unknown, R> {
  return {
    name: 'certflowSummary',
    before: (request: Request<unknown, R>) => {
      logger.appendKeys({ fn: options.fn, correlationId: correlationIdOf(request.event, request.context) });
    },
    after: (request: Request<unknown, R>) => {
      const summary = options.summarize && request.response !== null && request.response !== undefined ? options.summarize(request.response) : {};
      logger.info('invocation done', { outcome: 'ok', ...summary });
    },
  };
}

/** The middy chain every handler starts from. */
export function lambdaHandler<R>(options: HandlerOptions<R>) {
  return (
    middy<unknown, R | TerminalOutcome>()
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(logMetrics(metrics, { captureColdStartMetric: true }))
      .use(summaryLog(options) as MiddlewareObj<unknown, R | TerminalOutcome>)
      // Last in, so its onError runs first: what it handles, the others see as a success.
      .use(errorPolicy(options))
  );
}
