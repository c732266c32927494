import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import { exportTrustAnchor } from '../../app/export-trust-anchor.use-case.js';
import { EXIT } from '../io.js';
import { API_VERSION } from '../output.js';
import { runtimeOptions, flag, stringOption, type CommandContext } from '../context.js';
import { withRuntime } from '../runtime.js';
import { writeFileAtomically } from '../write-file.js';

/**
 * `certflow trust-anchor export --issuer NAME [--out FILE]`: what to register as a Roles Anywhere
 * trust anchor. A local CA gives its root (PEM, to stdout or FILE); a Private CA its ARN. Reads
 * the CA only: a data directory or a CA that is gone is an error, never a new CA.
 */
export async function trustAnchorExportCommand(ctx: CommandContext): Promise<number> {
  const issuerName = stringOption(ctx, 'issuer');
  if (!issuerName) throw new CertflowError(ErrorCodes.INPUT_INVALID, `${ctx.path} needs --issuer NAME (see '${ctx.path} --help')`);
  const outOption = stringOption(ctx, 'out');
  const out = outOption === undefined ? undefined : resolve(ctx.io.cwd, outOption);
  if (out && existsSync(out) && !flag(ctx, 'force')) {
    throw new CertflowError(ErrorCodes.EXPORT_TARGET_EXISTS, `${out} already exists; pass --force to overwrite`, { context: { out } });
  }
  const anchor = await withRuntime(ctx.io, runtimeOptions(ctx, { mustExist: true }), 'write', (rt) => exportTrustAnchor(rt.deps)(issuerName));
  const content = anchor.kind === 'certificate' ? anchor.certificatePem : `${anchor.reference}\n`;
  if (out) writeFileAtomically(out, content, 0o644);
  if (flag(ctx, 'json')) {
    const body = anchor.kind === 'certificate' ? { certificatePem: anchor.certificatePem } : { reference: anchor.reference };
    ctx.io.stdout(`${JSON.stringify({ apiVersion: API_VERSION, kind: 'TrustAnchor', issuer: anchor.issuer, issuerKind: anchor.issuerKind, type: anchor.kind, ...body, out: out ?? null, note: anchor.note }, null, 2)}\n`);
    return EXIT.ok;
  }
  // The anchor itself goes to stdout, so `> file` and pipes work; what to do with it goes to stderr.
  if (out) ctx.io.stdout(`wrote the trust anchor of issuer '${anchor.issuer}' to ${out}: ${anchor.note}\n`);
  else {
    ctx.io.stdout(content);
    ctx.io.stderr(`certflow: ${anchor.note}\n`);
  }
  return EXIT.ok;
}

