import { X509Certificate } from 'node:crypto';
import type { ACMClient, KeyAlgorithm } from '@aws-sdk/client-acm';
import { CertflowError, ErrorCodes, type ErrorContext } from '../../../domain/errors/index.js';
import type { Delivery, Destination } from '../../../ports/destination.port.js';
import { awsErrorName } from '../secrets-manager/secrets-manager.errors.js';
import type { AcmOptions } from './acm.options.js';

/** The SDK loads on first use, so a bundle (the CLI's) that never reaches this adapter starts without it. */
const sdk = () => import('@aws-sdk/client-acm');

const REFUSED = new Set([
  'ValidationException', 'InvalidParameterException', 'InvalidArnException', 'InvalidTagException', 'TagPolicyException', 'TooManyTagsException',
  'AccessDeniedException', 'LimitExceededException',
]);
/** ListCertificates returns only RSA_2048 certificates unless asked for every key type. */
const ALL_KEY_TYPES: KeyAlgorithm[] = ['RSA_1024', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1', 'EC_secp521r1'];
const THROTTLED = new Set(['ThrottlingException', 'TooManyRequestsException', 'Throttling']);

/** "0c:a1:..." or "0CA1..." to one spelling. */
export function sameSerial(a: string | undefined, b: string): boolean {
  const norm = (s: string) => s.replace(/[^0-9a-fA-F]/g, '').replace(/^0+/, '').toUpperCase();
  return a !== undefined && norm(a) === norm(b);
}

/**
 * At most one ImportCertificate per second per region in this process (ACM's quota is per
 * account and region; concurrent Lambda workers rely on the SDK's retries and the workflow's).
 */
export class ImportPacer {
  private readonly last = new Map<string, number>();
  constructor(
    private readonly now: () => number = () => Date.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async wait(region: string, intervalMs: number): Promise<void> {
    for (;;) {
      const due = (this.last.get(region) ?? -Infinity) + intervalMs;
      const now = this.now();
      if (now >= due) {
        this.last.set(region, now);
        return;
      }
      await this.sleep(due - now);
    }
  }
}

export const sharedPacer = new ImportPacer();

export interface AcmDestinationDeps {
  readonly client: ACMClient;
  readonly region: string;
  readonly pacer?: ImportPacer;
}

/**
 * Delivers into ACM for load balancers and CloudFront, as Lemur's ACM destination: the first
 * delivery imports with tags; later ones re-import into the same ARN (kept on the certificate
 * record), without tags, which ACM refuses on a re-import. DescribeCertificate confirms the new
 * serial. A re-import ACM refuses (e.g. another key algorithm) is DESTINATION.REJECTED, and the
 * key store's CURRENT stays where it is.
 */
export class AcmDestination implements Destination {
  readonly kind = 'acm';
  readonly needsPrivateKey = true;

  constructor(
    private readonly deps: AcmDestinationDeps,
    readonly name: string,
    private readonly options: AcmOptions,
  ) {}

  async deliver(delivery: Delivery): Promise<{ location: string }> {
    const context: ErrorContext = { destination: this.name, certificateId: delivery.certificateId, region: this.deps.region };
    let arn = delivery.previous?.location;
    if (arn !== undefined) {
      const serial = await this.serialOf(arn, context);
      // Already there (a delivery repeated after a crash): nothing to do.
      if (sameSerial(serial ?? undefined, delivery.serialNumber)) return { location: arn };
      // The ARN is gone (deleted by hand): import afresh, with tags, and keep the new ARN.
      if (serial === null) arn = undefined;
    }
    // A first import cut by a crash before its ARN was recorded: an imported certificate with
    // this serial is that import; take it instead of importing twice. (Only then: the search
    // walks every certificate of the region.)
    if (arn === undefined && delivery.resumed === true) arn = await this.findImported(delivery, context);
    if (arn !== undefined && delivery.previous?.location !== arn) return { location: arn };
    const key = delivery.material.privateKeyPem;
    if (key === undefined) throw new CertflowError(ErrorCodes.DESTINATION_REJECTED, `destination ${this.name} needs the private key`, { context });
    const tags = Object.entries(this.options.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    const encode = (text: string) => new TextEncoder().encode(text);
    await (this.deps.pacer ?? sharedPacer).wait(this.deps.region, this.options.minIntervalMs ?? 1_000);
    let imported: string | undefined;
    try {
      const out = await this.deps.client.send(
        new (await sdk()).ImportCertificateCommand({
          Certificate: encode(delivery.material.certificatePem),
          PrivateKey: encode(key),
          ...(delivery.material.chainPem.trim() === '' ? {} : { CertificateChain: encode(delivery.material.chainPem) }),
          ...(arn !== undefined ? { CertificateArn: arn } : tags.length > 0 ? { Tags: tags } : {}),
        }),
      );
      imported = out.CertificateArn;
    } catch (error) {
      throw this.error(error, arn === undefined ? 'ImportCertificate' : 'ImportCertificate (re-import)', { ...context, ...(arn ? { certificateArn: arn } : {}) });
    }
    if (imported === undefined) throw new CertflowError(ErrorCodes.DESTINATION_UNAVAILABLE, 'ACM ImportCertificate returned no ARN', { retryable: true, context });
    const serial = await this.serialOf(imported, context);
    if (!sameSerial(serial ?? undefined, delivery.serialNumber)) {
      throw new CertflowError(ErrorCodes.DESTINATION_UNAVAILABLE, `ACM does not show serial ${delivery.serialNumber} on ${imported} yet`, {
        retryable: true,
        context: { ...context, certificateArn: imported },
      });
    }
    return { location: imported };
  }

  /** An imported certificate carrying this delivery's serial (one page walk, first deliveries only). */
  private async findImported(delivery: Delivery, context: ErrorContext): Promise<string | undefined> {
    const cert = new X509Certificate(delivery.material.certificatePem);
    const names = new Set((cert.subjectAltName ?? '').split(', ').map((n) => n.replace(/^DNS:/, '')).concat(/CN=([^\n,]+)/.exec(cert.subject)?.[1] ?? []));
    let nextToken: string | undefined;
    try {
      do {
        const page = await this.deps.client.send(new (await sdk()).ListCertificatesCommand({ Includes: { keyTypes: ALL_KEY_TYPES }, ...(nextToken ? { NextToken: nextToken } : {}) }));
        for (const summary of page.CertificateSummaryList ?? []) {
          if (summary.Type !== 'IMPORTED' || summary.CertificateArn === undefined || !names.has(summary.DomainName ?? '')) continue;
          if (sameSerial((await this.serialOf(summary.CertificateArn, context)) ?? undefined, delivery.serialNumber)) return summary.CertificateArn;
        }
        nextToken = page.NextToken;
      } while (nextToken);
    } catch (error) {
      throw this.error(error, 'ListCertificates', context);
    }
    return undefined;
  }

  /** The serial ACM shows for `arn`, or null when there is no such certificate. */
  private async serialOf(arn: string, context: ErrorContext): Promise<string | null | undefined> {
    try {
      const out = await this.deps.client.send(new (await sdk()).DescribeCertificateCommand({ CertificateArn: arn }));
      return out.Certificate?.Serial;
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return null;
      throw this.error(error, 'DescribeCertificate', { ...context, certificateArn: arn });
    }
  }

  private error(error: unknown, operation: string, context: ErrorContext): CertflowError {
    const name = awsErrorName(error) ?? 'Error';
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    const ctx = { ...context, operation, awsError: name };
    if (THROTTLED.has(name)) return new CertflowError(ErrorCodes.DESTINATION_UNAVAILABLE, `ACM ${operation} throttled (${name})`, { retryable: true, context: ctx, cause: error });
    if (REFUSED.has(name)) {
      return new CertflowError(ErrorCodes.DESTINATION_REJECTED, `ACM refused ${operation} (${name}); the stored certificate stays CURRENT`, { context: ctx, cause: error });
    }
    return new CertflowError(ErrorCodes.DESTINATION_UNAVAILABLE, `ACM ${operation} failed (${name})`, { retryable: status === undefined || status >= 500, context: ctx, cause: error });
  }
}
