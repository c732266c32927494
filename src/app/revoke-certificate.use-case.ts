import { CertflowError, ErrorCodes, isCertflowError } from '../domain/errors/index.js';
import { lifecycleEvent } from '../domain/events/catalogue.js';
import { REVOCATION_REASONS, type RevocationReason } from '../ports/issuer.port.js';
import type { AppDeps } from './deps.js';
import { keys, renewalIndexOf, type CertificateRecord } from './records.js';
import { saveOver } from './persistence.js';

export type RevocationReasonName = keyof typeof REVOCATION_REASONS;

export function isRevocationReason(name: string): name is RevocationReasonName {
  return Object.hasOwn(REVOCATION_REASONS, name);
}

/**
 * Reasons that say the certificate itself is no longer wanted (the service is gone, the right
 * to it withdrawn, or it is only on hold): the planner does not replace it. Every other reason
 * (a compromised key, superseded, unspecified) gets a replacement at the next plan.
 */
const NOT_REPLACED: ReadonlySet<RevocationReasonName> = new Set(['cessationOfOperation', 'privilegeWithdrawn', 'certificateHold', 'removeFromCRL']);

export function replacedByDefault(reason: RevocationReasonName): boolean {
  return !NOT_REPLACED.has(reason);
}

export interface RevokeOutcome {
  readonly certificateId: string;
  readonly serialNumber: string;
  readonly reason: RevocationReasonName;
  /** True when the next plan issues a replacement. */
  readonly replace: boolean;
  /**
   * True when the key store keeps the revoked version CURRENT (Secrets Manager: AWSCURRENT can only
   * move, never be removed) until a replacement is promoted: ask for one with `certflow renew`.
   */
  readonly currentKept: boolean;
}

/**
 * Revokes a certificate's CURRENT version at the issuer that signed it, then takes the CURRENT
 * label off that version (the key store keeps the version) and records `Certificate Revoked`
 * with the certificate, in one write. Re-running after a crash converges: issuers treat a second
 * revocation as done, and the event's key names the serial.
 */
export function revokeCertificate(deps: Pick<AppDeps, 'state' | 'keys' | 'issuers' | 'clock'>) {
  return async (certificateId: string, reason: RevocationReasonName, options: { readonly replace?: boolean } = {}): Promise<RevokeOutcome> => {
    const replace = options.replace ?? replacedByDefault(reason);
    const context = { certificateId };
    const meta = await deps.state.get<CertificateRecord>(keys.certificate(certificateId));
    if (!meta) throw new CertflowError(ErrorCodes.CERTIFICATE_UNKNOWN, `no certificate ${certificateId}`, { context });
    const { secretName, spec, current: facts } = meta.data;
    const version = secretName ? await deps.keys.getVersion(secretName, { label: 'CURRENT' }) : undefined;
    const certificatePem = version?.material.certificatePem;
    if (!secretName || !spec || !facts || !certificatePem) {
      throw new CertflowError(ErrorCodes.INPUT_INVALID, `certificate ${certificateId} has no current certificate certflow issued`, { context });
    }
    const code: RevocationReason = REVOCATION_REASONS[reason];
    const issuer = deps.issuers.get(spec.issuer.name);
    const privateKeyPem = issuer.revokesWithCertificateKey ? version.material.privateKeyPem : undefined;
    await issuer.revoke({ certificateId, certificatePem, reason: code, ...(privateKeyPem ? { privateKeyPem } : {}) });
    let currentKept = false;
    try {
      await deps.keys.removeLabel(secretName, 'CURRENT');
    } catch (error) {
      // A store where CURRENT can only move (Secrets Manager) keeps the revoked version until its
      // replacement is promoted; the revocation itself is done and is recorded all the same.
      if (!isCertflowError(error) || error.code !== ErrorCodes.KEYSTORE_LABEL_PROTECTED) throw error;
      currentKept = true;
    }
    const event = lifecycleEvent(
      'Certificate Revoked',
      { occurredAt: deps.clock.now().toISOString(), certificateId, serialNumber: facts.serialNumber, reason },
      `cert:${certificateId}:revoked:${facts.serialNumber}`,
    );
    const record: CertificateRecord = { ...meta.data, revoked: { serialNumber: facts.serialNumber, reason, at: deps.clock.now(), replace } };
    await saveOver(deps.state, meta, record, { ...renewalIndexOf(record), events: [event] });
    return { certificateId, serialNumber: facts.serialNumber, reason, replace, currentKept };
  };
}
