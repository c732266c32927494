import { requestCertificate } from '../src/app/request-certificate.use-case.js';
import { CertflowError, ErrorCodes, isCertflowError } from '../src/domain/errors/index.js';
import { configuredRuntime } from './lib/cold-start.js';
import { lambdaHandler, logger } from './lib/lambda.js';

// Cold start: the configuration names which certificates exist and the policy that decides.
const { config, deps } = await configuredRuntime(process.env, 'request-intake');
const request = requestCertificate(deps);
const byId = new Map(config.certificates.map((c) => [c.spec.id, c]));

const MAX_BODY_BYTES = 4096;

/** API Gateway HTTP API (payload 2.0) with IAM authorization: the caller is an IAM principal. */
interface HttpRequest {
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
  readonly requestContext?: { readonly requestId?: string; readonly authorizer?: { readonly iam?: { readonly userArn?: string } } };
}

interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const STATUS: Readonly<Record<string, number>> = {
  [ErrorCodes.INPUT_INVALID]: 400,
  [ErrorCodes.CERTIFICATE_UNKNOWN]: 404,
  [ErrorCodes.REQUEST_IN_FLIGHT]: 409,
  [ErrorCodes.STATE_CONFLICT]: 409,
  [ErrorCodes.POLICY_DENIED]: 403,
};

/**
 * `POST /requests` `{ "certificateId": "api" }`: a team asks for a new revision of a configured
 * certificate now. Same validation and policy as `certflow request`; the requester is the caller's
 * IAM identity, so policy can keep them from approving it. Answers 202 with the request's id and
 * state; errors carry their code, and never echo the body.
 */
export const handler = lambdaHandler<HttpResponse>({
  fn: 'requestIntake',
  summarize: (r) => ({ status: r.statusCode }),
}).handler(async (event: unknown): Promise<HttpResponse> => {
  const http = event as HttpRequest;
  try {
    const requester = http.requestContext?.authorizer?.iam?.userArn;
    if (!requester) throw new CertflowError(ErrorCodes.INPUT_INVALID, 'the request carries no IAM identity (the route must use IAM authorization)');
    const { certificateId } = parseBody(http);
    const certificate = byId.get(certificateId);
    if (!certificate) throw new CertflowError(ErrorCodes.CERTIFICATE_UNKNOWN, `no configured certificate '${certificateId}'`, { context: { certificateId } });
    const r = await request({ certificate, requester });
    return json(202, { requestId: r.id, certificateId: r.certificateId, revision: r.revision, state: r.state });
  } catch (error) {
    if (!isCertflowError(error) || (error.retryable && error.code !== ErrorCodes.STATE_CONFLICT)) throw error;
    const status = STATUS[error.code] ?? 400;
    logger.info('request refused', { code: error.code, status });
    return json(status, { code: error.code, message: error.message });
  }
});

function parseBody(http: HttpRequest): { certificateId: string } {
  const raw = http.isBase64Encoded ? Buffer.from(http.body ?? '', 'base64').toString('utf8') : (http.body ?? '');
  if (raw.length === 0 || Buffer.byteLength(raw) > MAX_BODY_BYTES) throw new CertflowError(ErrorCodes.INPUT_INVALID, `the body must be JSON of at most ${MAX_BODY_BYTES.toString()} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new CertflowError(ErrorCodes.INPUT_INVALID, 'the body is not JSON');
  }
  const body = parsed as { certificateId?: unknown } | null;
  const keys = body && typeof body === 'object' ? Object.keys(body) : [];
  if (typeof body?.certificateId !== 'string' || !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(body.certificateId) || keys.some((k) => k !== 'certificateId')) {
    throw new CertflowError(ErrorCodes.INPUT_INVALID, 'the body must be { "certificateId": "<configured certificate id>" }');
  }
  return { certificateId: body.certificateId };
}

function json(statusCode: number, body: unknown): HttpResponse {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
