import { Agent } from 'node:https';
import { createSecureContext, rootCertificates } from 'node:tls';
import type { ErrorContext } from '../../domain/errors/index.js';
import { fromProblem, toAcmeError, type AcmeProblem } from './acme.errors.js';

/** The parts of acme-client (5.x) certflow uses; loaded lazily so bundles without ACME never carry it. */
export interface AcmeModule {
  Client: new (opts: {
    directoryUrl: string;
    accountKey: string;
    externalAccountBinding?: { kid: string; hmacKey: string };
  }) => unknown;
  axios: { defaults: { httpsAgent?: unknown; acmeSettings?: { retryMaxAttempts: number } } };
}

/** acme-client's HTTP layer, reached below its Client so certflow sees status, headers and problem documents. */
interface InternalHttp {
  request(url: string, method: 'get'): Promise<RawResponse>;
  getDirectory(): Promise<AcmeDirectory>;
  getResourceUrl(resource: string): Promise<string>;
  signedRequest(url: string, payload: unknown, opts: { kid?: string | null; nonce?: string | null; includeExternalAccountBinding?: boolean }): Promise<RawResponse>;
  getJwk(): Record<string, string>;
}
interface InternalClient {
  api: { http: InternalHttp; accountUrl: string | null };
}
interface RawResponse {
  status: number;
  data: unknown;
  headers: Record<string, string | undefined>;
}

export interface AcmeDirectory {
  readonly newOrder: string;
  readonly revokeCert?: string;
  readonly renewalInfo?: string;
  readonly meta?: { readonly externalAccountRequired?: boolean; readonly profiles?: Readonly<Record<string, string>>; readonly caaIdentities?: readonly string[] };
}

export interface AcmeResponse<T> {
  readonly status: number;
  readonly data: T;
  readonly location?: string;
  readonly retryAfter?: Date;
  readonly link?: string;
}

let configured = false;
const extraCas = new Set<string>();

/**
 * acme-client's axios instance is process-wide: its built-in retry sleeps (up to 5 × 5 s on 5xx
 * and 429) are turned off, since certflow turns every wait into a `pending` step; extra CAs for
 * private ACME servers are added to one keep-alive agent.
 */
function configure(mod: AcmeModule, caPem: string | undefined): void {
  if (caPem) extraCas.add(caPem);
  if (configured && !caPem) return;
  configured = true;
  if (mod.axios.defaults.acmeSettings) mod.axios.defaults.acmeSettings.retryMaxAttempts = 0;
  // One secure context for every connection: a `ca` list in the agent's options would have each
  // new connection parse the whole root bundle again (~100 ms apiece).
  const secureContext = extraCas.size > 0 ? createSecureContext({ ca: [...rootCertificates, ...extraCas] }) : undefined;
  mod.axios.defaults.httpsAgent = new Agent({ keepAlive: true, ...(secureContext ? { secureContext } : {}) });
}

export function parseRetryAfter(value: string | undefined, now: Date): Date | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return new Date(now.getTime() + seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at);
}

/**
 * One registered ACME account: signs requests with the account key and keeps the Replay-Nonce of
 * each response for the next request (acme-client asks newNonce before every request).
 */
export class AcmeSession {
  private readonly nonces: string[] = [];

  private constructor(
    private readonly client: InternalClient,
    readonly directory: AcmeDirectory,
    private readonly now: () => Date,
  ) {}

  static async open(
    mod: AcmeModule,
    options: {
      directoryUrl: string;
      accountKeyPem: string;
      eab?: { kid: string; hmacKey: string };
      contact?: readonly string[];
      termsOfServiceAgreed: boolean;
      caPem?: string;
      now: () => Date;
      context: ErrorContext;
    },
  ): Promise<AcmeSession> {
    const session = await AcmeSession.withoutAccount(mod, options);
    // newAccount is idempotent for a key: an existing account answers 200 with its URL.
    const url = await session.resource('newAccount', options.context);
    const payload = { termsOfServiceAgreed: options.termsOfServiceAgreed, ...(options.contact?.length ? { contact: options.contact } : {}) };
    const response = await session.raw(url, payload, { kid: null, includeExternalAccountBinding: Boolean(options.eab) }, options.context);
    if ((response.status !== 200 && response.status !== 201) || !response.location) {
      throw fromProblem(response.data as AcmeProblem, 'account registration refused', options.context);
    }
    session.client.api.accountUrl = response.location;
    return session;
  }

