import { CertflowError, ErrorCodes } from '../domain/errors/index.js';

/** An ISO date or date-time given on the command line (`2027-03-01`, `2027-03-01T12:00:00Z`). */
export function parseDateOption(value: string, option: string): Date {
  const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) throw new CertflowError(ErrorCodes.INPUT_INVALID, `--${option} must be an ISO date such as 2027-03-01 or 2027-03-01T12:00:00Z, got '${value}'`);
  return at;
}

/** A duration like `30d`, `12h`, `2w` (a bare number is days), in days. */
export function parseDaysOption(value: string, option: string): number {
  const m = /^(\d+(?:\.\d+)?)([dhw]?)$/.exec(value.trim());
  if (!m) throw new CertflowError(ErrorCodes.INPUT_INVALID, `--${option} must be a duration such as 30d, 12h or 2w, got '${value}'`);
  const n = Number(m[1]);
  return m[2] === 'h' ? n / 24 : m[2] === 'w' ? n * 7 : n;
}
