import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import { EXIT, parseCommand, parseNow, type CliIo } from '../io.js';
import { GLOBAL_OPTIONS, getCertificate, withRuntime } from '../context.js';

const FILES = ['cert.pem', 'chain.pem', 'key.pem', 'root.pem'] as const;

/**
 * `certflow export <certificate> --out DIR`: writes the CURRENT version's certificate, chain
 * and key (0600), plus the issuer's root for verification. Refuses to overwrite without --force;
 * each file is written to a temporary name and renamed, so a reader never sees half a file.
 */
export async function exportCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, { options: { ...GLOBAL_OPTIONS, out: { type: 'string', short: 'o' }, force: { type: 'boolean' } } });
  const id = positionals[0];
  if (!id || !values.out) {
    io.stderr('usage: certflow export <certificate> --out DIR [--force]\n');
    return EXIT.usage;
  }
  const out = resolve(io.cwd, values.out);
  const existing = FILES.filter((f) => existsSync(join(out, f)));
  if (existing.length > 0 && !values.force) {
    throw new CertflowError(ErrorCodes.EXPORT_TARGET_EXISTS, `${out} already holds ${existing.join(', ')}; pass --force to overwrite`, { context: { out } });
  }
  const bundle = await withRuntime(io, values.config, parseNow(values.now), async (rt) => {
    const record = await getCertificate(rt, id);
    const version = record.secretName ? await rt.deps.keys.getVersion(record.secretName, { label: 'CURRENT' }) : undefined;
    const m = version?.material;
    if (!version || !m?.certificatePem || m.chainPem === undefined) {
      throw new CertflowError(ErrorCodes.EXPORT_NOT_ISSUED, `certificate '${id}' has no issued version to export`, { context: { certificateId: id } });
    }
    const issuerName = record.spec?.issuer.name;
    const root = issuerName ? await rt.deps.issuers.get(issuerName).trustAnchorsPem() : '';
    return { cert: m.certificatePem, chain: m.chainPem, key: m.privateKeyPem, root, versionId: version.versionId };
  });
  const write = (name: string, content: string, mode: number) => {
    const tmp = join(out, `.${name}.${process.pid.toString()}.tmp`);
    writeFileSync(tmp, content, { mode, flag: 'wx' });
    renameSync(tmp, join(out, name));
  };
  try {
    mkdirSync(out, { recursive: true, mode: 0o700 });
  } catch (cause) {
    // --out names a file or a device (or a path under one): bad input, said as such, nothing written.
    const errno = (cause as { code?: unknown }).code;
    throw new CertflowError(ErrorCodes.INPUT_INVALID, `--out ${out} is not a directory that can be created (${typeof errno === 'string' ? errno : 'unknown error'})`, { cause, context: { out } });
  }
  write('key.pem', bundle.key, 0o600);
  write('cert.pem', bundle.cert, 0o644);
  write('chain.pem', bundle.chain, 0o644);
  if (bundle.root) write('root.pem', bundle.root, 0o644);
  io.stdout(`exported ${id} (${bundle.versionId}) to ${out}: cert.pem chain.pem key.pem${bundle.root ? ' root.pem' : ''}\n`);
  return EXIT.ok;
}
