import type { ACMClient, CertificateSummary, ListCertificatesCommandInput } from '@aws-sdk/client-acm';
import { readCertificateFacts } from '../../../crypto/index.js';
import { CertflowError, ErrorCodes, isCertflowError } from '../../../domain/errors/index.js';
import type { AccountRef, AccountSource } from '../../../ports/account-source.port.js';
import type { CertificateSource, ObservedCertificate, ScanContext, ScopeScan, SourceScope } from '../../../ports/certificate-source.port.js';
import type { AwsClientFactory } from '../client-factory.js';
import type { AssumedRoles } from '../assume-role.js';
import { realTicker, type RateLimits, type Ticker } from '../token-bucket.js';
import { ACM_KEY_PAIR_ORIGINS, ACM_KEY_TYPES, acmTime, type AcmKeyType } from './acm-enums.js';

// Imported on the first scan, so a bundle that never scans ACM never loads its SDK.
const acmSdk = () => import('@aws-sdk/client-acm');
type AcmSdk = Awaited<ReturnType<typeof acmSdk>>;

/** ListCertificates' largest page. */
const PAGE_SIZE = 1000;
/** Bounds paging: 1,000 pages of 1,000 is far past ACM's per-region certificate quota. */
const MAX_PAGES = 1000;
/** Tries of one call under throttling, after the SDK's own adaptive retries. */
const THROTTLE_TRIES = 10;
const NO_CERTIFICATE_YET = new Set(['PENDING_VALIDATION', 'FAILED', 'VALIDATION_TIMED_OUT']);

export interface AcmSourceOptions {
  readonly name: string;
  readonly aws: AwsClientFactory;
  readonly accounts: readonly AccountSource[];
  readonly roles: AssumedRoles;
  readonly limits: RateLimits;
  /** Describe/Get calls in flight per account-region; the token buckets set the pace. */
  readonly describeConcurrency?: number;
  /** Tag whose value becomes the certificate's owner (one ListTagsForCertificate per new or changed certificate). */
  readonly ownerTag?: string;
  readonly ticker?: Ticker;
  /** Key types to list; default every one ACM knows. */
  readonly keyTypes?: readonly AcmKeyType[];
}

/** Counts of one source's work, for tests, the bench and metrics. */
export interface AcmSourceStats {
  listCalls: number;
  describeCalls: number;
  throttled: number;
  /** Throttles that outlasted every retry and reached the caller. */
  surfaced: number;
}

const scopeId = (account: string, region: string) => `acm:${account}:${region}`;

/**
 * Certificates in ACM, one scope per account-region. A sweep lists summaries (paged, every key type
 * and key-pair origin) and reads each certificate (DescribeCertificate, GetCertificate) only when
 * it is new or its summary changed since the last sweep. Every call waits on the token bucket of
 * its account, region and API; a throttle is retried, never surfaced while retries last.
 */
export class AcmSource implements CertificateSource {
  readonly name: string;
  readonly stats: AcmSourceStats = { listCalls: 0, describeCalls: 0, throttled: 0, surfaced: 0 };
  private readonly accountsByScope = new Map<string, AccountRef>();
  private readonly ticker: Ticker;

  constructor(private readonly options: AcmSourceOptions) {
    this.name = options.name;
    this.ticker = options.ticker ?? realTicker;
  }

  async listScopes(): Promise<SourceScope[]> {
    const scopes: SourceScope[] = [];
    for (const accounts of this.options.accounts) {
      let listed: AccountRef[];
      try {
        listed = await accounts.listAccounts();
      } catch (error) {
        // One account source failing leaves the others; its scope reports the failure.
        scopes.push({ id: `accounts:${accounts.name}`, description: `accounts of ${accounts.name} (${isCertflowError(error) ? error.code : 'unavailable'})` });
        continue;
      }
      for (const account of listed) {
        for (const region of account.regions) {
          const id = scopeId(account.accountId, region);
          if (this.accountsByScope.has(id) && scopes.some((s) => s.id === id)) continue;
          this.accountsByScope.set(id, account);
          scopes.push({ id, description: `ACM in ${account.name ?? account.accountId} ${region}`, account: account.accountId, region });
        }
      }
    }
    return scopes;
  }

