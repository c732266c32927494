import { cycleFailed, runCycle, type CycleProgress, type CycleReport } from '../../app/run-cycle.use-case.js';
import type { DueOutcome } from '../../app/process-due-requests.use-case.js';
import { EXIT } from '../io.js';
import { runtimeOptions, flag, type CommandContext } from '../context.js';
import { withRuntime } from '../runtime.js';
import { API_VERSION } from '../output.js';

/** Certificates from which `run` draws a progress line on a terminal. */
const PROGRESS_FROM = 50;

/** `certflow run`: one full cycle on the system clock, and a plain account of what happened. */
export async function runCommand(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const report = await withRuntime(io, runtimeOptions(ctx), 'write', async (rt) => {
    const managed = rt.config.certificates;
    const draw = io.progress === true && managed.length >= PROGRESS_FROM;
    const onProgress = (p: CycleProgress) =>
      io.stderr(`\r\u001b[2Kcertflow run: ${p.step}${p.step === 'discover' ? ` (${rt.config.sources.length.toString()} source(s))` : ` (${p.planned.toString()} managed${p.worked > 0 ? `, ${p.worked.toString()} request(s) worked` : ''})`}...`);
    const result = await runCycle(rt.deps)(managed, draw ? { onProgress } : {});
    if (draw) io.stderr('\r\u001b[2K');
    io.stdout(flag(ctx, 'json') ? JSON.stringify(runJson(result), null, 2) + '\n' : describeCycle(result));
    for (const n of rt.notifications) io.stderr(`[${n.severity}] ${n.title}: ${n.text}\n`);
    return result;
  });
  return cycleFailed(report) ? EXIT.failure : EXIT.ok;
}

function workJson(w: DueOutcome) {
  switch (w.status) {
    case 'issued':
      return { status: w.status, requestId: w.requestId, certificateId: w.certificateId, revision: w.revision, serialNumber: w.serialNumber };
    case 'failed':
      return { status: w.status, requestId: w.requestId, code: w.code, message: w.message, retryable: w.retryable };
    case 'pending':
      return { status: w.status, requestId: w.requestId, resumeAfter: w.resumeAfter.toISOString() };
    case 'skipped':
      return { status: w.status, requestId: w.requestId, why: w.why };
    case 'expired':
      return { status: w.status, requestId: w.requestId };
    case 'waiting':
      return { status: w.status, requestId: w.requestId, certificateId: w.certificateId, until: w.until.toISOString(), holder: w.holder };
  }
}

/** `run --json`: the RunReport shape (schemas/cli/run-report.schema.json). */
export function runJson(report: CycleReport) {
  return {
    apiVersion: API_VERSION,
    kind: 'RunReport' as const,
    discovery: report.discovery.map((d) => ({ source: d.source, scope: d.scope, ok: d.ok, seen: d.seen, added: d.added, changed: d.changed, problems: [...d.problems] })),
    plan: report.plan.map((p) =>
      p.action === 'skipped'
        ? { certificateId: p.certificateId, action: 'none' as const, why: p.why, requestId: p.requestId ?? null, state: null }
        : { certificateId: p.certificateId, action: p.created ? ('requested' as const) : ('request-exists' as const), why: p.request.reason, requestId: p.request.id, state: p.request.state },
    ),
    work: report.work.map(workJson),
    alerts: report.alerts.map((a) => ({ certificateId: a.certificateId, locator: a.locator, kind: a.kind, thresholdDays: a.thresholdDays ?? null, daysRemaining: a.daysRemaining })),
    events: { published: report.events.published, failed: report.events.failed.length, deadLettered: report.events.deadLettered.length },
    attention: report.attention.map((a) => ({ severity: a.severity, code: a.code, message: a.message, ...(a.certificateId ? { certificateId: a.certificateId } : {}), ...(a.requestId ? { requestId: a.requestId } : {}) })),
  };
}

export function describeCycle(report: CycleReport): string {
  const lines: string[] = [];
  for (const d of report.discovery) {
    lines.push(d.ok
      ? `discover  ${d.source} ${d.scope}: ${d.seen.toString()} seen, ${d.added.toString()} new, ${d.changed.toString()} changed`
      : `discover  ${d.source} ${d.scope}: FAILED`);
    for (const p of d.problems) lines.push(`          ! ${p}`);
  }
  for (const p of report.plan) {
    if (p.action === 'skipped') continue;
    const r = p.request;
    const what =
      r.state === 'pending_approval'
        ? `waits for ${r.requiredApprovals.toString()} approval(s) until ${r.approvalDeadline?.toISOString() ?? '?'}; approve with: certflow approve ${r.id} --as <approver>`
        : r.state === 'denied'
          ? `denied: ${r.decision?.reason ?? ''}`
          : `${r.state}${r.decision ? ` (${r.decision.reason})` : ''}`;
    lines.push(`plan      ${p.certificateId}: ${p.created ? 'requested' : 'request exists'} ${r.id} [${r.reason} r${r.revision.toString()}] ${what}`);
  }
  lines.push(...describeWork(report.work));
  for (const a of report.alerts) {
    lines.push(a.kind === 'expired'
      ? `alert     ${a.certificateId} (${a.locator}) has EXPIRED`
      : `alert     ${a.certificateId} (${a.locator}) expires in ${a.daysRemaining.toString()} days (threshold ${(a.thresholdDays ?? 0).toString()})`);
  }
  for (const a of report.attention) lines.push(`${a.severity === 'critical' ? 'CRITICAL' : 'warning '}  ${a.code}: ${a.message}`);
  const issued = report.work.filter((w) => w.status === 'issued').length;
  const waiting = report.plan.filter((p) => p.action === 'requested' && p.request.state === 'pending_approval').length;
  const skipped = report.plan.filter((p) => p.action === 'skipped');
  if (issued === 0 && report.attention.length === 0 && report.plan.every((p) => p.action === 'skipped')) {
    lines.push(`nothing to issue: ${skipped.length.toString()} managed certificate(s) checked, none due`);
    for (const s of skipped) lines.push(`          ${s.certificateId}: ${s.why}`);
  }
  const { published, failed, deadLettered } = report.events;
  lines.push(
    `events    ${published.toString()} published` +
      (failed.length ? `, ${failed.length.toString()} FAILED (kept for the next run)` : '') +
      (deadLettered.length ? `, ${deadLettered.length.toString()} DEAD-LETTERED (a bug: reported above)` : ''),
  );
  lines.push(`summary   issued ${issued.toString()}, awaiting approval ${waiting.toString()}, failed ${report.work.filter((w) => w.status === 'failed').length.toString()}`);
  return lines.join('\n') + '\n';
}

export function describeWork(work: readonly DueOutcome[]): string[] {
  const lines: string[] = [];
  for (const w of work) {
    if (w.status === 'issued') lines.push(`issue     ${w.certificateId} r${w.revision.toString()} issued, serial ${w.serialNumber}`);
    else if (w.status === 'failed') lines.push(`issue     ${w.requestId} FAILED ${w.code}: ${w.message}${w.retryable ? ' (will retry)' : ''}`);
    else if (w.status === 'pending') lines.push(`issue     ${w.requestId} pending at the issuer until ${w.resumeAfter.toISOString()}`);
    else if (w.status === 'expired') lines.push(`approval  ${w.requestId} expired: nobody decided before the deadline`);
  }
  return lines;
}
