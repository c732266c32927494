import { CertflowError, ErrorCodes, type ErrorCode } from '../../../domain/errors/index.js';

interface SdkErrorShape {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: unknown;
}

const THROTTLED = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'Throttling']);

/** The SDK error's name (the service's error code), or undefined for something that is not one. */
export function awsErrorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape).name : undefined;
}

/**
 * Maps a Secrets Manager error to a certflow code where the call is made. Messages name the
 * operation, the secret and the version only: the service's own message may quote request fields.
 */
export function secretsManagerError(error: unknown, operation: string, secretId: string, versionId?: string): CertflowError {
  const e = (error ?? {}) as SdkErrorShape;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const context = { secretName: secretId, operation, awsError: name, ...(versionId === undefined ? {} : { versionId }) };
  const fail = (code: ErrorCode, why: string, retryable: boolean) =>
    new CertflowError(code, `Secrets Manager ${operation} on ${secretId} failed: ${why} (${name})`, { retryable, context, cause: error });
  if (THROTTLED.has(name) || e.$retryable !== undefined) return fail(ErrorCodes.KEYSTORE_UNAVAILABLE, 'throttled, retry later', true);
  switch (name) {
    case 'ResourceExistsException':
      return fail(ErrorCodes.KEYSTORE_CONFLICT, 'a version with this id already holds a different value', false);
    case 'AccessDeniedException':
    case 'AccessDenied':
      return fail(ErrorCodes.KEYSTORE_ACCESS_DENIED, 'access denied by IAM or a resource policy', false);
    case 'DecryptionFailure':
    case 'EncryptionFailure':
      return fail(ErrorCodes.KEYSTORE_ACCESS_DENIED, 'the KMS key refused (key policy, disabled key or grant)', false);
    case 'InternalServiceError':
      return fail(ErrorCodes.KEYSTORE_UNAVAILABLE, 'service error', true);
    case 'LimitExceededException':
      return fail(ErrorCodes.KEYSTORE_UNAVAILABLE, 'a quota is reached (versions per secret or secrets per account)', false);
    case 'InvalidRequestException':
      return fail(ErrorCodes.KEYSTORE_UNAVAILABLE, 'the secret cannot take this request now (e.g. scheduled for deletion)', false);
    default:
      return fail(ErrorCodes.KEYSTORE_UNAVAILABLE, status !== undefined && status >= 500 ? 'service error' : 'request refused', status === undefined || status >= 500);
  }
}
