import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CertflowError, ErrorCodes } from '../domain/errors/index.js';

/**
 * Writes `path` whole, by rename: a reader (a deploy script, a Prometheus textfile collector)
 * never sees half a file. The temporary name is predictable and may sit in a shared folder
 * (/tmp): whatever is there (a symlink to someone's file) is removed, never written through, and
 * the file is created exclusively. A path that cannot be written is bad input, said as such.
 */
export function writeFileAtomically(path: string, content: string, mode: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid.toString()}.tmp`);
  try {
    rmSync(tmp, { force: true });
    writeFileSync(tmp, content, { mode, flag: 'wx' });
    renameSync(tmp, path);
  } catch (cause) {
    rmSync(tmp, { force: true });
    const errno = (cause as { code?: unknown }).code;
    throw new CertflowError(ErrorCodes.INPUT_INVALID, `--out ${path} cannot be written (${typeof errno === 'string' ? errno : 'unknown error'})`, { cause, context: { out: path } });
  }
}
