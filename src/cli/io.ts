import { CertflowError, ErrorCodes, isCertflowError } from '../domain/errors/index.js';
import type { Clock } from '../ports/clock.port.js';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Colour on stdout (a terminal, no NO_COLOR); off when absent. */
  readonly color?: boolean;
  /** stderr is a terminal: a progress line may be drawn (and redrawn) there. */
  readonly progress?: boolean;
  /**
   * In-process test seam: the clock write commands run on. Not reachable from the command line;
   * the binary never sets it, so a real run always takes the system clock.
   */
  readonly clock?: Clock;
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
  ErrorCodes.ISSUER_UNKNOWN,
  ErrorCodes.TRUST_ANCHOR_UNSUPPORTED,
  ErrorCodes.EVENT_INVALID,
  ErrorCodes.EVENT_PATTERN_INVALID,
  ErrorCodes.STATE_NOT_FOUND,
]);

/** A usage error (exit 2), pointing at the command's help. */
export function usageError(message: string, command?: string): CertflowError {
  return new CertflowError(ErrorCodes.INPUT_INVALID, `${message} (see 'certflow ${command ? `${command} ` : ''}--help')`);
}

/** Prints an error once, as `certflow: CODE: message` (details indented; never a cause or stack), and maps it to an exit code. */
export function reportError(io: CliIo, error: unknown): number {
  if (isCertflowError(error)) {
    io.stderr(`certflow: ${error.code}: ${error.message}\n`);
    for (const detail of error.details) io.stderr(`  - ${detail}\n`);
    return BAD_INPUT.has(error.code) ? EXIT.usage : EXIT.failure;
  }
  io.stderr(`certflow: INTERNAL: unexpected failure (${error instanceof Error ? error.name : 'unknown'}); nothing further was changed\n`);
  return EXIT.failure;
}

/**
 * Text from outside (names, subjects, file names, locators) made safe for one terminal line:
 * control characters (newline, carriage return, escape, ...) and line separators become visible
 * `\uXXXX` escapes, so such text can neither forge a line nor drive the terminal.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Renders rows as an aligned text table (cells made {@link printable}); `paint` colours a cell after alignment. */
export function table(headers: readonly string[], rawRows: readonly (readonly string[])[], paint?: (column: number, cell: string, padded: string) => string): string {
  const rows = rawRows.map((r) => r.map(printable));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[], painted: boolean) =>
    cells
      .map((c, i) => {
        const padded = i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0);
        return painted && paint ? paint(i, c, padded) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(headers, false), ...rows.map((r) => line(r, true))].join('\n') + '\n';
}

const SGR = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', cyan: '36' } as const;

/** ANSI colour when `io.color`, plain text otherwise. */
export function colors(io: Pick<CliIo, 'color'>) {
  const wrap = (code: string) => (text: string) => (io.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  return { bold: wrap(SGR.bold), dim: wrap(SGR.dim), red: wrap(SGR.red), green: wrap(SGR.green), yellow: wrap(SGR.yellow), cyan: wrap(SGR.cyan) };
}
