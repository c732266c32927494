import { cycleFailed, runCycle, type CycleReport } from '../../app/run-cycle.use-case.js';
import { EXIT, parseCommand, parseNow, type CliIo } from '../io.js';
import { GLOBAL_OPTIONS, withRuntime } from '../context.js';

/** `certflow run`: one full cycle, and a plain account of what happened. */
export async function runCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(args, { options: { ...GLOBAL_OPTIONS, json: { type: 'boolean' } } });
  const report = await withRuntime(io, values.config, parseNow(values.now), async (rt) => {
    const result = await runCycle(rt.deps)(rt.config.certificates);
    if (values.json) io.stdout(JSON.stringify(result, null, 2) + '\n');
    else io.stdout(describeCycle(result));
    for (const n of rt.notifications) io.stderr(`[${n.severity}] ${n.title}: ${n.text}\n`);
    return result;
  });
  return cycleFailed(report) ? EXIT.failure : EXIT.ok;
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
  for (const w of report.work) {
    if (w.status === 'issued') lines.push(`issue     ${w.certificateId} r${w.revision.toString()} issued, serial ${w.serialNumber}`);
    else if (w.status === 'failed') lines.push(`issue     ${w.requestId} FAILED ${w.code}: ${w.message}${w.retryable ? ' (will retry)' : ''}`);
    else if (w.status === 'pending') lines.push(`issue     ${w.requestId} pending at the issuer until ${w.resumeAfter.toISOString()}`);
    else if (w.status === 'expired') lines.push(`approval  ${w.requestId} expired: nobody decided before the deadline`);
  }
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
