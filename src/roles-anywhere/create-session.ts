/**
 * One CreateSession call: `POST /sessions` with a JSON body, signed by sign-request.ts.
 *
 * Request and response shapes from the user guide's "IAM Roles Anywhere CreateSession API" page
 * (authentication-create-session.html): the body carries durationSeconds, profileArn, roleArn,
 * trustAnchorArn and, optionally, roleSessionName ("accepted as URI parameters or as JSON in the
 * request body"; the credential helper's generated client puts the ARNs in the query, the page's
 * examples in the body, which we follow); the answer is 201 with
 * `{ credentialSet: [{ credentials: { accessKeyId, secretAccessKey, sessionToken, expiration }, ... }], subjectArn }`,
 * expiration an ISO 8601 timestamp (the helper reads credentialSet[0].credentials).
 */
import { CertflowError, ErrorCodes, redact } from '../domain/errors/index.js';
import { signRequest, type SigningIdentity } from './sign-request.js';

export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export interface CreateSessionInput {
  readonly endpoint: URL;
  readonly region: string;
  readonly trustAnchorArn: string;
  readonly profileArn: string;
  readonly roleArn: string;
  readonly durationSeconds?: number;
  readonly roleSessionName?: string;
  readonly timeoutMs: number;
  readonly fetch: typeof globalThis.fetch;
}

const SERVER_MESSAGE_LIMIT = 300;

/** The service's own words for a refusal, bounded and scrubbed: they reach logs. */
async function serverMessageOf(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.json()) as { message?: unknown; Message?: unknown };
    const message = body.message ?? body.Message;
    return typeof message === 'string' ? redact(message).slice(0, SERVER_MESSAGE_LIMIT) : undefined;
  } catch {
    return undefined;
  }
}

const invalid = (what: string): CertflowError =>
  // Never quote the body: it holds the secret access key and the session token.
  new CertflowError(ErrorCodes.ROLES_ANYWHERE_RESPONSE_INVALID, `CreateSession answered without ${what}`);

function credentialsOf(body: unknown): SessionCredentials {
  const set = (body as { credentialSet?: unknown } | null)?.credentialSet;
  if (!Array.isArray(set) || set.length === 0) throw invalid('a credential set');
  const credentials = (set[0] as { credentials?: unknown } | null)?.credentials as Record<string, unknown> | null | undefined;
  if (typeof credentials !== 'object' || credentials === null) throw invalid('credentials');
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = credentials;
  for (const [name, value] of Object.entries({ accessKeyId, secretAccessKey, sessionToken, expiration })) {
    if (typeof value !== 'string' || value === '') throw invalid(name);
  }
  const expiresAt = new Date(expiration as string);
  if (Number.isNaN(expiresAt.getTime())) throw invalid('a valid expiration');
  return { accessKeyId: accessKeyId as string, secretAccessKey: secretAccessKey as string, sessionToken: sessionToken as string, expiration: expiresAt };
}

/** Calls CreateSession once; `at` is the signing time (the real clock). */
export async function createSession(identity: SigningIdentity, input: CreateSessionInput, at: Date): Promise<SessionCredentials> {
  const body = JSON.stringify({
    ...(input.durationSeconds === undefined ? {} : { durationSeconds: input.durationSeconds }),
    profileArn: input.profileArn,
    roleArn: input.roleArn,
    trustAnchorArn: input.trustAnchorArn,
    ...(input.roleSessionName === undefined ? {} : { roleSessionName: input.roleSessionName }),
  });
  const path = '/sessions';
  const headers = signRequest(identity, { origin: input.endpoint, path, body, contentType: 'application/json' }, input.region, at);
  const context = { endpoint: input.endpoint.origin, serialNumber: identity.serialNumber };

  let response: Response;
  try {
    // A redirect is answered, not followed: the signed request (certificate attached) goes to the configured endpoint only.
    response = await input.fetch(new URL(path, input.endpoint), { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(input.timeoutMs) });
  } catch (error) {
    const timedOut = (error as { name?: string } | null)?.name === 'TimeoutError';
    throw new CertflowError(
      ErrorCodes.ROLES_ANYWHERE_UNAVAILABLE,
      timedOut ? `CreateSession did not answer within ${input.timeoutMs} ms` : 'CreateSession could not be reached',
      { retryable: true, context, cause: error },
    );
  }

  if (response.status === 429 || response.status >= 500) {
    await response.body?.cancel();
    throw new CertflowError(ErrorCodes.ROLES_ANYWHERE_UNAVAILABLE, `CreateSession answered ${response.status}`, {
      retryable: true,
      context: { ...context, status: response.status },
    });
  }
  if (response.status < 200 || response.status >= 300) {
    // 403 is a refused signature, chain, anchor, profile or role (3xx, 400 and 404 are no better): the same request fails again.
    const errorType = response.headers.get('x-amzn-errortype')?.split(':')[0];
    const serverMessage = await serverMessageOf(response);
    throw new CertflowError(ErrorCodes.ROLES_ANYWHERE_REFUSED, `CreateSession refused the request (${response.status}${errorType ? ` ${errorType}` : ''})`, {
      context: { ...context, status: response.status, errorType, serverMessage },
    });
  }

  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    throw invalid('a JSON body');
  }
  return credentialsOf(parsed);
}
