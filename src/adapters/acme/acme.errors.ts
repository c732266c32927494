import { CertflowError, ErrorCodes, isCertflowError, type ErrorCode, type ErrorContext } from '../../domain/errors/index.js';
import { ownValue } from '../../domain/own-value.js';

/** An RFC 8555 §6.7 problem document (the fields certflow reads). */
export interface AcmeProblem {
  readonly type?: string;
  readonly detail?: string;
  readonly status?: number;
  readonly subproblems?: readonly AcmeProblem[];
}

const PREFIX = 'urn:ietf:params:acme:error:';

/**
 * Problem type → stable code and whether the same request may succeed later. Validation
 * problems (dns, incorrectResponse, connection…) are retryable with backoff (the request's
 * exponential retry keeps a broken setup under the CA's failed-validation limit); refusals of
 * the identifier, CAA, unauthorized and account problems are terminal.
 */
const TABLE: Readonly<Record<string, { code: ErrorCode; retryable: boolean }>> = {
  badNonce: { code: ErrorCodes.ISSUER_UNAVAILABLE, retryable: true },
  serverInternal: { code: ErrorCodes.ISSUER_UNAVAILABLE, retryable: true },
  rateLimited: { code: ErrorCodes.ISSUER_RATE_LIMITED, retryable: true },
  rejectedIdentifier: { code: ErrorCodes.ACME_IDENTIFIER_REJECTED, retryable: false },
  unsupportedIdentifier: { code: ErrorCodes.ACME_IDENTIFIER_REJECTED, retryable: false },
  caa: { code: ErrorCodes.ACME_CAA_FORBIDDEN, retryable: false },
  unauthorized: { code: ErrorCodes.ACME_VALIDATION_FAILED, retryable: false },
  dns: { code: ErrorCodes.ACME_VALIDATION_FAILED, retryable: true },
  incorrectResponse: { code: ErrorCodes.ACME_VALIDATION_FAILED, retryable: true },
  connection: { code: ErrorCodes.ACME_VALIDATION_FAILED, retryable: true },
  tls: { code: ErrorCodes.ACME_VALIDATION_FAILED, retryable: true },
  externalAccountRequired: { code: ErrorCodes.ACME_ACCOUNT_REFUSED, retryable: false },
  accountDoesNotExist: { code: ErrorCodes.ACME_ACCOUNT_REFUSED, retryable: false },
  userActionRequired: { code: ErrorCodes.ACME_ACCOUNT_REFUSED, retryable: false },
  badCSR: { code: ErrorCodes.ISSUER_REJECTED, retryable: false },
  badPublicKey: { code: ErrorCodes.ISSUER_REJECTED, retryable: false },
  badSignatureAlgorithm: { code: ErrorCodes.ISSUER_REJECTED, retryable: false },
  badRevocationReason: { code: ErrorCodes.ISSUER_REJECTED, retryable: false },
  alreadyRevoked: { code: ErrorCodes.ISSUER_REJECTED, retryable: false },
  malformed: { code: ErrorCodes.ISSUER_REJECTED, retryable: false },
  orderNotReady: { code: ErrorCodes.ISSUER_UNAVAILABLE, retryable: true },
  compound: { code: ErrorCodes.ACME_VALIDATION_FAILED, retryable: false },
};

/** The short problem name (`rateLimited`), or undefined for a non-ACME type. */
export function problemName(type: string | undefined): string | undefined {
  return type?.startsWith(PREFIX) ? type.slice(PREFIX.length) : undefined;
}

/** Problems CAs return with a detail that names only the identifiers and the reason: safe to show. */
function safeDetail(detail: string | undefined): string {
  return (detail ?? '').replace(/\s+/g, ' ').slice(0, 300);
}

/** Maps an ACME problem document to a certflow error (a compound problem takes its first subproblem's class). */
export function fromProblem(problem: AcmeProblem, what: string, context: ErrorContext): CertflowError {
  const sub = problem.subproblems?.[0];
  const name = problemName(problem.type) ?? 'unknown';
  const effective = name === 'compound' && sub ? (problemName(sub.type) ?? name) : name;
  const known = ownValue(TABLE, effective) ?? { code: (problem.status ?? 500) >= 500 ? ErrorCodes.ISSUER_UNAVAILABLE : ErrorCodes.ISSUER_REJECTED, retryable: (problem.status ?? 500) >= 500 };
  const detail = safeDetail(problem.detail ?? sub?.detail);
  return new CertflowError(known.code, `${what}: ${effective}${detail ? ` (${detail})` : ''}`, {
    retryable: known.retryable,
    context: { ...context, acmeProblem: problem.type ?? 'none' },
  });
}

/** Anything thrown while talking to the CA: certflow errors pass; network and library errors are retryable. */
export function toAcmeError(error: unknown, what: string, context: ErrorContext): CertflowError {
  if (isCertflowError(error)) return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  const reason = typeof code === 'string' ? code : 'request failed';
  return new CertflowError(ErrorCodes.ISSUER_UNAVAILABLE, `${what}: ACME server unreachable (${reason})`, { retryable: true, context, cause: error });
}
