import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { Value } from '@sinclair/typebox/value';
import { CertflowError, ErrorCodes, type ErrorContext } from '../../domain/errors/index.js';
import type { Clock } from '../../ports/clock.port.js';
import type { DnsProviderDirectory } from '../../ports/dns-provider.port.js';
import type { CertificateIssuer, IssuanceOrder, IssuerStep, RenewalInfo, RevocationRequest } from '../../ports/issuer.port.js';
import type { KeyStore } from '../../ports/key-store.port.js';
import { fromProblem, toAcmeError, type AcmeProblem } from './acme.errors.js';
import { optionsSchema, type AcmeOptions } from './acme.options.js';
import { AcmeSessions } from './acme.account.js';
import type { AcmeSession, AcmeModule } from './acme.session.js';
import { ariCertId, askRenewalInfo } from './ari.js';
import { downloadCertificate } from './acme.download.js';
import type { AcmeAuthorization, AcmeHandle, AcmeOrder } from './acme.types.js';

export type { AcmeHandle } from './acme.types.js';
import { checkCaa, systemCaaLookup, type CaaLookup } from './caa.js';
import { DEFAULT_LIMITS, RateBudgets } from './rate-budget.js';
import type { StateStore } from '../../ports/state-store.port.js';

/** What an ACME issuer needs from its surroundings. */
export interface AcmeDeps {
  readonly clock: Clock;
  /** Holds the account key (created once per issuer) and, when configured so, the EAB HMAC key. */
  readonly keys: KeyStore;
  readonly dnsProviders?: DnsProviderDirectory;
  /** Loads acme-client; a test may hand in another loader. */
  readonly loadAcme?: () => Promise<AcmeModule>;
  /** CAA lookups for the pre-check; the system resolver by default. */
  readonly caaLookup?: CaaLookup;
  /** Where rate-limit budgets are kept so they hold across processes; none without it. */
  readonly state?: StateStore;
}

const MAX_TRANSIENT = 8;
const MAX_ROUNDS = 8;
const POLL_CAP_MS = 30_000;

function isHandle(value: Readonly<Record<string, unknown>>): value is Readonly<Record<string, unknown>> & AcmeHandle {
  return typeof value['orderUrl'] === 'string' && ['authorize', 'propagating', 'validating'].includes(String(value['stage']));
}

/**
 * An RFC 8555 CA through acme-client: certflow's CSR is finalized (the key never leaves the key
 * store), DNS-01 goes through a `DnsProvider`, and every wait (DNS propagation, validation,
 * processing, Retry-After) is a `pending` step. The order URL is checkpointed on the request as
 * soon as the order exists, so a re-run resumes that order and never places a second one.
 */
export class AcmeIssuer implements CertificateIssuer {
  readonly kind = 'acme';
  readonly needsPrivateKey = false;
  readonly revokesWithCertificateKey = true;
  private readonly sessions: AcmeSessions;
  private readonly budgets: RateBudgets | undefined;

  constructor(
    private readonly deps: AcmeDeps,
    readonly name: string,
    private readonly options: AcmeOptions,
  ) {
    if (!Value.Check(optionsSchema, options)) {
      const details = [...Value.Errors(optionsSchema, options)].map((e) => `${e.path || '/'}: ${e.message}`);
      throw new CertflowError(ErrorCodes.CONFIG_INVALID, `invalid options for ACME issuer ${name}`, { context: { issuer: name }, details });
    }
    this.sessions = new AcmeSessions(deps, name, options);
    this.budgets = deps.state ? new RateBudgets(deps.state, name, { ...DEFAULT_LIMITS, ...options.rateLimits }) : undefined;
  }

