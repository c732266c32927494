import { renewCertificates } from '../../app/renew-certificate.use-case.js';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import { EXIT } from '../io.js';
import { runtimeOptions, flag, identity, stringOption, type CommandContext } from '../context.js';
import { withRuntime } from '../runtime.js';

/** `certflow renew <certificate>|--all [--reason TEXT] --as WHO`: a new revision now, policy applying. */
export async function renewCommand(ctx: CommandContext): Promise<number> {
  const all = flag(ctx, 'all');
  if (all === ctx.positionals.length > 0 || ctx.positionals.length > 1) {
    throw new CertflowError(ErrorCodes.INPUT_INVALID, `certflow renew takes one certificate or --all (see 'certflow renew --help')`);
  }
  const requester = identity(ctx, 'renew');
  const reason = stringOption(ctx, 'reason');
  const { outcomes, events } = await withRuntime(ctx.io, runtimeOptions(ctx, { mustExist: !all }), 'write', async (rt) => {
    const wanted = all ? rt.config.certificates : rt.config.certificates.filter((c) => c.spec.id === ctx.positionals[0]);
    if (wanted.length === 0) {
      const id = ctx.positionals[0] ?? '';
      throw new CertflowError(ErrorCodes.CERTIFICATE_UNKNOWN, `'${id}' is not a managed certificate in ${rt.config.configPath}`, { context: { certificateId: id } });
    }
    const result = await renewCertificates(rt.deps)(wanted, requester, reason);
    for (const n of rt.notifications) ctx.io.stderr(`[${n.severity}] ${n.title}: ${n.text}\n`);
    return result;
  });
  let failed = false;
  for (const o of outcomes) {
    const why = reason ? ` [${reason}]` : '';
    if (o.refused) {
      failed = true;
      ctx.io.stderr(`certflow: ${o.refused.code}: ${o.refused.message}\n`);
    } else if (o.issue?.status === 'issued') {
      ctx.io.stdout(`renew     ${o.certificateId} r${o.issue.revision.toString()} issued, serial ${o.issue.serialNumber} (${o.request?.id ?? ''})${why}\n`);
    } else if (o.issue?.status === 'failed') {
      failed = true;
      ctx.io.stdout(`renew     ${o.certificateId} FAILED ${o.issue.code}: ${o.issue.message}${o.issue.retryable ? ' (the next run retries)' : ''}${why}\n`);
    } else if (o.issue) {
      ctx.io.stdout(`renew     ${o.certificateId}: ${o.issue.status} (${o.request?.id ?? ''}); the next run carries on${why}\n`);
    } else if (o.request) {
      const r = o.request;
      ctx.io.stdout(
        r.state === 'pending_approval'
          ? `renew     ${o.certificateId}: ${r.id} waits for ${r.requiredApprovals.toString()} approval(s); approve with: certflow approve ${r.id} --as <approver>${why}\n`
          : `renew     ${o.certificateId}: ${r.id} ${r.state}${r.decision ? ` (${r.decision.reason})` : ''}${why}\n`,
      );
    }
  }
  ctx.io.stdout(`events    ${events.published.toString()} published\n`);
  return failed ? EXIT.failure : EXIT.ok;
}
