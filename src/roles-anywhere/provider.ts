import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import { systemClock, type Clock } from '../ports/clock.port.js';
import { createSession, type SessionCredentials } from './create-session.js';
import { loadIdentity, type KeySource } from './key-material.js';

export type RolesAnywhereOptions = KeySource & {
  readonly trustAnchorArn: string;
  readonly profileArn: string;
  readonly roleArn: string;
  /** Defaults to the trust anchor's region, as the credential helper does. */
  readonly region?: string;
  /** 900 to 43200; the profile's own duration applies when omitted. */
  readonly durationSeconds?: number;
  readonly roleSessionName?: string;
  /** Scheme and host (and port) only: a FIPS endpoint, another partition's, or a local stub. */
  readonly endpoint?: string;
  /** Per CreateSession call; default 10 s. */
  readonly timeoutMs?: number;
  /** Credentials are replaced this long before they expire; default 5 minutes, the SDK's own window. */
  readonly refreshBeforeExpiryMs?: number;
  /** Decides when cached credentials are due; signing always takes the system time, which the service checks. */
  readonly clock?: Clock;
  /** An HTTP client with fetch's shape (a proxy agent, a test hook); default the global fetch. */
  readonly fetch?: typeof globalThis.fetch;
};

/** The `AwsCredentialIdentity` shape of @smithy/types, written out so the entry needs no SDK package. */
export type RolesAnywhereCredentials = SessionCredentials;
/** Assignable to the AWS SDK v3 `AwsCredentialIdentityProvider`: pass it as a client's `credentials`. */
export type RolesAnywhereCredentialProvider = () => Promise<RolesAnywhereCredentials>;

const ARN = /^arn:aws[a-z-]*:([a-z0-9-]+):([a-z0-9-]*):(\d{12})?:(.+)$/;

function checkArn(problems: string[], name: string, value: unknown, service: string): RegExpExecArray | undefined {
  const match = typeof value === 'string' ? ARN.exec(value) : null;
  if (!match || match[1] !== service) problems.push(`/${name} is not an ARN of ${service}`);
  return match ?? undefined;
}

interface Settings {
  readonly region: string;
  readonly endpoint: URL;
}

/** Every problem at once, like config loading; ARNs are identifiers, safe to name. */
function settingsOf(options: RolesAnywhereOptions): Settings {
  const problems: string[] = [];
  const anchor = checkArn(problems, 'trustAnchorArn', options.trustAnchorArn, 'rolesanywhere');
  checkArn(problems, 'profileArn', options.profileArn, 'rolesanywhere');
  checkArn(problems, 'roleArn', options.roleArn, 'iam');
  const hasFiles = 'certificate' in options || 'privateKey' in options;
  const hasKeyStore = 'keyStore' in options;
  if (hasFiles && hasKeyStore) problems.push('/ give either certificate and privateKey, or keyStore and secretName, not both');
  if (!hasFiles && !hasKeyStore) problems.push('/ give either certificate and privateKey, or keyStore and secretName');
  if (hasFiles && (typeof options.certificate !== 'string' || typeof options.privateKey !== 'string')) {
    problems.push('/certificate and /privateKey must both be PEM text or file paths');
  }
  const region = options.region ?? anchor?.[2];
  if (!region || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) problems.push('/region is missing or not a region name');
  const { durationSeconds, timeoutMs, refreshBeforeExpiryMs } = options;
  if (durationSeconds !== undefined && !(Number.isInteger(durationSeconds) && durationSeconds >= 900 && durationSeconds <= 43_200)) {
    problems.push('/durationSeconds must be an integer from 900 to 43200');
  }
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) problems.push('/timeoutMs must be a positive integer');
  if (refreshBeforeExpiryMs !== undefined && !(Number.isInteger(refreshBeforeExpiryMs) && refreshBeforeExpiryMs >= 0)) {
    problems.push('/refreshBeforeExpiryMs must be a non-negative integer');
  }
  let endpoint: URL | undefined;
  try {
    const suffix = region?.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    endpoint = new URL(options.endpoint ?? `https://rolesanywhere.${region}.${suffix}`);
    // The signed path is the operation's own; a base path would be signed as something else.
    if (endpoint.pathname !== '/' || endpoint.search !== '' || !/^https?:$/.test(endpoint.protocol)) problems.push('/endpoint must be http(s)://host[:port] only');
  } catch {
    problems.push('/endpoint is not a URL');
  }
  if (problems.length > 0 || !region || !endpoint) {
    throw new CertflowError(ErrorCodes.CONFIG_INVALID, `Roles Anywhere credential provider options are invalid: ${problems.join('; ')}`, {
      details: problems,
    });
  }
  return { region, endpoint };
}

/**
 * An AWS SDK v3 credential provider backed by IAM Roles Anywhere CreateSession.
 *
 * Credentials are cached and replaced `refreshBeforeExpiryMs` before they expire; concurrent callers
 * share one CreateSession call. Each refresh reads the certificate and key again (the files, or the
 * key store's CURRENT version), so after a rotation the next session is signed by the new
 * certificate. Credentials obtained before a rotation stay valid until their own expiration.
 */
export function fromRolesAnywhere(options: RolesAnywhereOptions): RolesAnywhereCredentialProvider {
  const { region, endpoint } = settingsOf(options);
  const clock = options.clock ?? systemClock;
  const refreshBefore = options.refreshBeforeExpiryMs ?? 5 * 60_000;
  const input = {
    endpoint,
    region,
    trustAnchorArn: options.trustAnchorArn,
    profileArn: options.profileArn,
    roleArn: options.roleArn,
    ...(options.durationSeconds === undefined ? {} : { durationSeconds: options.durationSeconds }),
    ...(options.roleSessionName === undefined ? {} : { roleSessionName: options.roleSessionName }),
    timeoutMs: options.timeoutMs ?? 10_000,
    fetch: options.fetch ?? globalThis.fetch,
  };
  let cached: RolesAnywhereCredentials | undefined;
  let inFlight: Promise<RolesAnywhereCredentials> | undefined;

  const refresh = async (): Promise<RolesAnywhereCredentials> => {
    try {
      const identity = await loadIdentity(options);
      const fresh = Object.freeze({ ...(await createSession(identity, input, new Date())) });
      cached = fresh;
      return fresh;
    } catch (error) {
      // A failed early refresh does not take away credentials that still work: the caller gets
      // them and the next call tries again. Past expiration the failure is the answer.
      if (cached && clock.now().getTime() < cached.expiration.getTime()) return cached;
      throw error;
    }
  };

  return () => {
    if (cached && clock.now().getTime() < cached.expiration.getTime() - refreshBefore) return Promise.resolve(cached);
    inFlight ??= refresh().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
