import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import { isRevocationReason, revokeCertificate } from '../../app/revoke-certificate.use-case.js';
import { publishPendingEvents } from '../../app/publish-events.use-case.js';
import { REVOCATION_REASONS } from '../../ports/issuer.port.js';
import { EXIT } from '../io.js';
import { flag, onePositional, runtimeOptions, stringOption, type CommandContext } from '../context.js';
import { withRuntime } from '../runtime.js';

/** `certflow revoke <certificate> --reason <RFC 5280 reason>`: revokes the CURRENT certificate at its issuer. */
export async function revokeCommand(ctx: CommandContext): Promise<number> {
  const id = onePositional(ctx, 'a certificate');
  const reason = stringOption(ctx, 'reason') ?? 'unspecified';
  if (!isRevocationReason(reason)) {
    throw new CertflowError(ErrorCodes.INPUT_INVALID, `unknown revocation reason '${reason}' (known: ${Object.keys(REVOCATION_REASONS).join(', ')})`);
  }
  if (flag(ctx, 'replace') && flag(ctx, 'no-replace')) throw new CertflowError(ErrorCodes.INPUT_INVALID, 'give --replace or --no-replace, not both');
  const replace = flag(ctx, 'replace') ? true : flag(ctx, 'no-replace') ? false : undefined;
  const outcome = await withRuntime(ctx.io, runtimeOptions(ctx, { mustExist: true }), 'write', async (rt) => {
    const revoked = await revokeCertificate(rt.deps)(id, reason, replace === undefined ? {} : { replace });
    await publishPendingEvents(rt.deps)();
    return revoked;
  });
  const where = outcome.currentKept ? 'the key store keeps it CURRENT until a replacement is promoted' : 'it is no longer CURRENT';
  const next = outcome.replace ? 'the next run issues a replacement' : `no replacement will be issued (run 'certflow renew ${outcome.certificateId} --as <you>' to get one)`;
  ctx.io.stdout(`revoked ${outcome.certificateId} serial ${outcome.serialNumber} (${outcome.reason}); ${where}; ${next}\n`);
  return EXIT.ok;
}
