import { CertflowError, ErrorCodes, type ErrorContext } from '../../../domain/errors/index.js';
import { ownValue } from '../../../domain/own-value.js';

interface SdkErrorShape {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: unknown;
}

const THROTTLED = new Set(['ThrottlingException', 'TooManyRequestsException', 'LimitExceededException', 'Throttling']);
const REFUSED: Readonly<Record<string, string>> = {
  MalformedCSRException: 'the CA refused the CSR',
  InvalidArgsException: 'the CA refused the request arguments (validity, template or passthrough)',
  InvalidArnException: 'the CA or certificate ARN is malformed',
  InvalidStateException: 'the CA is not ACTIVE (disabled, expired, pending or deleted)',
  RequestFailedException: 'the CA failed the request',
  ResourceNotFoundException: 'the CA or certificate does not exist',
  AccessDeniedException: 'access denied by IAM or the CA policy',
  InvalidRequestException: 'the request is invalid for this CA',
};

/** Maps a Private CA error to a certflow code: throttling and service faults retry, refusals do not. */
export function privateCaError(error: unknown, operation: string, context: ErrorContext): CertflowError {
  const e = (error ?? {}) as SdkErrorShape;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const ctx = { ...context, operation, awsError: name };
  if (THROTTLED.has(name) || e.$retryable !== undefined) {
    return new CertflowError(ErrorCodes.ISSUER_RATE_LIMITED, `Private CA ${operation} throttled (${name})`, { retryable: true, context: ctx, cause: error });
  }
  const why = ownValue(REFUSED, name);
  if (why !== undefined) return new CertflowError(ErrorCodes.ISSUER_REJECTED, `Private CA ${operation}: ${why} (${name})`, { context: ctx, cause: error });
  const retryable = status === undefined || status >= 500;
  return new CertflowError(ErrorCodes.ISSUER_UNAVAILABLE, `Private CA ${operation} failed (${name})`, { retryable, context: ctx, cause: error });
}
