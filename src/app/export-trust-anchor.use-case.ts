import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import type { TrustAnchor } from '../ports/issuer.port.js';
import type { AppDeps } from './deps.js';

/**
 * The trust anchor a verifier (IAM Roles Anywhere) registers for an issuer's client certificates.
 * Reads only: a local CA that is gone is ISSUER.CA_MISSING, never a new CA (a new root would
 * trust nothing already issued, and nothing issued later would match the anchor registered).
 */
export function exportTrustAnchor(deps: Pick<AppDeps, 'issuers'>) {
  return async (issuerName: string): Promise<TrustAnchor & { readonly issuer: string; readonly issuerKind: string }> => {
    const issuer = deps.issuers.get(issuerName);
    if (!issuer.trustAnchor) {
      throw new CertflowError(
        ErrorCodes.TRUST_ANCHOR_UNSUPPORTED,
        `issuer '${issuerName}' (${issuer.kind}) has no trust anchor to export: only issuers of client certificates have one (local-ca, aws-private-ca)`,
        { context: { issuer: issuerName } },
      );
    }
    return { ...(await issuer.trustAnchor()), issuer: issuerName, issuerKind: issuer.kind };
  };
}