  /** A session on the directory that registers no account (revocation with a certificate's key). */
  static async withoutAccount(
    mod: AcmeModule,
    options: { directoryUrl: string; accountKeyPem: string; eab?: { kid: string; hmacKey: string }; caPem?: string; now: () => Date; context: ErrorContext },
  ): Promise<AcmeSession> {
    configure(mod, options.caPem);
    const client = new mod.Client({
      directoryUrl: options.directoryUrl,
      accountKey: options.accountKeyPem,
      ...(options.eab ? { externalAccountBinding: options.eab } : {}),
    }) as InternalClient;
    let directory: AcmeDirectory;
    try {
      directory = await client.api.http.getDirectory();
    } catch (error) {
      throw toAcmeError(error, 'ACME directory unavailable', options.context);
    }
    return new AcmeSession(client, directory, options.now);
  }

  /** A signed POST carrying the key's JWK instead of an account kid. */
  postWithJwk<T>(url: string, payload: unknown, context: ErrorContext): Promise<AcmeResponse<T>> {
    return this.raw<T>(url, payload, { kid: null }, context);
  }

  get accountUrl(): string {
    return this.client.api.accountUrl ?? '';
  }

  /** RFC 8555 §8.1 key authorization digest of a dns-01 token. */
  jwk(): Record<string, string> {
    return this.client.api.http.getJwk();
  }

  async resource(name: string, context: ErrorContext): Promise<string> {
    try {
      return await this.client.api.http.getResourceUrl(name);
    } catch (error) {
      throw toAcmeError(error, `ACME directory has no ${name}`, context);
    }
  }

  /** An unauthenticated GET (RFC 9773 renewalInfo). Non-2xx is returned, not thrown. */
  async get<T>(url: string, context: ErrorContext): Promise<AcmeResponse<T>> {
    let response: RawResponse;
    try {
      response = await this.client.api.http.request(url, 'get');
    } catch (error) {
      throw toAcmeError(error, `ACME request to ${new URL(url).pathname} failed`, context);
    }
    const retryAfter = parseRetryAfter(response.headers['retry-after'], this.now());
    return { status: response.status, data: response.data as T, ...(retryAfter ? { retryAfter } : {}) };
  }

  /** A signed POST (payload null = POST-as-GET) with the account's kid. Non-2xx is returned, not thrown. */
  post<T>(url: string, payload: unknown, context: ErrorContext): Promise<AcmeResponse<T>> {
    return this.raw<T>(url, payload, { kid: this.client.api.accountUrl }, context);
  }

  private async raw<T>(url: string, payload: unknown, opts: { kid: string | null; includeExternalAccountBinding?: boolean }, context: ErrorContext): Promise<AcmeResponse<T>> {
    let response: RawResponse;
    try {
      response = await this.client.api.http.signedRequest(url, payload, { ...opts, nonce: this.nonces.pop() ?? null });
    } catch (error) {
      throw toAcmeError(error, `ACME request to ${new URL(url).pathname} failed`, context);
    }
    const nonce = response.headers['replay-nonce'];
    if (nonce && this.nonces.length < 64) this.nonces.push(nonce);
    const retryAfter = parseRetryAfter(response.headers['retry-after'], this.now());
    return {
      status: response.status,
      data: response.data as T,
      ...(response.headers['location'] ? { location: response.headers['location'] } : {}),
      ...(retryAfter ? { retryAfter } : {}),
      ...(response.headers['link'] ? { link: response.headers['link'] } : {}),
    };
  }
}
