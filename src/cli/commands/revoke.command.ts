import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import { isRevocationReason, revokeCertificate } from '../../app/revoke-certificate.use-case.js';
import { publishPendingEvents } from '../../app/publish-events.use-case.js';
import { REVOCATION_REASONS } from '../../ports/issuer.port.js';
import { EXIT } from '../io.js';
import { onePositional, runtimeOptions, stringOption, type CommandContext } from '../context.js';
import { withRuntime } from '../runtime.js';

/** `certflow revoke <certificate> --reason <RFC 5280 reason>`: revokes the CURRENT certificate at its issuer. */
export async function revokeCommand(ctx: CommandContext): Promise<number> {
  const id = onePositional(ctx, 'a certificate');
  const reason = stringOption(ctx, 'reason') ?? 'unspecified';
  if (!isRevocationReason(reason)) {
    throw new CertflowError(ErrorCodes.INPUT_INVALID, `unknown revocation reason '${reason}' (known: ${Object.keys(REVOCATION_REASONS).join(', ')})`);
  }
  const outcome = await withRuntime(ctx.io, runtimeOptions(ctx, { mustExist: true }), 'write', async (rt) => {
    const revoked = await revokeCertificate(rt.deps)(id, reason);
    await publishPendingEvents(rt.deps)();
    return revoked;
  });
  ctx.io.stdout(
    outcome.currentKept
      ? `revoked ${outcome.certificateId} serial ${outcome.serialNumber} (${outcome.reason}); the key store keeps it CURRENT until a replacement is promoted: run 'certflow renew ${outcome.certificateId} --as <you>'\n`
      : `revoked ${outcome.certificateId} serial ${outcome.serialNumber} (${outcome.reason}); it is no longer CURRENT\n`,
  );
  return EXIT.ok;
}
