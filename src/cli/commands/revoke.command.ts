import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import { isRevocationReason, revokeCertificate } from '../../app/revoke-certificate.use-case.js';
import { publishPendingEvents } from '../../app/publish-events.use-case.js';
import { REVOCATION_REASONS } from '../../ports/issuer.port.js';
import { EXIT, parseCommand, parseNow, type CliIo } from '../io.js';
import { GLOBAL_OPTIONS, withRuntime } from '../context.js';

/** `certflow revoke <certificate> --reason <RFC 5280 reason>`: revokes the CURRENT certificate at its issuer. */
export async function revokeCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, { options: { ...GLOBAL_OPTIONS, reason: { type: 'string' } } });
  const id = positionals[0];
  const reason = values.reason ?? 'unspecified';
  if (!id) {
    io.stderr(`usage: certflow revoke <certificate> [--reason ${Object.keys(REVOCATION_REASONS).join('|')}]\n`);
    return EXIT.usage;
  }
  if (!isRevocationReason(reason)) {
    throw new CertflowError(ErrorCodes.INPUT_INVALID, `unknown revocation reason '${reason}' (known: ${Object.keys(REVOCATION_REASONS).join(', ')})`);
  }
  const outcome = await withRuntime(io, values.config, parseNow(values.now), async (rt) => {
    const revoked = await revokeCertificate(rt.deps)(id, reason);
    await publishPendingEvents(rt.deps)();
    return revoked;
  });
  io.stdout(`revoked ${outcome.certificateId} serial ${outcome.serialNumber} (${outcome.reason}); it is no longer CURRENT\n`);
  return EXIT.ok;
}
