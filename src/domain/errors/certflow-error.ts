import type { ErrorCode } from './codes.js';

/** Context values must be identifiers (certificate ids, ARNs, order URLs, paths), never key material. */
export type ErrorContext = Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g;
const TOKEN = /\b(xox[abposr]-[A-Za-z0-9-]+|v0=[0-9a-f]{64})\b/g;

/** Strips anything that looks like key material or a token from text that may reach a log. */
export function redact(text: string): string {
  return text.replace(PEM_BLOCK, '[REDACTED PEM]').replace(TOKEN, '[REDACTED TOKEN]');
}

/**
 * The one error type certflow raises. `message` is safe to log, post to Slack or put in an
 * event; `retryable` tells the caller whether the same input may succeed later.
 */
const BRAND = Symbol.for('certflow.CertflowError');

export class CertflowError extends Error {
  /** See isCertflowError. */
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly context: ErrorContext;
  /** For bad input: every problem found, each with its path (e.g. `/certificates/0/dnsNames`). */
  readonly details: readonly string[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { retryable?: boolean; context?: ErrorContext; details?: readonly string[]; cause?: unknown } = {},
  ) {
    super(redact(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CertflowError';
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.context = options.context ?? {};
    this.details = (options.details ?? []).map(redact);
  }

  /** Serialisation drops `cause` and the stack: causes come from libraries and may quote inputs. */
  toJSON(): { code: ErrorCode; message: string; retryable: boolean; context: ErrorContext; details?: readonly string[] } {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      context: this.context,
      ...(this.details.length > 0 ? { details: this.details } : {}),
    };
  }
}

export function isCertflowError(error: unknown): error is CertflowError {
  // The brand, not only instanceof: two copies of this module (two bundles, a module graph loaded
  // twice) must still recognise each other's errors, or a known error reads as a crash.
  return error instanceof CertflowError || (typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true);
}
