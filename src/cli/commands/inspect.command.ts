import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import { inspectFiles, type InspectedItem, type Inspection } from '../../crypto/inspect-files.js';
import { EXIT, colors, type CliIo } from '../io.js';
import { flag, type CommandContext } from '../context.js';
import { API_VERSION } from '../output.js';

const DAY_MS = 86_400_000;

/**
 * `certflow inspect FILE...`: certificates, chains, CSRs and keys in PEM or DER. Exit 0 when all
 * is well, 1 when a key does not match or a chain is out of order, 2 when a file cannot be read.
 */
export async function inspectCommand(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length === 0) throw new CertflowError(ErrorCodes.INPUT_INVALID, `certflow inspect needs at least one FILE (see 'certflow inspect --help')`);
  const files = ctx.positionals.map((name) => {
    try {
      return { name, content: readFileSync(resolve(ctx.io.cwd, name)) };
    } catch (error) {
      throw new CertflowError(ErrorCodes.INPUT_INVALID, `cannot read ${name}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`, { cause: error });
    }
  });
  const inspection = inspectFiles(files);
  const now = ctx.io.clock?.now() ?? new Date();
  ctx.io.stdout(flag(ctx, 'json') ? JSON.stringify(inspectionJson(inspection, now), null, 2) + '\n' : describe(inspection, now, ctx.io));
  const keyWithoutCertificate = inspection.keyMatches.some((m) => inspection.keyMatches.filter((x) => x.key === m.key).every((x) => !x.matches));
  const bad = inspection.chainProblems.length > 0 || keyWithoutCertificate;
  return bad ? EXIT.failure : EXIT.ok;
}

function itemJson(item: InspectedItem, now: Date) {
  if (item.kind !== 'certificate') return item;
  return {
    ...item,
    notBefore: item.notBefore.toISOString(),
    notAfter: item.notAfter.toISOString(),
    daysRemaining: Math.floor((item.notAfter.getTime() - now.getTime()) / DAY_MS),
    validNow: now >= item.notBefore && now <= item.notAfter,
  };
}

export function inspectionJson(i: Inspection, now: Date) {
  return {
    apiVersion: API_VERSION,
    kind: 'Inspection' as const,
    at: now.toISOString(),
    items: i.items.map((x) => itemJson(x, now)),
    keyMatches: i.keyMatches.map((m) => ({ key: { ...m.key }, certificate: { ...m.certificate }, matches: m.matches })),
    chainProblems: [...i.chainProblems],
  };
}

function describe(i: Inspection, now: Date, io: CliIo): string {
  const c = colors(io);
  const lines: string[] = [];
  for (const item of i.items) {
    const at = `${item.file}#${item.index.toString()}`;
    if (item.kind === 'certificate') {
      const left = Math.floor((item.notAfter.getTime() - now.getTime()) / DAY_MS);
      const validity = now < item.notBefore ? c.red('NOT YET VALID') : now > item.notAfter ? c.red('EXPIRED') : `${left.toString()} day(s) left`;
      lines.push(
        `${c.bold('certificate')} ${at}${item.isCA ? ' (CA)' : ''}${item.selfSigned ? ' (self-signed)' : ''}`,
        `  subject      ${item.subject}`,
        `  issuer       ${item.issuer}`,
        `  names        ${[...item.names.dns, ...item.names.ip, ...item.names.uri].join(', ') || '-'}`,
        `  validity     ${item.notBefore.toISOString()} to ${item.notAfter.toISOString()} (${validity})`,
        `  serial       ${item.serialNumber}`,
        `  key          ${item.keyAlgorithm}`,
        `  sha256       ${item.fingerprintSha256}`,
        `  sha1         ${item.fingerprintSha1}`,
        `  ARI CertID   ${item.ariCertId ?? '- (no authority key identifier)'}`,
      );
    } else if (item.kind === 'csr') {
      lines.push(
        `${c.bold('csr')} ${at}${item.signatureValid ? '' : c.red(' SIGNATURE INVALID')}`,
        `  subject CN   ${item.commonName ?? '-'}`,
        `  names        ${[...item.names.dns, ...item.names.ip, ...item.names.uri].join(', ') || '-'}`,
        `  key          ${item.keyAlgorithm}`,
      );
    } else {
      lines.push(`${c.bold(item.kind)} ${at}`, `  key          ${item.keyAlgorithm}`, `  spki sha256  ${item.publicKeySha256}`);
    }
  }
  const keys = new Map<string, { matched: string[]; given: number }>();
  for (const m of i.keyMatches) {
    const k = `${m.key.file}#${m.key.index.toString()}`;
    const entry = keys.get(k) ?? { matched: [], given: 0 };
    entry.given++;
    if (m.matches) entry.matched.push(`${m.certificate.file}#${m.certificate.index.toString()}`);
    keys.set(k, entry);
  }
  for (const [k, { matched }] of keys) lines.push(matched.length > 0 ? `key ${k} ${c.green('matches')} certificate ${matched.join(', ')}` : `key ${k} ${c.red('matches none')} of the certificates given`);
  for (const p of i.chainProblems) lines.push(`${c.red('chain')}: ${p}`);
  if (i.items.filter((x) => x.kind === 'certificate').length > 1 && i.chainProblems.length === 0) lines.push(`chain: ${c.green('in order')}`);
  return lines.join('\n') + '\n';
}
