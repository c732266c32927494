import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import type { AppDeps } from './deps.js';
import { Inventory } from './stores.js';

export interface ExportedBundle {
  readonly certificatePem: string;
  readonly chainPem: string;
  readonly privateKeyPem: string;
  /** The issuer's trust anchors, for `openssl verify -CAfile`; empty when the issuer has none to give. */
  readonly rootPem: string;
  readonly versionId: string;
}

/** The CURRENT version of a managed certificate, whole (certificate, chain and key of one version), with its issuer's root. */
export function exportCertificate(deps: Pick<AppDeps, 'state' | 'keys' | 'issuers'>) {
  const inventory = new Inventory(deps.state);
  return async (id: string): Promise<ExportedBundle> => {
    const item = await inventory.get(id);
    if (!item) throw new CertflowError(ErrorCodes.CERTIFICATE_UNKNOWN, `no certificate '${id}' in the inventory (see 'certflow ls')`, { context: { certificateId: id } });
    const record = item.data;
    const version = record.secretName ? await deps.keys.getVersion(record.secretName, { label: 'CURRENT' }) : undefined;
    const m = version?.material;
    if (!version || !m?.certificatePem || m.chainPem === undefined) {
      throw new CertflowError(ErrorCodes.EXPORT_NOT_ISSUED, `certificate '${id}' has no issued version to export`, { context: { certificateId: id } });
    }
    const issuerName = record.spec?.issuer.name;
    const rootPem = issuerName ? await deps.issuers.get(issuerName).trustAnchorsPem() : '';
    return { certificatePem: m.certificatePem, chainPem: m.chainPem, privateKeyPem: m.privateKeyPem, rootPem, versionId: version.versionId };
  };
}
