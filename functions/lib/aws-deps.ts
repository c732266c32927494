import type { MiddlewareObj, Request } from '@middy/core';
import { buildEventBus, buildStateStore } from '../../src/adapters/aws/factories.js';
import { CertflowError, ErrorCodes, isCertflowError } from '../../src/domain/errors/index.js';
export { systemClock } from '../../src/ports/clock.port.js';

/*
 * The composition root of the Lambda handlers. Handlers call these at module scope, so the
 * environment is read and the SDK clients are built once per cold start, never per invocation.
 * Each builder is its own export so a bundle carries only the clients its function uses.
 */

/** The environment variables serverless.yml sets, by setting. */
export const ENVIRONMENT = {
  stage: 'CERTFLOW_STAGE',
  tableName: 'CERTFLOW_STATE_TABLE',
  eventBusName: 'CERTFLOW_EVENT_BUS',
} as const;

/** Names only: secrets are read through the key store by ARN, never from the environment. */
export type AwsSettings = { readonly [K in keyof typeof ENVIRONMENT]: string };

/**
 * Reads the settings a handler needs. Throws one `CONFIG.INVALID` naming every missing variable,
 * so a misconfigured deployment fails at cold start with the whole list rather than one at a time.
 */
export function loadSettings<K extends keyof AwsSettings>(env: NodeJS.ProcessEnv, needed: readonly K[]): Pick<AwsSettings, K> {
  const missing = needed.map((k) => ENVIRONMENT[k]).filter((name) => !env[name]?.trim());
  if (missing.length > 0) {
    throw new CertflowError(ErrorCodes.CONFIG_INVALID, `missing environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, {
      details: missing.map((name) => `${name}: is required`),
      context: { missing },
    });
  }
  return Object.fromEntries(needed.map((k) => [k, env[ENVIRONMENT[k]]!.trim()])) as Pick<AwsSettings, K>;
}

// SDK clients are built in src/adapters/aws, the only place AWS SDK names appear.
export { buildEventBus, buildStateStore };

/** Fields a handler adds to its log line: counts, ids and codes only, never event bodies or key material. */
export type Summary = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

export interface InvocationLogOptions<R> {
  /** The function's name in serverless.yml. */
  readonly fn: string;
  /** Turns the handler's result into log fields. */
  readonly summarize?: (response: R) => Summary;
  /** Where the line goes (default: stdout, which Lambda ships to CloudWatch). */
  readonly write?: (line: string) => void;
  /** Default: the wall clock. */
  readonly now?: () => number;
}

let coldStart = true;

/**
 * middy middleware that writes exactly one JSON line per invocation: outcome, duration, cold start,
 * the triggering event's id, and the summary or the error's code. Errors are passed on unchanged:
 * Lambda's retries and the DLQ need them, and the alarms count them.
 */
export function invocationLog<R>(options: InvocationLogOptions<R>): MiddlewareObj<unknown, R> {
  const write = options.write ?? ((line: string) => console.log(line));
  const now = options.now ?? Date.now;
  const started = new WeakMap<object, { at: number; cold: boolean }>();
  const base = (request: Request<unknown, R>) => {
    const start = started.get(request) ?? { at: now(), cold: false };
    const event = (request.event ?? {}) as { id?: unknown; 'detail-type'?: unknown };
    return {
      fn: options.fn,
      requestId: (request.context as { awsRequestId?: string } | undefined)?.awsRequestId,
      coldStart: start.cold,
      ms: now() - start.at,
      ...(typeof event.id === 'string' ? { eventId: event.id } : {}),
      ...(typeof event['detail-type'] === 'string' ? { detailType: event['detail-type'] } : {}),
    };
  };
  return {
    name: 'invocationLog',
    before: (request) => {
      started.set(request, { at: now(), cold: coldStart });
      coldStart = false;
    },
    after: (request) => {
      const summary = options.summarize && request.response !== null ? options.summarize(request.response) : {};
      write(JSON.stringify({ level: 'info', ...base(request), outcome: 'ok', ...summary }));
    },
    onError: (request) => {
      const error = request.error;
      // Only the code and retryable flag: messages of foreign errors may quote the input.
      const fields = isCertflowError(error)
        ? { code: error.code, retryable: error.retryable }
        : { code: 'UNEXPECTED', errorName: error?.name ?? 'Error', retryable: true };
      write(JSON.stringify({ level: 'error', ...base(request), outcome: 'error', ...fields }));
    },
  };
}
