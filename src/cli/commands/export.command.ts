import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import { exportCertificate } from '../../app/export-certificate.use-case.js';
import { EXIT } from '../io.js';
import { runtimeOptions, flag, onePositional, stringOption, type CommandContext } from '../context.js';
import { withRuntime } from '../runtime.js';
import { writeFileAtomically } from '../write-file.js';

const FILES = ['cert.pem', 'chain.pem', 'key.pem', 'root.pem'] as const;

/**
 * `certflow export <certificate> --out DIR`: writes the CURRENT version's certificate, chain
 * and key (0600), plus the issuer's root for verification. Refuses to overwrite without --force;
 * each file is written to a temporary name and renamed, so a reader never sees half a file.
 */
export async function exportCommand(ctx: CommandContext): Promise<number> {
  const id = onePositional(ctx, 'a certificate');
  const outOption = stringOption(ctx, 'out');
  if (!outOption) throw new CertflowError(ErrorCodes.INPUT_INVALID, `certflow export needs --out DIR (see 'certflow export --help')`);
  const out = resolve(ctx.io.cwd, outOption);
  const existing = FILES.filter((f) => existsSync(join(out, f)));
  if (existing.length > 0 && !flag(ctx, 'force')) {
    throw new CertflowError(ErrorCodes.EXPORT_TARGET_EXISTS, `${out} already holds ${existing.join(', ')}; pass --force to overwrite`, { context: { out } });
  }
  const bundle = await withRuntime(ctx.io, runtimeOptions(ctx, { mustExist: true }), 'write', (rt) => exportCertificate(rt.deps)(id));
  const write = (name: string, content: string, mode: number) => writeFileAtomically(join(out, name), content, mode);
  try {
    mkdirSync(out, { recursive: true, mode: 0o700 });
  } catch (cause) {
    // --out names a file or a device (or a path under one): bad input, said as such, nothing written.
    const errno = (cause as { code?: unknown }).code;
    throw new CertflowError(ErrorCodes.INPUT_INVALID, `--out ${out} is not a directory that can be created (${typeof errno === 'string' ? errno : 'unknown error'})`, { cause, context: { out } });
  }
  write('key.pem', bundle.privateKeyPem, 0o600);
  write('cert.pem', bundle.certificatePem, 0o644);
  write('chain.pem', bundle.chainPem, 0o644);
  if (bundle.rootPem) write('root.pem', bundle.rootPem, 0o644);
  ctx.io.stdout(`exported ${id} (${bundle.versionId}) to ${out}: cert.pem chain.pem key.pem${bundle.rootPem ? ' root.pem' : ''}\n`);
  return EXIT.ok;
}
