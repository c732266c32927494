import { previewCycle, type CyclePreview } from '../../app/preview-cycle.use-case.js';
import { EXIT, colors, type CliIo } from '../io.js';
import { runtimeOptions, flag, stringOption, type CommandContext } from '../context.js';
import { withRuntime } from '../runtime.js';
import { parseDateOption } from '../dates.js';
import { planJson } from '../output.js';

/**
 * `certflow plan [--at DATE]`: what a run would do, from the same use cases on a dry-run
 * runtime (an in-memory copy of the state). Exit 0 when nothing needs a person, 1 otherwise.
 */
export async function planCommand(ctx: CommandContext): Promise<number> {
  const atOption = stringOption(ctx, 'at');
  const at = atOption === undefined ? undefined : parseDateOption(atOption, 'at');
  const preview = await withRuntime(ctx.io, runtimeOptions(ctx, at ? { at } : {}), 'dry-run', (rt) =>
    previewCycle(rt.deps, { issuers: rt.issuerChecks ?? rt.config.issuers.map((i) => ({ name: i.name, ok: true, detail: `${i.kind}, configured` })) })(rt.config.certificates),
  );
  ctx.io.stdout(flag(ctx, 'json') ? JSON.stringify(planJson(preview), null, 2) + '\n' : describePlan(preview, ctx.io));
  return preview.needsAttention ? EXIT.failure : EXIT.ok;
}

function describePlan(p: CyclePreview, io: CliIo): string {
  const c = colors(io);
  const lines = [c.bold(`plan at ${p.at.toISOString()} (dry run: nothing is written)`)];
  for (const check of p.preflight) if (!check.ok || check.check !== 'policy') lines.push(`check     ${check.ok ? c.green('ok') : c.red('FAIL')} ${check.check} ${check.subject}: ${check.detail}`);
  for (const d of p.discovery) lines.push(`discover  ${d.source} ${d.scope}: ${d.ok ? `${d.seen.toString()} seen, ${d.added.toString()} new, ${d.changed.toString()} changed` : c.red('FAILED')}`);
  for (const e of p.plan) {
    if (e.action === 'skipped') {
      lines.push(`keep      ${e.certificateId}: ${e.why}`);
      continue;
    }
    const r = e.request;
    const [word, paint] = r.state === 'pending_approval' ? ['approve?', c.yellow] : r.state === 'denied' ? ['denied', c.red] : ['renew', c.cyan];
    const why = r.state === 'pending_approval' ? `needs ${r.requiredApprovals.toString()} approval(s): ${r.decision?.reason ?? 'no auto-approval rule covers every name'}` : (r.decision?.reason ?? r.state);
    lines.push(`${paint(word)}${' '.repeat(10 - word.length)}${e.certificateId}: ${r.reason} r${r.revision.toString()} (${why})`);
  }
  for (const r of p.toIssue) lines.push(`issue     ${r.certificateId} r${r.revision.toString()} (${r.id}, ${r.state})`);
  for (const a of p.awaitingApproval) lines.push(`waiting   ${a.request.certificateId}: ${a.request.id} ${a.overdue ? c.red('approval deadline passed: it would expire') : `until ${a.request.approvalDeadline?.toISOString() ?? '?'}`}`);
  for (const a of p.alerts) lines.push(a.kind === 'expired' ? `alert     ${a.certificateId} (${a.locator}) has ${c.red('EXPIRED')}` : `alert     ${a.certificateId} (${a.locator}) expires in ${a.daysRemaining.toString()} days (threshold ${(a.thresholdDays ?? 0).toString()})`);
  for (const v of p.expired) lines.push(`expired   ${v.record.id} (${v.record.locator}) since ${v.current?.notAfter.toISOString() ?? '?'}`);
  const renew = p.plan.filter((e) => e.action === 'requested' && e.request.state !== 'pending_approval' && e.request.state !== 'denied').length;
  lines.push(`summary   renew ${renew.toString()}, ask approval ${p.plan.filter((e) => e.action === 'requested' && e.request.state === 'pending_approval').length.toString()}, waiting ${p.awaitingApproval.length.toString()}, alerts ${p.alerts.length.toString()}, expired ${p.expired.length.toString()}: ${p.needsAttention ? c.yellow('a person is needed') : c.green('nothing needs a person')}`);
  return lines.join('\n') + '\n';
}
