import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import { isClosed } from '../domain/request.js';
import type { CertificateRequest } from '../domain/request.js';
import type { AppDeps } from './deps.js';
import type { ManagedCertificateInput } from './plan-renewals.use-case.js';
import { keys, newManagedRecord } from './records.js';
import { createOnce } from './persistence.js';
import { submitRequest } from './submit-request.use-case.js';

export interface RequestCertificateCommand {
  readonly certificate: ManagedCertificateInput;
  readonly requester: string;
  /** Why, in the requester's words (kept with the request). */
  readonly note?: string;
}

/**
 * A person asks for a new revision now (e.g. suspected key compromise, or to ask again after a
 * denial). It goes through the same policy as planned renewals; one request in flight at a time.
 */
export function requestCertificate(deps: Pick<AppDeps, 'state' | 'clock' | 'policy'>) {
  const submit = submitRequest(deps);
  return async ({ certificate, requester, note }: RequestCertificateCommand): Promise<CertificateRequest> => {
    const { spec } = certificate;
    const now = deps.clock.now();
    const { item: meta } = await createOnce(deps.state, keys.certificate(spec.id), newManagedRecord(spec, now));
    const pendingId = meta.data.pendingRequestId;
    if (pendingId) {
      const pending = await deps.state.get<CertificateRequest>(keys.request(pendingId));
      const r = pending?.data;
      const open = r && !isClosed(r);
      if (open) {
        throw new CertflowError(ErrorCodes.REQUEST_IN_FLIGHT, `certificate ${spec.id} already has request ${pendingId} in flight (${r.state})`, {
          context: { certificateId: spec.id, requestId: pendingId },
        });
      }
    }
    const { request } = await submit({ spec, revision: meta.data.revision + 1, reason: 'manual', requester, attemptTag: now.toISOString(), ...(note ? { note } : {}) });
    const claimed = await deps.state.write({ key: meta, condition: { kind: 'version', version: meta.version }, data: { ...meta.data, pendingRequestId: request.id } });
    // A worker may have claimed (or even issued) it in between: that is the outcome asked for.
    const current = claimed.ok ? claimed.item.data : claimed.current?.data;
    if (!current || (current.pendingRequestId !== request.id && current.revision < request.revision)) {
      throw new CertflowError(ErrorCodes.STATE_CONFLICT, `certificate ${spec.id} changed while the request was filed; run the command again`, {
        retryable: true,
        context: { certificateId: spec.id, requestId: request.id },
      });
    }
    return request;
  };
}
