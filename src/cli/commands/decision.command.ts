import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import { decideRequest } from '../../app/decide-request.use-case.js';
import { requestCertificate } from '../../app/request-certificate.use-case.js';
import { EXIT, parseCommand, parseNow, type CliIo } from '../io.js';
import { GLOBAL_OPTIONS, resolveRequest, withRuntime } from '../context.js';

const IDENTITY = { as: { type: 'string' }, comment: { type: 'string' } } as const;

function identity(value: string | undefined, env: CliIo['env'], what: string): string {
  const who = value ?? env['CERTFLOW_USER'];
  if (!who || who.trim() === '') throw new CertflowError(ErrorCodes.INPUT_INVALID, `${what} needs an identity: pass --as <name> (or set CERTFLOW_USER)`);
  return who.trim();
}

/** `certflow approve|deny <request|certificate> --as <approver>`. */
export function decisionCommand(verdict: 'approve' | 'deny') {
  return async (args: string[], io: CliIo): Promise<number> => {
    const { values, positionals } = parseCommand(args, { options: { ...GLOBAL_OPTIONS, ...IDENTITY } });
    const ref = positionals[0];
    if (!ref) {
      io.stderr(`usage: certflow ${verdict} <request|certificate> --as <approver> [--comment TEXT]\n`);
      return EXIT.usage;
    }
    const approver = identity(values.as, io.env, verdict);
    const request = await withRuntime(io, values.config, parseNow(values.now), async (rt) => {
      const target = await resolveRequest(rt, ref);
      return decideRequest(rt.deps)({ requestId: target.id, approver, verdict, ...(values.comment ? { comment: values.comment } : {}) });
    });
    const progress = request.decision
      ? `decision written: ${request.decision.outcome} (${request.decision.reason})`
      : `vote recorded: ${request.votes.filter((v) => v.verdict === 'approve').length.toString()} of ${request.requiredApprovals.toString()} approvals`;
    io.stdout(`${request.id} (${request.certificateId}): ${progress}\n`);
    return EXIT.ok;
  };
}

/** `certflow request <certificate> --as <requester>`: ask for a new revision now. */
export async function requestCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, { options: { ...GLOBAL_OPTIONS, as: { type: 'string' } } });
  const id = positionals[0];
  if (!id) {
    io.stderr('usage: certflow request <certificate> --as <requester>\n');
    return EXIT.usage;
  }
  const requester = identity(values.as, io.env, 'request');
  const request = await withRuntime(io, values.config, parseNow(values.now), async (rt) => {
    const managed = rt.config.certificates.find((c) => c.spec.id === id);
    if (!managed) {
      throw new CertflowError(ErrorCodes.CERTIFICATE_UNKNOWN, `'${id}' is not a managed certificate in ${rt.config.configPath}`, { context: { certificateId: id } });
    }
    return requestCertificate(rt.deps)({ certificate: managed, requester });
  });
  io.stdout(`${request.id} (${request.certificateId} r${request.revision.toString()}): ${request.state}${request.decision ? ` (${request.decision.reason})` : ''}\n`);
  return EXIT.ok;
}
