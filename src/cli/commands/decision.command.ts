import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import { decideRequest } from '../../app/decide-request.use-case.js';
import { requestCertificate } from '../../app/request-certificate.use-case.js';
import { findRequest } from '../../app/read-inventory.use-case.js';
import { EXIT } from '../io.js';
import { runtimeOptions, identity, onePositional, stringOption, type CommandContext } from '../context.js';
import { withRuntime } from '../runtime.js';

function decision(verdict: 'approve' | 'deny') {
  return async (ctx: CommandContext): Promise<number> => {
    const ref = onePositional(ctx, 'a request or certificate');
    const approver = identity(ctx, verdict);
    const comment = stringOption(ctx, 'comment');
    const request = await withRuntime(ctx.io, runtimeOptions(ctx, { mustExist: true }), 'write', async (rt) => {
      const target = await findRequest(rt.deps)(ref);
      return decideRequest(rt.deps)({ requestId: target.id, approver, verdict, ...(comment ? { comment } : {}) });
    });
    const progress = request.decision
      ? `decision written: ${request.decision.outcome} (${request.decision.reason})`
      : `vote recorded: ${request.votes.filter((v) => v.verdict === 'approve').length.toString()} of ${request.requiredApprovals.toString()} approvals`;
    ctx.io.stdout(`${request.id} (${request.certificateId}): ${progress}\n`);
    return EXIT.ok;
  };
}

/** `certflow approve <request|certificate> --as <approver>`. */
export const approveCommand = decision('approve');
/** `certflow deny <request|certificate> --as <approver>`. */
export const denyCommand = decision('deny');

/** `certflow request <certificate> --as <requester>`: ask for a new revision; the next run issues it. */
export async function requestCommand(ctx: CommandContext): Promise<number> {
  const id = onePositional(ctx, 'a certificate');
  const requester = identity(ctx, 'request');
  const request = await withRuntime(ctx.io, runtimeOptions(ctx), 'write', async (rt) => {
    const managed = rt.config.certificates.find((c) => c.spec.id === id);
    if (!managed) {
      throw new CertflowError(ErrorCodes.CERTIFICATE_UNKNOWN, `'${id}' is not a managed certificate in ${rt.config.configPath}`, { context: { certificateId: id } });
    }
    return requestCertificate(rt.deps)({ certificate: managed, requester });
  });
  ctx.io.stdout(`${request.id} (${request.certificateId} r${request.revision.toString()}): ${request.state}${request.decision ? ` (${request.decision.reason})` : ''}\n`);
  return EXIT.ok;
}
