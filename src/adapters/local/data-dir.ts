import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';

/** What preparing the data directory found and did, for the operator to read. */
export interface DataDirReport {
  /** Set when the directory was wider than 0700 and has been tightened: the mode it had. */
  readonly tightenedFrom?: number;
}

/**
 * Makes `path` a usable private data directory: created 0700 when missing; an existing one
 * with group or other permissions is tightened to 0700, since it holds private keys and the
 * CA's key (refusing would only make the operator run the same chmod). A path that is not a
 * directory (`/dev/null`, a file) is a configuration error naming the path, never a crash.
 */
export function prepareDataDir(path: string): DataDirReport {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw unusable(path, error);
  }
  const stats = statSync(path);
  if (!stats.isDirectory()) {
    throw new CertflowError(ErrorCodes.CONFIG_INVALID, `dataDir ${path} is not a directory`, { context: { path } });
  }
  const mode = stats.mode & 0o777;
  if ((mode & 0o077) === 0) return {};
  try {
    chmodSync(path, 0o700);
  } catch (error) {
    throw new CertflowError(ErrorCodes.STATE_UNAVAILABLE, `dataDir ${path} has mode ${mode.toString(8)} and cannot be tightened to 700 (${errno(error)}); run: chmod 700 ${path}`, {
      context: { path },
      cause: error,
    });
  }
  return { tightenedFrom: mode };
}

function unusable(path: string, error: unknown): CertflowError {
  const code = errno(error);
  // EEXIST/ENOTDIR: the path, or a parent of it, is a file or a device: the configuration is wrong.
  if (code === 'EEXIST' || code === 'ENOTDIR') {
    return new CertflowError(ErrorCodes.CONFIG_INVALID, `dataDir ${path} is not a directory (or is under a file)`, { context: { path }, cause: error });
  }
  return new CertflowError(ErrorCodes.STATE_UNAVAILABLE, `cannot create dataDir ${path} (${code})`, { context: { path }, cause: error });
}

function errno(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}