  async submit(order: IssuanceOrder): Promise<IssuerStep> {
    const context = this.context(order);
    try {
      const session = await this.sessions.account();
      this.checkProfile(session);
      const identifiers = [
        ...order.spec.names.dns.map((value) => ({ type: 'dns', value })),
        ...order.spec.names.ip.map((value) => ({ type: 'ip', value })),
      ];
      if (order.spec.names.uri.length > 0 || (order.spec.names.email?.length ?? 0) > 0 || identifiers.length === 0) {
        return failed(new CertflowError(ErrorCodes.ISSUER_REJECTED, 'ACME certificates carry DNS names and IP addresses only', { context }));
      }
      const caaIdentities = this.options.caaIdentities ?? session.directory.meta?.caaIdentities ?? [];
      if (this.options.caaCheck !== false && caaIdentities.length > 0) {
        await checkCaa(order.spec.names.dns, caaIdentities, this.deps.caaLookup ?? systemCaaLookup(), context);
      }
      const now = this.deps.clock.now();
      await this.budgets?.checkFailedValidations(identifiers.map((i) => i.value), now, context);
      await this.budgets?.checkDuplicate(identifiers.map((i) => i.value), now, context);
      await this.budgets?.takeNewOrder(now, context);
      const replaces = await this.replaces(session, order);
      const payload = { identifiers, ...(this.options.profile ? { profile: this.options.profile } : {}), ...(replaces ? { replaces } : {}) };
      const created = await session.post<AcmeOrder>(session.directory.newOrder, payload, context);
      if (created.status !== 201 || !created.location) return failed(fromProblem(created.data as unknown as AcmeProblem, 'new order refused', context));
      const handle: AcmeHandle = { orderUrl: created.location, stage: 'authorize', polls: 0, transient: 0 };
      // Without a checkpoint, returning is the only way to record the order: do that first.
      if (!order.checkpoint) return this.pending(handle, this.deps.clock.now());
      await order.checkpoint(handle as unknown as Readonly<Record<string, unknown>>);
      return await this.advance(order, handle, created.data);
    } catch (error) {
      return failed(toAcmeError(error, 'ACME order failed', context));
    }
  }

  async resume(order: IssuanceOrder, raw: Readonly<Record<string, unknown>>): Promise<IssuerStep> {
    const context = this.context(order);
    if (!isHandle(raw)) return failed(new CertflowError(ErrorCodes.ISSUER_REJECTED, 'the ACME issuer handle is not one it wrote', { context }));
    try {
      return await this.advance(order, raw);
    } catch (error) {
      return failed(toAcmeError(error, 'ACME order failed', { ...context, orderUrl: raw.orderUrl }));
    }
  }

  async trustAnchorsPem(): Promise<string> {
    if (this.options.trustAnchorsFile) return readFile(this.options.trustAnchorsFile, 'utf8');
    return rootCertificates.join('\n');
  }

  /**
   * RFC 8555 §7.6. Signed with the certificate's own key when the caller hands it over (a JWS with
   * that key's JWK: proof of control, whichever account ordered it), else with the account key.
   */
  async revoke(request: RevocationRequest): Promise<void> {
    const context: ErrorContext = { issuer: this.name, certificateId: request.certificateId };
    const session = request.privateKeyPem ? await this.sessions.withKey(request.privateKeyPem) : await this.sessions.account();
    const url = session.directory.revokeCert;
    if (!url) throw new CertflowError(ErrorCodes.ISSUER_REJECTED, 'this ACME directory offers no revokeCert', { context });
    const der = new X509Certificate(request.certificatePem).raw.toString('base64url');
    const payload = { certificate: der, reason: request.reason };
    const response = request.privateKeyPem ? await session.postWithJwk(url, payload, context) : await session.post(url, payload, context);
    if (response.status !== 200) {
      const problem = response.data as AcmeProblem;
      if (problem.type?.endsWith(':alreadyRevoked')) return;
      throw fromProblem(problem, 'revocation refused', context);
    }
  }

  /** RFC 9773 renewal information (see askRenewalInfo), asked without the account. */
  async renewalInfo(certificatePem: string, random: () => number = Math.random): Promise<RenewalInfo | undefined> {
    return askRenewalInfo(await this.sessions.anonymous(), certificatePem, this.deps.clock.now(), random, { issuer: this.name });
  }

  /** The account URL once registered (for logs and tests; not a secret). */
  accountUrl(): Promise<string> {
    return this.sessions.accountUrl();
  }

  private context(order: IssuanceOrder): ErrorContext {
    return { issuer: this.name, certificateId: order.certificateId, orderId: order.orderId };
  }

  private checkProfile(session: AcmeSession): void {
    const profile = this.options.profile;
    if (profile === undefined) return;
    const offered = session.directory.meta?.profiles ?? {};
    if (!(profile in offered)) {
      throw new CertflowError(ErrorCodes.ACME_PROFILE_UNKNOWN, `the ACME directory offers no profile "${profile}" (offered: ${Object.keys(offered).join(', ') || 'none'})`, {
        context: { issuer: this.name },
      });
    }
  }

  /** ARI: a renewal names the certificate it replaces, when the CA supports renewalInfo. */
  private async replaces(session: AcmeSession, order: IssuanceOrder): Promise<string | undefined> {
    if (!session.directory.renewalInfo || !order.replacedCertificatePem) return undefined;
    const pem = await order.replacedCertificatePem();
    if (!pem) return undefined;
    try {
      return ariCertId(pem);
    } catch {
      return undefined;
    }
  }