  async scan(scope: SourceScope, context?: ScanContext): Promise<ScopeScan> {
    const account = this.accountsByScope.get(scope.id);
    if (!account || !scope.region) {
      return { scope, ok: false, code: ErrorCodes.SOURCE_ACCOUNTS_UNAVAILABLE, message: `${scope.description}: accounts could not be listed` };
    }
    try {
      return await this.scanRegion(scope, account, scope.region, context);
    } catch (error) {
      if (isCertflowError(error)) return { scope, ok: false, code: error.code, message: error.message };
      const name = (error as { name?: unknown } | undefined)?.name;
      return { scope, ok: false, code: ErrorCodes.SOURCE_UNAVAILABLE, message: `ACM in ${account.accountId} ${scope.region} failed (${typeof name === 'string' ? name : 'error'})` };
    }
  }

  private client(sdk: AcmSdk, account: AccountRef, region: string): ACMClient {
    const credentials = account.roleArn ? this.options.roles.provider(account.roleArn, account.externalId) : undefined;
    return this.options.aws.client(sdk.ACMClient, {
      region,
      ...(credentials ? { credentials, identity: account.roleArn } : {}),
      config: { retryMode: 'adaptive', maxAttempts: 3 },
    });
  }

  private async scanRegion(scope: SourceScope, account: AccountRef, region: string, context: ScanContext | undefined): Promise<ScopeScan> {
    // Assume the role up front: a role that cannot be assumed fails this scope with a clear code
    // before any ACM call; the credentials are cached and shared by the account's other regions.
    if (account.roleArn) await this.options.roles.credentials(account.roleArn, account.externalId);
    const sdk = await acmSdk();
    const client = this.client(sdk, account, region);
    const summaries = await this.listAll(sdk, client, account.accountId, region);
    const certificates: ObservedCertificate[] = [];
    const problems: string[] = [];
    const toRead: { summary: CertificateSummary; tag: string }[] = [];
    for (const summary of summaries) {
      const arn = summary.CertificateArn;
      if (!arn || NO_CERTIFICATE_YET.has(summary.Status ?? '')) continue;
      const tag = changeTag(summary);
      const known = await context?.known('acm', arn);
      if (known?.facts && known.changeTag === tag) {
        certificates.push({ origin: 'acm', locator: arn, facts: known.facts, changeTag: tag, ...(summary.InUse === undefined ? {} : { inUse: summary.InUse }) });
      } else {
        toRead.push({ summary, tag });
      }
    }
    const limit = Math.max(1, this.options.describeConcurrency ?? 16);
    let next = 0;
    const worker = async () => {
      while (next < toRead.length) {
        const item = toRead[next++] as { summary: CertificateSummary; tag: string };
        const read = await this.readOne(sdk, client, account.accountId, region, item.summary, item.tag);
        if ('problem' in read) problems.push(read.problem);
        else certificates.push(read.certificate);
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, toRead.length) }, worker));
    certificates.sort((a, b) => a.locator.localeCompare(b.locator));
    return { scope, ok: true, certificates, problems };
  }

  private async listAll(sdk: AcmSdk, client: ACMClient, account: string, region: string): Promise<CertificateSummary[]> {
    const all: CertificateSummary[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const input: ListCertificatesCommandInput = {
        Includes: { keyTypes: [...(this.options.keyTypes ?? ACM_KEY_TYPES)] },
        CertificateKeyPairOrigins: [...ACM_KEY_PAIR_ORIGINS],
        MaxItems: PAGE_SIZE,
        ...(token ? { NextToken: token } : {}),
      };
      const out = await this.call(account, region, 'ListCertificates', () => client.send(new sdk.ListCertificatesCommand(input)));
      this.stats.listCalls++;
      all.push(...(out.CertificateSummaryList ?? []));
      if (!out.NextToken) return all;
      token = out.NextToken;
    }
    throw new CertflowError(ErrorCodes.SOURCE_UNAVAILABLE, `ListCertificates in ${account} ${region} did not end after ${MAX_PAGES.toString()} pages`);
  }

  private async readOne(
    sdk: AcmSdk,
    client: ACMClient,
    account: string,
    region: string,
    summary: CertificateSummary,
    tag: string,
  ): Promise<{ certificate: ObservedCertificate } | { problem: string }> {
    const arn = summary.CertificateArn as string;
    const [described, body, tags] = await Promise.all([
      this.call(account, region, 'DescribeCertificate', () => client.send(new sdk.DescribeCertificateCommand({ CertificateArn: arn }))),
      this.call(account, region, 'GetCertificate', () => client.send(new sdk.GetCertificateCommand({ CertificateArn: arn }))).catch((error: unknown) => {
        if (isCertflowError(error)) throw error;
        return { error };
      }),
      this.options.ownerTag
        ? this.call(account, region, 'ListTagsForCertificate', () => client.send(new sdk.ListTagsForCertificateCommand({ CertificateArn: arn })))
        : Promise.resolve(undefined),
    ]);
    this.stats.describeCalls++;
    const detail = described.Certificate;
    if (!detail || 'error' in body || !body.Certificate) {
      return { problem: `${arn}: certificate body not available (status ${detail?.Status ?? summary.Status ?? 'unknown'})` };
    }
    let facts;
    try {
      facts = readCertificateFacts(body.Certificate);
    } catch {
      return { problem: `${arn}: ACM returned a certificate certflow cannot read` };
    }
    const owner = this.options.ownerTag ? tags?.Tags?.find((t) => t.Key === this.options.ownerTag)?.Value : undefined;
    const inUse = detail.InUseBy ? detail.InUseBy.length > 0 : summary.InUse;
    const problems = detail.Status && detail.Status !== 'ISSUED' ? [`ACM status ${detail.Status}`] : [];
    return {
      certificate: {
        origin: 'acm',
        locator: arn,
        facts,
        changeTag: tag,
        ...(inUse === undefined ? {} : { inUse }),
        ...(owner ? { owner } : {}),
        ...(problems.length > 0 ? { problems } : {}),
      },
    };
  }

  /** One call paced by its bucket; throttles slow the bucket and retry with backoff. */
  private async call<T>(account: string, region: string, api: string, send: () => Promise<T>): Promise<T> {
    const bucket = this.options.limits.bucket(account, region, api);
    for (let attempt = 1; ; attempt++) {
      await bucket.take();
      try {
        return await send();
      } catch (error) {
        if (!isThrottle(error)) throw error;
        this.stats.throttled++;
        bucket.penalize();
        if (attempt >= THROTTLE_TRIES) {
          this.stats.surfaced++;
          throw new CertflowError(ErrorCodes.SOURCE_UNAVAILABLE, `${api} in ${account} ${region} stayed throttled`, { retryable: true, cause: error });
        }
        const backoff = Math.min(5000, 100 * 2 ** (attempt - 1));
        await this.ticker.sleep(backoff / 2 + Math.random() * (backoff / 2));
      }
    }
  }
}

/** What in a summary changes when the certificate does: renewal, re-import, revocation, expiry. */
export function changeTag(s: CertificateSummary): string {
  const t = (v: unknown) => acmTime(v)?.getTime().toString() ?? '';
  return [s.Status ?? '', t(s.NotBefore), t(s.NotAfter), t(s.IssuedAt), t(s.ImportedAt), t(s.RevokedAt)].join('|');
}

export function isThrottle(error: unknown): boolean {
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: number } } | undefined;
  const name = typeof e?.name === 'string' ? e.name : '';
  return (
    name === 'ThrottlingException' ||
    name === 'Throttling' ||
    name === 'TooManyRequestsException' ||
    name === 'RequestLimitExceeded' ||
    e?.$metadata?.httpStatusCode === 429
  );
}
