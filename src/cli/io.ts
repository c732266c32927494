import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;
import { CertflowError, ErrorCodes, isCertflowError } from '../domain/errors/index.js';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Codes that mean "the caller gave bad input": exit 2, as for bad usage. */
const BAD_INPUT = new Set<string>([
  ErrorCodes.CONFIG_INVALID,
  ErrorCodes.CONFIG_UNREADABLE,
  ErrorCodes.INPUT_INVALID,
  ErrorCodes.REQUEST_IN_FLIGHT,
  ErrorCodes.PEM_MALFORMED,
  ErrorCodes.CSR_MALFORMED,
  ErrorCodes.CERTIFICATE_UNKNOWN,
  ErrorCodes.REQUEST_UNKNOWN,
  ErrorCodes.REQUEST_ILLEGAL_TRANSITION,
  ErrorCodes.APPROVAL_SELF_APPROVAL,
  ErrorCodes.APPROVAL_NOT_PENDING,
  ErrorCodes.APPROVAL_NOT_AUTHORIZED,
  ErrorCodes.APPROVAL_ALREADY_VOTED,
  ErrorCodes.APPROVAL_STALE,
  ErrorCodes.IDENTITY_INVALID,
  ErrorCodes.IDENTITY_CONFUSABLE,
  ErrorCodes.EXPORT_TARGET_EXISTS,
  ErrorCodes.EXPORT_NOT_ISSUED,
  ErrorCodes.EVENT_INVALID,
  ErrorCodes.EVENT_PATTERN_INVALID,
]);

/** Prints an error safely (code, message, details; never a cause or stack) and maps it to an exit code. */
export function reportError(io: CliIo, error: unknown): number {
  if (isCertflowError(error)) {
    io.stderr(`certflow: ${error.code}: ${error.message}\n`);
    for (const detail of error.details) io.stderr(`  - ${detail}\n`);
    return BAD_INPUT.has(error.code) ? EXIT.usage : EXIT.failure;
  }
  io.stderr(`certflow: unexpected failure (${error instanceof Error ? error.name : 'unknown'}); nothing further was changed\n`);
  return EXIT.failure;
}

/** parseArgs that turns its own errors into a usage error. */
export function parseCommand<const O extends ParseArgsOptionsConfig>(args: string[], config: { options: O }) {
  try {
    return parseArgs({ args, options: config.options, strict: true, allowPositionals: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : 'invalid arguments';
    throw new CertflowError(ErrorCodes.INPUT_INVALID, message);
  }
}

/** `--now` lets operators rehearse the future (renewals, expiry) without touching the system clock. */
export function parseNow(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new CertflowError(ErrorCodes.INPUT_INVALID, `--now must be an ISO date, got '${value}'`);
  return at;
}

/** Renders rows as an aligned text table. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}
