import { ErrorCodes, isCertflowError } from '../domain/errors/index.js';
import type { CertificateRequest } from '../domain/request.js';
import type { AppDeps } from './deps.js';
import type { ManagedCertificateInput } from './plan-renewals.use-case.js';
import { requestCertificate } from './request-certificate.use-case.js';
import { issueCertificate, type IssueOutcome } from './issue-certificate.use-case.js';
import { publishPendingEvents, type PublishReport } from './publish-events.use-case.js';

export interface RenewOutcome {
  readonly certificateId: string;
  readonly request?: CertificateRequest;
  /** Issuance, when policy approved the request at once. */
  readonly issue?: IssueOutcome;
  /** Why nothing was requested (e.g. a request already in flight). */
  readonly refused?: { readonly code: string; readonly message: string };
}

/**
 * A new revision now: a manual request through the same policy as any other, issued at once
 * when the policy approves it (a request that needs people waits for them, as always).
 */
export function renewCertificates(deps: AppDeps) {
  const ask = requestCertificate(deps);
  const issue = issueCertificate(deps);
  const publish = publishPendingEvents(deps);
  return async (certificates: readonly ManagedCertificateInput[], requester: string, note?: string): Promise<{ outcomes: RenewOutcome[]; events: PublishReport }> => {
    const outcomes: RenewOutcome[] = [];
    for (const certificate of certificates) {
      const id = certificate.spec.id;
      let request: CertificateRequest;
      try {
        request = await ask({ certificate, requester, ...(note ? { note } : {}) });
      } catch (error) {
        if (isCertflowError(error) && error.code === ErrorCodes.REQUEST_IN_FLIGHT) {
          outcomes.push({ certificateId: id, refused: { code: error.code, message: error.message } });
          continue;
        }
        throw error;
      }
      if (request.state !== 'approved') {
        outcomes.push({ certificateId: id, request });
        continue;
      }
      const result = await issue(request.id).catch((error: unknown): IssueOutcome => {
        if (isCertflowError(error)) return { status: 'failed', requestId: request.id, code: error.code, message: error.message, retryable: error.retryable };
        throw error;
      });
      outcomes.push({ certificateId: id, request, issue: result });
    }
    return { outcomes, events: await publish() };
  };
}
