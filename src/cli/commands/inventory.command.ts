import { findRequest, listCertificates, listRequests, showCertificate, type CertificateView, type CertificateDetail } from '../../app/read-inventory.use-case.js';
import type { CertificateRequest } from '../../domain/request.js';
import { allNames, describeValidity, isClientUsage, usageOf, type CertificateSpec } from '../../domain/certificate.js';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import { EXIT, colors, printable, table, type CliIo } from '../io.js';
import { matchesFilter, type CertificateFilter } from '../../app/inventory-report.use-case.js';
import { runtimeOptions, flag, onePositional, stringOption, type CommandContext } from '../context.js';
import { withRuntime } from '../runtime.js';
import { certificateDetailJson, certificateListJson, requestDetailJson, requestListJson } from '../output.js';
import { STATUS_CHOICES } from '../spec.js';

const day = (d: Date | undefined) => d?.toISOString().slice(0, 10) ?? '-';

function statusPaint(io: CliIo) {
  const c = colors(io);
  return (status: string) => (status === 'expired' ? c.red : status === 'renewal-due' || status === 'expiring' ? c.yellow : status === 'ready' ? c.green : c.dim)(status);
}

function firstName(v: CertificateView): string {
  const names = v.current?.names ?? v.record.spec?.names;
  // A client certificate may have no SAN at all: its CN is then the only name it has.
  const workload = v.record.spec && isClientUsage(usageOf(v.record.spec)) ? v.record.spec.commonName : '';
  return (names ? allNames(names)[0] : undefined) ?? workload;
}

/** `certflow ls`: the inventory, with days remaining, status and next renewal. */
export async function lsCommand(ctx: CommandContext): Promise<number> {
  const status = stringOption(ctx, 'status');
  if (status !== undefined && !(STATUS_CHOICES as readonly string[]).includes(status)) {
    throw new CertflowError(ErrorCodes.INPUT_INVALID, `unknown status '${status}' (one of: ${STATUS_CHOICES.join(', ')})`);
  }
  const filter = lsFilter(ctx);
  const { views, at } = await withRuntime(ctx.io, runtimeOptions(ctx), 'read', async (rt) => ({ views: await listCertificates(rt.deps)(), at: rt.deps.clock.now() }));
  const shown = views.filter((v) => (status === undefined || v.status === status) && matchesFilter(v, filter));
  if (flag(ctx, 'json')) {
    ctx.io.stdout(JSON.stringify(certificateListJson(shown, at), null, 2) + '\n');
    return EXIT.ok;
  }
  const paint = statusPaint(ctx.io);
  const rows = shown.map((v) => [
    v.record.id,
    v.record.origin,
    firstName(v),
    v.record.revision > 0 ? `r${v.record.revision.toString()}` : '-',
    day(v.current?.notAfter),
    v.daysRemaining?.toString() ?? '-',
    v.status,
    day(v.renewalDueAt),
    v.pendingRequest ? `${v.pendingRequest.id} (${v.pendingRequest.state})` : '',
  ]);
  ctx.io.stdout(table(['CERTIFICATE', 'ORIGIN', 'NAME', 'REV', 'NOT AFTER', 'DAYS', 'STATUS', 'RENEWAL', 'PENDING REQUEST'], rows, (col, cell, padded) => (col === 6 ? paint(cell) + padded.slice(cell.length) : padded)));
  return EXIT.ok;
}

/** `--expiring-within 30d --account A --region R --source S`, checked before anything is opened. */
function lsFilter(ctx: CommandContext): CertificateFilter {
  const within = stringOption(ctx, 'expiring-within');
  let days: number | undefined;
  if (within !== undefined) {
    const m = /^(\d{1,4})d?$/.exec(within.trim());
    if (!m) throw new CertflowError(ErrorCodes.INPUT_INVALID, `--expiring-within takes days, e.g. 30d (got '${printable(within)}')`);
    days = Number(m[1]);
  }
  const account = stringOption(ctx, 'account');
  if (account !== undefined && !/^\d{12}$/.test(account)) throw new CertflowError(ErrorCodes.INPUT_INVALID, `--account takes a 12-digit AWS account id (got '${printable(account)}')`);
  const region = stringOption(ctx, 'in-region');
  const source = stringOption(ctx, 'source');
  return { ...(days === undefined ? {} : { expiringWithinDays: days }), ...(account ? { account } : {}), ...(region ? { region } : {}), ...(source ? { source } : {}) };
}

/** `certflow requests [--state S]`. */
export async function requestsCommand(ctx: CommandContext): Promise<number> {
  const state = stringOption(ctx, 'state');
  const requests = await withRuntime(ctx.io, runtimeOptions(ctx), 'read', (rt) => listRequests(rt.deps)(state === undefined ? {} : { state }));
  if (flag(ctx, 'json')) {
    ctx.io.stdout(JSON.stringify(requestListJson(requests), null, 2) + '\n');
    return EXIT.ok;
  }
  const rows = requests.map((r) => [r.id, r.certificateId, `r${r.revision.toString()}`, r.reason, r.state, r.requester, r.decision?.reason ?? '']);
  ctx.io.stdout(table(['REQUEST', 'CERTIFICATE', 'REV', 'REASON', 'STATE', 'REQUESTER', 'DECISION'], rows));
  return EXIT.ok;
}