  private dns(context: ErrorContext) {
    const name = this.options.dnsProvider;
    if (!name || !this.deps.dnsProviders) {
      throw new CertflowError(ErrorCodes.CONFIG_INVALID, `ACME issuer ${this.name} needs DNS-01 but has no dnsProvider`, { context });
    }
    return this.deps.dnsProviders.get(name);
  }

  private pending(handle: AcmeHandle, at: Date): IssuerStep {
    return { status: 'pending', handle: handle as unknown as Readonly<Record<string, unknown>>, resumeAfter: at };
  }

  /** The next poll: at once, then pollMs growing 1.5 times per poll, capped; a Retry-After the CA sent wins. */
  private poll(handle: AcmeHandle, retryAfter?: Date): IssuerStep {
    const now = this.deps.clock.now();
    const maxPolls = this.options.maxPolls ?? 60;
    if (handle.polls >= maxPolls) {
      throw new CertflowError(ErrorCodes.ISSUER_UNAVAILABLE, `ACME order still not done after ${maxPolls.toString()} polls`, {
        retryable: true,
        context: { issuer: this.name, orderUrl: handle.orderUrl },
      });
    }
    // The first look comes at once (a fast CA is often done by then), later ones spaced out.
    const wait = handle.polls === 0 ? 0 : Math.min((this.options.pollMs ?? 100) * 1.5 ** Math.min(handle.polls - 1, 16), POLL_CAP_MS);
    const at = retryAfter && retryAfter.getTime() > now.getTime() ? retryAfter : new Date(now.getTime() + wait);
    return this.pending({ ...handle, polls: handle.polls + 1 }, at);
  }

  /**
   * Moves the order on as far as it can without waiting. Transient trouble (network, 5xx,
   * rateLimited, DNS throttling) keeps the order: a `pending` retry, up to MAX_TRANSIENT in a row.
   */
  private async advance(order: IssuanceOrder, start: AcmeHandle, known?: AcmeOrder): Promise<IssuerStep> {
    const context: ErrorContext = { ...this.context(order), orderUrl: start.orderUrl };
    let handle = start;
    try {
      const session = await this.sessions.account();
      let current = known;
      let rechecked = false;
      for (let round = 0; round < MAX_ROUNDS; round++) {
        if (!current) {
          const fetched = await session.post<AcmeOrder>(handle.orderUrl, null, context);
          if (fetched.status !== 200) throw fromProblem(fetched.data as unknown as AcmeProblem, 'order lookup failed', context);
          current = fetched.data;
        }
        switch (current.status) {
          case 'invalid':
            await this.cleanup(handle, context);
            return failed(await this.whyInvalid(session, current, context));
          case 'valid': {
            if (!current.certificate) throw new CertflowError(ErrorCodes.ISSUER_UNAVAILABLE, 'valid order without a certificate URL', { retryable: true, context });
            const certificate = await downloadCertificate(session, current.certificate, this.options.preferredChain, context);
            await this.cleanup(handle, context);
            await this.budgets?.recordIssued([...order.spec.names.dns, ...order.spec.names.ip], this.deps.clock.now());
            return { status: 'issued', certificate };
          }
          case 'processing':
            return this.poll(handle);
          case 'ready': {
            await this.cleanup(handle, context);
            handle = { ...handle, records: [] };
            const finalized = await session.post<AcmeOrder>(current.finalize, { csr: pemBodyB64u(order.csrPem) }, context);
            if (finalized.status === 200) {
              current = finalized.data;
              // One look at once (no wait): a fast CA has often issued by then.
              if (current.status === 'processing' && !rechecked) {
                rechecked = true;
                current = undefined;
                continue;
              }
              if (current.status === 'processing') return this.poll(handle, finalized.retryAfter);
              continue;
            }
            const problem = finalized.data as unknown as AcmeProblem;
            // Finalized by an earlier attempt whose answer was lost: the order's status tells.
            if (problem.type?.endsWith(':orderNotReady')) {
              current = undefined;
              continue;
            }
            throw fromProblem(problem, 'finalization refused', context);
          }
          case 'pending': {
            const step = await this.authorize(session, order, handle, current, context);
            if ('status' in step) return step;
            handle = step.handle;
            current = undefined;
            continue;
          }
        }
      }
      return this.poll(handle);
    } catch (error) {
      const mapped = toAcmeError(error, 'ACME order failed', context);
      if (mapped.retryable && handle.transient < MAX_TRANSIENT) {
        const now = this.deps.clock.now();
        const backoff = Math.min(1000 * 2 ** handle.transient, POLL_CAP_MS);
        return this.pending({ ...handle, transient: handle.transient + 1 }, new Date(now.getTime() + backoff));
      }
      if (!mapped.retryable) await this.cleanup(handle, context).catch(() => undefined);
      return failed(mapped);
    }
  }

