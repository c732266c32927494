import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { discoverCertificates, type DiscoveryProgress, type ScopeReport } from '../../app/discover-certificates.use-case.js';
import { buildInventoryReport } from '../../app/inventory-report.use-case.js';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import { EXIT, colors, printable, table } from '../io.js';
import { runtimeOptions, flag, stringOption, type CommandContext } from '../context.js';
import { withRuntime } from '../runtime.js';
import { API_VERSION } from '../output.js';
import { renderHtmlReport } from '../report-html.js';

/** `discover --json`: the DiscoveryReport shape (schemas/cli/discovery-report.schema.json). */
export function discoveryJson(reports: readonly ScopeReport[], at: Date) {
  const sum = (f: (r: ScopeReport) => number) => reports.reduce((n, r) => n + f(r), 0);
  return {
    apiVersion: API_VERSION,
    kind: 'DiscoveryReport' as const,
    at: at.toISOString(),
    totals: { scopes: reports.length, failed: reports.filter((r) => !r.ok).length, seen: sum((r) => r.seen), added: sum((r) => r.added), changed: sum((r) => r.changed) },
    scopes: reports.map((r) => ({
      source: r.source,
      scope: r.scope,
      account: r.account ?? null,
      region: r.region ?? null,
      ok: r.ok,
      seen: r.seen,
      added: r.added,
      changed: r.changed,
      problems: [...r.problems],
    })),
  };
}

/**
 * `certflow discover`: one sweep of every configured source (account-regions side by side), with a
 * progress line on a terminal and none when piped. Exit 1 when any scope failed; the others are
 * still folded in and reported.
 */
export async function discoverCommand(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const c = colors(io);
  const { reports, at } = await withRuntime(io, runtimeOptions(ctx), 'write', async (rt) => {
    const onProgress = (p: DiscoveryProgress) =>
      io.stderr(`\r\u001b[2Kcertflow discover: ${p.scopesDone.toString()}/${p.scopesTotal.toString()} account-regions and other scopes, ${p.certificatesSeen.toString()} certificates, ${p.errors.toString()} error(s)`);
    const result = await discoverCertificates(rt.deps)(io.progress === true ? { onProgress } : {});
    if (io.progress === true) io.stderr('\r\u001b[2K');
    return { reports: result, at: rt.deps.clock.now() };
  });
  const failed = reports.filter((r) => !r.ok).length;
  if (flag(ctx, 'json')) {
    io.stdout(JSON.stringify(discoveryJson(reports, at), null, 2) + '\n');
    return failed > 0 ? EXIT.failure : EXIT.ok;
  }
  const rows = reports.map((r) => [r.source, r.scope, r.ok ? 'ok' : 'FAILED', r.seen.toString(), r.added.toString(), r.changed.toString(), r.problems.length.toString()]);
  io.stdout(table(['SOURCE', 'SCOPE', 'RESULT', 'SEEN', 'NEW', 'CHANGED', 'PROBLEMS'], rows, (col, cell, padded) => (col === 2 && cell === 'FAILED' ? c.red(cell) + padded.slice(cell.length) : padded)));
  const problems = reports.flatMap((r) => r.problems.map((p) => `  ${printable(r.scope)}: ${printable(p)}`));
  if (problems.length > 0) io.stdout(`\nproblems:\n${problems.join('\n')}\n`);
  const seen = reports.reduce((n, r) => n + r.seen, 0);
  io.stdout(`\n${seen.toString()} certificate(s) seen in ${reports.length.toString()} scope(s)${failed > 0 ? `, ${c.red(`${failed.toString()} failed`)}` : ''}\n`);
  return failed > 0 ? EXIT.failure : EXIT.ok;
}

/** `certflow report --html FILE`: the inventory as one self-contained page. */
export async function reportCommand(ctx: CommandContext): Promise<number> {
  const out = stringOption(ctx, 'html');
  if (!out) throw new CertflowError(ErrorCodes.INPUT_INVALID, "report needs --html FILE (see 'certflow report --help')");
  const weeksText = stringOption(ctx, 'weeks');
  const weeks = weeksText === undefined ? 26 : Number(weeksText);
  if (!Number.isInteger(weeks) || weeks < 1 || weeks > 104) throw new CertflowError(ErrorCodes.INPUT_INVALID, '--weeks must be a whole number from 1 to 104');
  const report = await withRuntime(ctx.io, runtimeOptions(ctx), 'read', (rt) => buildInventoryReport(rt.deps)({ weeks }));
  const path = resolve(ctx.io.cwd, out);
  writeFileSync(path, renderHtmlReport(report), { mode: 0o644 });
  ctx.io.stdout(`${printable(path)}: ${report.totals.certificates.toString()} certificate(s), ${report.totals.expired.toString()} expired, ${report.totals.expiringWithin30Days.toString()} within 30 days, ${report.totals.withProblems.toString()} with problems\n`);
  return EXIT.ok;
}
