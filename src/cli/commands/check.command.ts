import { listCertificates, type CertificateView } from '../../app/read-inventory.use-case.js';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import { runtimeOptions, flag, stringOption, type CommandContext } from '../context.js';
import { withRuntime } from '../runtime.js';
import { parseDaysOption } from '../dates.js';
import { renewalDueAt } from '../../domain/renewal-policy.js';
import { API_VERSION, certificateJson } from '../output.js';

/** Exit codes of a monitoring plugin (Nagios, Icinga, Sensu): 0 OK, 1 WARNING, 2 CRITICAL. */
const STATUS = { OK: 0, WARNING: 1, CRITICAL: 2 } as const;
type Level = keyof typeof STATUS;

const DAY_MS = 86_400_000;

/**
 * `certflow check [--warn 30d] [--crit 7d]`: one line per certificate that expires within a
 * threshold (or has expired), then a summary; the exit code is the worst level. A certificate
 * not issued yet is not an expiry problem and is left out.
 */
export async function checkCommand(ctx: CommandContext): Promise<number> {
  const warnDays = parseDaysOption(stringOption(ctx, 'warn') ?? '30d', 'warn');
  const critDays = parseDaysOption(stringOption(ctx, 'crit') ?? '7d', 'crit');
  if (critDays > warnDays) throw new CertflowError(ErrorCodes.INPUT_INVALID, `--crit (${critDays.toString()} days) must not be longer than --warn (${warnDays.toString()} days)`);
  const { views, at } = await withRuntime(ctx.io, runtimeOptions(ctx), 'read', async (rt) => ({ views: await listCertificates(rt.deps)(), at: rt.deps.clock.now() }));
  const problems: { level: Exclude<Level, 'OK'>; view: CertificateView; line: string }[] = [];
  for (const v of views) {
    const c = v.current;
    if (!c) continue;
    const leftMs = c.notAfter.getTime() - at.getTime();
    const lifetimeMs = c.notAfter.getTime() - c.notBefore.getTime();
    const dueAt = v.renewalDueAt ?? renewalDueAt({ notBefore: c.notBefore, notAfter: c.notAfter });
    const overdue = at.getTime() >= dueAt.getTime();
    // A threshold as long as the whole lifetime is crossed the moment the certificate is issued (a
    // 24-hour client certificate is always within 7 days of its end): for such a certificate it
    // is crossed once its renewal is overdue instead, so a healthy short-lived certificate is OK.
    const crossed = (days: number) => (days * DAY_MS < lifetimeMs ? leftMs <= days * DAY_MS : overdue);
    const level: Level = leftMs <= 0 || crossed(critDays) ? 'CRITICAL' : crossed(warnDays) ? 'WARNING' : 'OK';
    if (level === 'OK') continue;
    const when = leftMs <= 0 ? `EXPIRED on ${c.notAfter.toISOString()}` : `expires in ${(leftMs / DAY_MS).toFixed(1)} days (${c.notAfter.toISOString()})`;
    const late = leftMs > 0 && overdue && lifetimeMs <= warnDays * DAY_MS ? `, renewal overdue since ${dueAt.toISOString()}` : '';
    problems.push({ level, view: v, line: `${level} ${v.record.id} (${v.record.locator}) ${when}${late}` });
  }
  problems.sort((a, b) => STATUS[b.level] - STATUS[a.level] || (a.view.current?.notAfter.getTime() ?? 0) - (b.view.current?.notAfter.getTime() ?? 0));
  const worst: Level = problems[0]?.level ?? 'OK';
  const checked = views.filter((v) => v.current).length;
  if (flag(ctx, 'json')) {
    ctx.io.stdout(
      JSON.stringify(
        {
          apiVersion: API_VERSION,
          kind: 'CheckResult',
          at: at.toISOString(),
          status: worst,
          exitCode: STATUS[worst],
          warnDays,
          critDays,
          checked,
          problems: problems.map((p) => ({ level: p.level, message: p.line, certificate: certificateJson(p.view) })),
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    for (const p of problems) ctx.io.stdout(`${p.line}\n`);
    const counts = `${problems.filter((p) => p.level === 'CRITICAL').length.toString()} critical, ${problems.filter((p) => p.level === 'WARNING').length.toString()} warning`;
    ctx.io.stdout(`CERTFLOW ${worst}: ${checked.toString()} certificate(s) checked, ${counts} (warn ${warnDays.toString()}d, crit ${critDays.toString()}d)\n`);
  }
  return STATUS[worst];
}
