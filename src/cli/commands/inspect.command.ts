import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { allNames } from '../../domain/certificate.js';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import { inspectFiles, type InspectedItem, type Inspection, type Where } from '../../crypto/inspect-files.js';
import { anchorsOf, assessForRolesAnywhere, type RolesAnywhereAssessment } from '../../crypto/roles-anywhere.js';
import { EXIT, colors, printable, type CliIo } from '../io.js';
import { flag, stringOption, type CommandContext } from '../context.js';
import { API_VERSION } from '../output.js';

const DAY_MS = 86_400_000;

/** `--roles-anywhere`: what IAM Roles Anywhere would check of the first certificate, against `--trust-anchor`. */
export interface RolesAnywhereReport extends RolesAnywhereAssessment {
  readonly certificate: Where;
  readonly trustAnchor: string;
}

function readInput(ctx: CommandContext, name: string): Buffer {
  try {
    return readFileSync(resolve(ctx.io.cwd, name));
  } catch (error) {
    throw new CertflowError(ErrorCodes.INPUT_INVALID, `cannot read ${name}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`, { cause: error });
  }
}

function rolesAnywhereReport(ctx: CommandContext, inspection: Inspection, now: Date): RolesAnywhereReport | undefined {
  const anchorFile = stringOption(ctx, 'trust-anchor');
  if (!flag(ctx, 'roles-anywhere')) {
    if (anchorFile !== undefined) throw new CertflowError(ErrorCodes.INPUT_INVALID, '--trust-anchor is read with --roles-anywhere only');
    return undefined;
  }
  if (anchorFile === undefined) throw new CertflowError(ErrorCodes.INPUT_INVALID, '--roles-anywhere needs --trust-anchor BUNDLE (the CA bundle or certificate of the trust anchor)');
  const [leaf, ...intermediates] = inspection.certificates;
  if (!leaf) throw new CertflowError(ErrorCodes.INPUT_INVALID, '--roles-anywhere needs a certificate among the files');
  const anchors = anchorsOf(readInput(ctx, anchorFile).toString('latin1'));
  if (anchors.length === 0) throw new CertflowError(ErrorCodes.INPUT_INVALID, `${anchorFile} holds no certificate`);
  const assessment = assessForRolesAnywhere(leaf.x509.raw, intermediates.map((c) => c.x509), anchors, now);
  return { certificate: leaf.where, trustAnchor: anchorFile, ...assessment };
}

/**
 * `certflow inspect FILE...`: certificates, chains, CSRs and keys in PEM or DER. Exit 0 when all
 * is well, 1 when a key does not match, a chain is out of order or (with --roles-anywhere) Roles
 * Anywhere would refuse the certificate, 2 when a file cannot be read.
 */
export async function inspectCommand(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length === 0) throw new CertflowError(ErrorCodes.INPUT_INVALID, `certflow inspect needs at least one FILE (see 'certflow inspect --help')`);
  const files = ctx.positionals.map((name) => ({ name, content: readInput(ctx, name) }));
  const inspection = inspectFiles(files);
  const now = ctx.io.clock?.now() ?? new Date();
  const rolesAnywhere = rolesAnywhereReport(ctx, inspection, now);
  ctx.io.stdout(
    flag(ctx, 'json')
      ? JSON.stringify({ ...inspectionJson(inspection, now), ...(rolesAnywhere ? { rolesAnywhere: rolesAnywhereJson(rolesAnywhere) } : {}) }, null, 2) + '\n'
      : describe(inspection, now, ctx.io) + (rolesAnywhere ? describeRolesAnywhere(rolesAnywhere, ctx.io) : ''),
  );
  const keyWithoutCertificate = inspection.keyMatches.some((m) => inspection.keyMatches.filter((x) => x.key === m.key).every((x) => !x.matches));
  const bad = inspection.chainProblems.length > 0 || keyWithoutCertificate || (rolesAnywhere !== undefined && !rolesAnywhere.accepted);
  return bad ? EXIT.failure : EXIT.ok;
}

/** The `rolesAnywhere` member of `inspect --json` (schemas/cli/inspection.schema.json). */
export function rolesAnywhereJson(r: RolesAnywhereReport) {
  return {
    certificate: { file: r.certificate.file, index: r.certificate.index },
    trustAnchor: r.trustAnchor,
    accepted: r.accepted,
    checks: r.checks.map((c) => ({ check: c.check, ok: c.ok, detail: c.detail })),
    refusals: r.checks.filter((c) => !c.ok).map((c) => `${c.check}: ${c.detail}`),
    sourceIdentity: r.sourceIdentity,
    principalTags: { ...r.principalTags },
    warnings: [...r.warnings],
  };
}

function describeRolesAnywhere(r: RolesAnywhereReport, io: CliIo): string {
  const c = colors(io);
  const verdict = r.accepted ? c.green('would be accepted') : c.red('would be refused');
  const width = Math.max(0, ...Object.keys(r.principalTags).map((k) => k.length));
  return [
    `${c.bold('roles anywhere')} ${printable(r.certificate.file)}#${r.certificate.index.toString()} against ${printable(r.trustAnchor)}: ${verdict}`,
    ...r.checks.map((x) => `  ${x.ok ? c.green('ok  ') : c.red('FAIL')}  ${x.check.padEnd(18)} ${printable(x.detail)}`),
    `  source identity   ${r.sourceIdentity === null ? '-' : printable(r.sourceIdentity)}`,
    '  principal tags',
    ...Object.entries(r.principalTags).map(([k, v]) => `    aws:PrincipalTag/${printable(k).padEnd(width)}  ${printable(v)}`),
    ...r.warnings.map((w) => `  ${c.yellow('warning')}: ${printable(w)}`),
  ].join('\n') + '\n';
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
        `  subject      ${printable(item.subject)}`,
        `  issuer       ${printable(item.issuer)}`,
        `  names        ${printable(allNames(item.names).join(', ')) || '-'}`,
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
        `  names        ${printable(allNames(item.names).join(', ')) || '-'}`,
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
