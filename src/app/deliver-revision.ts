import { CertflowError, ErrorCodes, isCertflowError } from '../domain/errors/index.js';
import type { StoredItem } from '../ports/state-store.port.js';
import type { AppDeps } from './deps.js';
import { saveOver } from './persistence.js';
import { keys, type CertificateRecord, type RevisionRecord } from './records.js';

type Deps = Pick<AppDeps, 'state' | 'keys' | 'clock' | 'destinations'>;

export type DeliveryOutcome = { readonly ok: true } | { readonly ok: false; readonly error: CertflowError; readonly destination: string };

/**
 * The step after promotion: hands the promoted revision to each destination of the certificate,
 * in order, and records each delivery on the certificate record (ACM's ARN among them) before the
 * next. A destination already holding this version is skipped, so a resume after a crash
 * delivers only what is missing; delivering twice would be harmless anyway. A failure stops the
 * step and is returned: CURRENT stays where promotion put it.
 */
export async function deliverRevision(deps: Deps, revision: RevisionRecord): Promise<DeliveryOutcome> {
  const destinations = deps.destinations?.forCertificate(revision.certificateId) ?? [];
  if (destinations.length === 0) return { ok: true };
  const version = await deps.keys.getVersion(revision.secretName, { versionId: revision.secretVersionId });
  const certificatePem = version?.material.certificatePem;
  if (!version || certificatePem === undefined) {
    const error = new CertflowError(ErrorCodes.KEYSTORE_VERSION_UNKNOWN, `revision ${revision.revision.toString()} of ${revision.certificateId} is not in the key store`, {
      retryable: true,
      context: { certificateId: revision.certificateId, versionId: revision.secretVersionId },
    });
    return { ok: false, error, destination: destinations[0]?.name ?? '' };
  }
  for (const destination of destinations) {
    let meta = await deps.state.get<CertificateRecord>(keys.certificate(revision.certificateId));
    if (!meta) throw new CertflowError(ErrorCodes.CERTIFICATE_UNKNOWN, `no certificate ${revision.certificateId}`, { context: { certificateId: revision.certificateId } });
    // A newer revision took over: its own run delivers it.
    if (meta.data.revision !== revision.revision) return { ok: true };
    const recorded = meta.data.deliveries?.[destination.name];
    if (recorded?.versionId === revision.secretVersionId) continue;
    const resumed = recorded?.startedVersionId === revision.secretVersionId;
    // Note the attempt first: a destination told it is resumed looks for what a cut attempt left.
    if (!resumed) meta = await record(deps, meta, destination.name, { location: '', versionId: '', deliveredAt: new Date(0), ...recorded, startedVersionId: revision.secretVersionId });
    const previous = recorded && recorded.location !== '' ? { location: recorded.location, versionId: recorded.versionId, deliveredAt: recorded.deliveredAt } : undefined;
    try {
      const { location } = await destination.deliver({
        certificateId: revision.certificateId,
        revision: revision.revision,
        versionId: revision.secretVersionId,
        serialNumber: revision.facts.serialNumber,
        material: {
          certificatePem,
          chainPem: version.material.chainPem ?? '',
          ...(destination.needsPrivateKey ? { privateKeyPem: version.material.privateKeyPem } : {}),
        },
        ...(previous ? { previous } : {}),
        ...(resumed ? { resumed } : {}),
      });
      meta = await record(deps, meta, destination.name, { location, versionId: revision.secretVersionId, deliveredAt: deps.clock.now() });
    } catch (error) {
      // As elsewhere in the workflow: a bug or a dying process is not a delivery failure; it
      // propagates, the lease lapses, and the next run delivers again.
      if (!isCertflowError(error) || error.code === ErrorCodes.STATE_CONFLICT) throw error;
      return { ok: false, error, destination: destination.name };
    }
  }
  return { ok: true };
}

async function record(
  deps: Deps,
  meta: StoredItem<CertificateRecord>,
  name: string,
  delivered: NonNullable<CertificateRecord['deliveries']>[string],
): Promise<StoredItem<CertificateRecord>> {
  return saveOver(deps.state, meta, { ...meta.data, deliveries: { ...meta.data.deliveries, [name]: delivered } });
}
