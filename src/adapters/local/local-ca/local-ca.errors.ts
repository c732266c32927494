import { CertflowError, ErrorCodes, isCertflowError, type ErrorContext } from '../../../domain/errors/index.js';

/** A terminal refusal: the same order will never be issued. */
export function rejected(message: string, context: ErrorContext): CertflowError {
  return new CertflowError(ErrorCodes.ISSUER_REJECTED, message, { retryable: false, context });
}

/**
 * Maps whatever went wrong inside the local CA (file system, SQLite) to a certflow error.
 * Certflow errors pass through; anything else is ISSUER.UNAVAILABLE and retryable, named by
 * its errno code only (library messages may quote file contents).
 */
export function toIssuerError(error: unknown, context: ErrorContext): CertflowError {
  if (isCertflowError(error)) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  const reason = typeof code === 'string' ? code : 'internal error';
  return new CertflowError(ErrorCodes.ISSUER_UNAVAILABLE, `local CA is unavailable (${reason})`, { retryable: true, context, cause: error });
}