  /** Authorizations of a pending order: valid ones need nothing; pending ones get DNS-01 once, then polls. */
  private async authorize(
    session: AcmeSession,
    order: IssuanceOrder,
    start: AcmeHandle,
    current: AcmeOrder,
    context: ErrorContext,
  ): Promise<IssuerStep | { handle: AcmeHandle }> {
    let handle = start;
    const authzs = await Promise.all(
      current.authorizations.map(async (url) => {
        const r = await session.post<AcmeAuthorization>(url, null, context);
        if (r.status !== 200) throw fromProblem(r.data as unknown as AcmeProblem, 'authorization lookup failed', context);
        return { url, ...r.data, retryAfter: r.retryAfter };
      }),
    );
    const broken = authzs.find((a) => a.status !== 'valid' && a.status !== 'pending');
    if (broken) return { handle }; // the order turns invalid; its next read fails the request with the reason
    const waiting = authzs.filter((a) => a.status === 'pending');
    if (waiting.length === 0) return { handle }; // all valid: the order moves to ready
    const challenges = waiting.map((a) => {
      const challenge = a.challenges.find((c) => c.type === 'dns-01');
      if (!challenge) {
        throw new CertflowError(ErrorCodes.ACME_VALIDATION_FAILED, `the CA offers no dns-01 challenge for ${a.identifier.value}`, { context });
      }
      return { authz: a, challenge };
    });
    if (handle.stage === 'authorize') {
      const thumbprint = createHash('sha256').update(JSON.stringify(session.jwk())).digest('base64url');
      const records = challenges.map(({ authz, challenge }) => ({
        name: `_acme-challenge.${authz.identifier.value.replace(/^\*\./, '')}`,
        value: createHash('sha256').update(`${challenge.token}.${thumbprint}`).digest('base64url'),
      }));
      const change = await this.dns(context).publish(records);
      handle = { ...handle, stage: 'propagating', change, records, polls: 0 };
      await order.checkpoint?.(handle as unknown as Readonly<Record<string, unknown>>);
    }
    if (handle.stage === 'propagating') {
      if (handle.change && !(await this.dns(context).isPropagated(handle.change))) return this.poll(handle);
      for (const { challenge } of challenges) {
        if (challenge.status !== 'pending') continue;
        const answered = await session.post(challenge.url, {}, context);
        if (answered.status !== 200) throw fromProblem(answered.data as unknown as AcmeProblem, 'challenge refused', context);
      }
      // The caller looks at the order once more at once (no wait) before polling.
      return { handle: { ...handle, stage: 'validating', polls: 0 } };
    }
    const retryAfter = waiting.map((a) => a.retryAfter).find((d) => d !== undefined);
    return this.poll(handle, retryAfter);
  }

  private async whyInvalid(session: AcmeSession, current: AcmeOrder, context: ErrorContext): Promise<CertflowError> {
    for (const url of current.authorizations) {
      const r = await session.post<AcmeAuthorization>(url, null, context).catch(() => undefined);
      const failedChallenge = r?.data.challenges?.find((c) => c.status === 'invalid' && c.error);
      if (failedChallenge?.error && r) await this.budgets?.recordFailedValidation(r.data.identifier.value, this.deps.clock.now());
      if (failedChallenge?.error) return fromProblem(failedChallenge.error, `validation of ${r?.data.identifier.value ?? 'an identifier'} failed`, context);
    }
    if (current.error) return fromProblem(current.error, 'order invalid', context);
    return new CertflowError(ErrorCodes.ACME_ORDER_INVALID, 'the ACME order turned invalid', { retryable: true, context });
  }

  /** Removes this order's TXT records (idempotent), so none is left behind whatever the outcome. */
  private async cleanup(handle: AcmeHandle, context: ErrorContext): Promise<void> {
    if (!handle.records?.length) return;
    await this.dns(context).remove(handle.records);
  }
}

function failed(error: CertflowError): IssuerStep {
  return { status: 'failed', error };
}

function pemBodyB64u(pem: string): string {
  const body = pem.replace(/-----(BEGIN|END)[^-]+-----/g, '').replace(/\s+/g, '');
  return Buffer.from(body, 'base64').toString('base64url');
}