/** `certflow show <certificate|request>`: a human view, or `--json`. */
export async function showCommand(ctx: CommandContext): Promise<number> {
  const ref = onePositional(ctx, 'a certificate or request');
  const json = flag(ctx, 'json');
  const mode = ref.startsWith('req_') ? 'read' : 'read-keys';
  const shown = await withRuntime(ctx.io, runtimeOptions(ctx), mode, async (rt) =>
    ref.startsWith('req_')
      ? { kind: 'request' as const, request: await findRequest(rt.deps)(ref) }
      : { kind: 'certificate' as const, detail: await showCertificate(rt.deps)(ref, { withKeys: true }), at: rt.deps.clock.now() },
  );
  if (shown.kind === 'request') ctx.io.stdout(json ? JSON.stringify(requestDetailJson(shown.request), null, 2) + '\n' : describeRequest(shown.request));
  else ctx.io.stdout(json ? JSON.stringify(certificateDetailJson(shown.detail, shown.at), null, 2) + '\n' : describeCertificate(shown.detail, ctx.io));
  return EXIT.ok;
}

function fields(pairs: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
}

function describeCertificate(d: CertificateDetail, io: CliIo): string {
  const v = d.view;
  const r = v.record;
  const c = v.current;
  const names = c?.names ?? r.spec?.names;
  const lines = fields([
    ['certificate', `${r.id} (${r.origin}${r.owner ? `, owner ${r.owner}` : ''})`],
    ['locator', r.locator],
    ['status', `${statusPaint(io)(v.status)}${v.daysRemaining === undefined ? '' : `, ${v.daysRemaining.toString()} day(s) remaining`}`],
    // Names read off a certificate are data: escaped so they cannot forge a line or drive the terminal.
    ['names', names ? printable(allNames(names).join(', ')) : '-'],
    ...workloadIdentity(r.spec),
    ['issuer', r.spec ? `${r.spec.issuer.name} (${r.spec.issuer.kind})` : (c?.issuerName ?? '-')],
    ['revision', r.revision > 0 ? `r${r.revision.toString()}` : '-'],
    ['serial', c?.serialNumber ?? '-'],
    ['valid', c ? `${c.notBefore.toISOString()} to ${c.notAfter.toISOString()}` : '-'],
    ['key', c?.keyAlgorithm ?? r.spec?.keyAlgorithm ?? '-'],
    ['sha256', c?.fingerprintSha256 ?? '-'],
    ['renewal', v.renewalDueAt?.toISOString() ?? '-'],
    ['pending', v.pendingRequest ? `${v.pendingRequest.id} (${v.pendingRequest.state})` : '-'],
  ]);
  if (d.revisions.length > 0) {
    lines.push('', 'revisions:');
    lines.push(...table(['REV', 'SERIAL', 'NOT AFTER', 'ISSUED', 'REQUEST', 'KEY STORE VERSION'], d.revisions.map((x) => [`r${x.revision.toString()}`, x.facts.serialNumber, day(x.facts.notAfter), x.issuedAt.toISOString(), x.requestId, x.secretVersionId])).trimEnd().split('\n').map((l) => `  ${l}`));
  }
  if (d.keyVersions && d.keyVersions.length > 0) {
    lines.push('', 'key store versions:');
    lines.push(...table(['VERSION', 'LABELS', 'CREATED', 'CERTIFICATE'], d.keyVersions.map((k) => [k.versionId, k.labels.join(',') || '-', k.createdAt.toISOString(), k.hasCertificate ? 'yes' : 'no'])).trimEnd().split('\n').map((l) => `  ${l}`));
  }
  return lines.join('\n') + '\n';
}

/**
 * A client certificate's CN is the identity an approval grants (a Roles Anywhere source identity);
 * it is often its only name, so the views that people approve and audit from show it.
 */
function workloadIdentity(spec: CertificateSpec | undefined): [string, string][] {
  return spec && isClientUsage(usageOf(spec)) ? [['common name', `${spec.commonName} (${usageOf(spec)} certificate: the workload identity)`]] : [];
}

function describeRequest(r: CertificateRequest): string {
  const lines = fields([
    ['request', `${r.id} (${r.certificateId} r${r.revision.toString()}, ${r.reason})`],
    ['state', r.state],
    ['requester', r.requester],
    ...(r.note ? ([['note', r.note]] as const) : []),
    ['names', printable(allNames(r.spec.names).join(', '))],
    ...workloadIdentity(r.spec),
    ['issuer', `${r.spec.issuer.name} (${r.spec.issuer.kind}), ${describeValidity(r.spec)}, ${r.spec.keyAlgorithm}${r.spec.usage ? `, ${r.spec.usage} certificate` : ''}`],
    ['approvals', `${r.votes.filter((v) => v.verdict === 'approve').length.toString()} of ${r.requiredApprovals.toString()}${r.approvalDeadline ? `, deadline ${r.approvalDeadline.toISOString()}` : ''}`],
    ['decision', r.decision ? `${r.decision.outcome} by ${r.decision.by} at ${r.decision.at.toISOString()}: ${r.decision.reason}` : '-'],
    ['attempts', r.progress.attempt.toString()],
    ['last error', r.progress.lastError ? `${r.progress.lastError.code}: ${r.progress.lastError.message}${r.progress.lastError.retryable ? ' (retryable)' : ''}` : '-'],
    ['created', r.createdAt.toISOString()],
    ['updated', r.updatedAt.toISOString()],
  ]);
  for (const v of r.votes) lines.push(`  vote: ${v.approver} ${v.verdict} at ${v.at.toISOString()}${v.comment ? ` (${v.comment})` : ''}`);
  return lines.join('\n') + '\n';
}
