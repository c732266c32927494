import { createHash, X509Certificate } from 'node:crypto';
import type { ACMPCAClient, IssueCertificateCommandInput, RevocationReason as PcaRevocationReason, SigningAlgorithm } from '@aws-sdk/client-acm-pca';
import { CertflowError, ErrorCodes, type ErrorContext } from '../../../domain/errors/index.js';
import { emailsOf, usageOf, validityMsOf, type CertificateSpec, type CertificateUsage } from '../../../domain/certificate.js';
import type { Clock } from '../../../ports/clock.port.js';
import type { CertificateIssuer, IssuanceOrder, IssuerStep, RevocationReason, RevocationRequest, TrustAnchor } from '../../../ports/issuer.port.js';
import { awsErrorName } from '../secrets-manager/secrets-manager.errors.js';
import { privateCaError } from './private-ca.errors.js';
import type { PrivateCaOptions } from './private-ca.options.js';

/** The SDK loads on first use, so a bundle (the CLI's) that never reaches this adapter starts without it. */
const sdk = () => import('@aws-sdk/client-acm-pca');

/** IssueCertificate's idempotency token lives five minutes (API reference); the handle outlives it. */
export const IDEMPOTENCY_TOKEN_LIFETIME_MS = 5 * 60_000;
/** First wait before GetCertificate; Private CA usually signs within a second or two. */
const FIRST_POLL_MS = 2_000;
const MAX_POLL_MS = 60_000;

/** The handle recorded on the request before anything else: the certificate's ARN. */
export interface PrivateCaHandle {
  readonly certificateArn: string;
  readonly certificateAuthorityArn: string;
  readonly polls: number;
}

/** RFC 5280 CRLReason codes to Private CA's names; Private CA has no hold (6) nor removeFromCRL (8). */
const REASONS: Readonly<Partial<Record<RevocationReason, PcaRevocationReason>>> = {
  0: 'UNSPECIFIED',
  1: 'KEY_COMPROMISE',
  2: 'CERTIFICATE_AUTHORITY_COMPROMISE',
  3: 'AFFILIATION_CHANGED',
  4: 'SUPERSEDED',
  5: 'CESSATION_OF_OPERATION',
  9: 'PRIVILEGE_WITHDRAWN',
  10: 'A_A_COMPROMISE',
};

export interface PrivateCaDeps {
  readonly client: ACMPCAClient;
  readonly clock: Clock;
}

/** The token for an order: the same order always sends the same token (at most 36 characters). */
export function idempotencyTokenOf(caArn: string, orderId: string): string {
  return createHash('sha256').update(`${caArn}\n${orderId}`).digest('hex').slice(0, 32);
}

/** Private CA wants the serial as colon-separated hex pairs. */
export function pcaSerial(hex: string): string {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '').toLowerCase();
  const even = clean.length % 2 === 0 ? clean : `0${clean}`;
  return even.match(/../g)?.join(':') ?? '';
}

/**
 * Private CA's end-entity templates by usage (template definitions, AWS Private CA User Guide):
 * EndEntityServerAuthCertificate sets serverAuth (KU digitalSignature, keyEncipherment),
 * EndEntityClientAuthCertificate sets clientAuth (KU digitalSignature), EndEntityCertificate both.
 * The `_APIPassthrough` variant of each takes the SANs from the API, which URI SANs need.
 */
const TEMPLATES: Readonly<Record<CertificateUsage, string>> = {
  server: 'EndEntityServerAuthCertificate',
  client: 'EndEntityClientAuthCertificate',
  both: 'EndEntityCertificate',
};

/** The template ARN for a usage, with or without API passthrough, in the CA's partition. */
export function templateArnFor(partition: string, usage: CertificateUsage, passthrough: boolean): string {
  return `arn:${partition}:acm-pca:::template/${TEMPLATES[usage]}${passthrough ? '_APIPassthrough' : ''}/V1`;
}

function splitPem(pem: string | undefined): string[] {
  return (pem ?? '').match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

function isSelfSigned(pem: string): boolean {
  const cert = new X509Certificate(pem);
  return cert.subject === cert.issuer && cert.checkIssued(cert);
}

/**
 * Issuer on AWS Private CA (as cert-manager's aws-privateca-issuer): IssueCertificate with the
 * order's CSR, an idempotency token derived from the order, and the configured template; the
 * certificate ARN comes back as a `pending` handle the use case records before anything else,
 * and GetCertificate is asked only on resume (RequestInProgressException: still pending). A
 * resume never calls IssueCertificate again, so a retry after the token's five minutes never
 * issues twice.
 */
export class PrivateCaIssuer implements CertificateIssuer {
  readonly kind = 'aws-private-ca';
  readonly needsPrivateKey = false;
  private signing: SigningAlgorithm | undefined;
  private anchors: string | undefined;

  constructor(
    private readonly deps: PrivateCaDeps,
    readonly name: string,
    private readonly options: PrivateCaOptions,
  ) {
    this.signing = options.signingAlgorithm as SigningAlgorithm | undefined;
  }

  private get caArn(): string {
    return this.options.certificateAuthorityArn;
  }

  private get partition(): string {
    return this.caArn.split(':')[1] ?? 'aws';
  }

  async submit(order: IssuanceOrder): Promise<IssuerStep> {
    const context = this.contextOf(order);
    try {
      const input = await this.issueInput(order);
      const out = await this.deps.client.send(new (await sdk()).IssueCertificateCommand(input));
      if (!out.CertificateArn) throw new CertflowError(ErrorCodes.ISSUER_UNAVAILABLE, 'Private CA IssueCertificate returned no CertificateArn', { retryable: true, context });
      return this.pending({ certificateArn: out.CertificateArn, certificateAuthorityArn: this.caArn, polls: 0 });
    } catch (error) {
      return { status: 'failed', error: error instanceof CertflowError ? error : privateCaError(error, 'IssueCertificate', context) };
    }
  }

  async resume(order: IssuanceOrder, raw: Readonly<Record<string, unknown>>): Promise<IssuerStep> {
    const context = this.contextOf(order);
    const handle = raw as Partial<PrivateCaHandle>;
    if (typeof handle.certificateArn !== 'string') {
      return { status: 'failed', error: new CertflowError(ErrorCodes.ISSUER_REJECTED, 'Private CA handle has no certificate ARN', { context }) };
    }
    const caArn = handle.certificateAuthorityArn ?? this.caArn;
    try {
      const out = await this.deps.client.send(new (await sdk()).GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn: handle.certificateArn }));
      if (!out.Certificate) throw new CertflowError(ErrorCodes.ISSUER_UNAVAILABLE, 'Private CA GetCertificate returned no certificate', { retryable: true, context });
      // The chain runs up to the root; the port's chain stops below it.
      const chainPem = splitPem(out.CertificateChain).filter((pem) => !isSelfSigned(pem)).join('\n');
      return { status: 'issued', certificate: { certificatePem: `${out.Certificate.trim()}\n`, chainPem: chainPem === '' ? '' : `${chainPem}\n` } };
    } catch (error) {
      // Not signed yet: a pending step, not a wait loop; the handle (the ARN) stays.
      if (awsErrorName(error) === 'RequestInProgressException') {
        return this.pending({ certificateArn: handle.certificateArn, certificateAuthorityArn: caArn, polls: (handle.polls ?? 0) + 1 });
      }
      return { status: 'failed', error: error instanceof CertflowError ? error : privateCaError(error, 'GetCertificate', { ...context, certificateArn: handle.certificateArn }) };
    }
  }

  async trustAnchorsPem(): Promise<string> {
    if (this.anchors !== undefined) return this.anchors;
    try {
      const out = await this.deps.client.send(new (await sdk()).GetCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: this.caArn }));
      const all = [...splitPem(out.Certificate), ...splitPem(out.CertificateChain)];
      const roots = all.filter(isSelfSigned);
      this.anchors = `${(roots.length > 0 ? roots : all.slice(-1)).join('\n')}\n`;
      return this.anchors;
    } catch (error) {
      throw privateCaError(error, 'GetCertificateAuthorityCertificate', { issuer: this.name, certificateAuthorityArn: this.caArn });
    }
  }

  /** Roles Anywhere trusts a Private CA by its ARN (an AWS_ACM_PCA source): no certificate leaves AWS, no call is made. */
  async trustAnchor(): Promise<TrustAnchor> {
    return {
      kind: 'reference',
      reference: this.caArn,
      note: `use this ARN as the trust anchor's source (sourceType AWS_ACM_PCA, acmPcaArn); Roles Anywhere then trusts every certificate Private CA '${this.name}' signs`,
    };
  }

  async revoke(request: RevocationRequest): Promise<void> {
    const serialNumber = new X509Certificate(request.certificatePem).serialNumber;
    const context = { issuer: this.name, certificateId: request.certificateId, serialNumber };
    const pcaReason = REASONS[request.reason];
    if (pcaReason === undefined) {
      throw new CertflowError(ErrorCodes.ISSUER_REJECTED, `Private CA cannot revoke with reason code ${request.reason.toString()} (revocation is final; there is no hold)`, { context });
    }
    try {
      await this.deps.client.send(new (await sdk()).RevokeCertificateCommand({ CertificateAuthorityArn: this.caArn, CertificateSerial: pcaSerial(serialNumber), RevocationReason: pcaReason }));
    } catch (error) {
      // Already revoked: what was asked holds.
      if (awsErrorName(error) === 'RequestAlreadyProcessedException') return;
      throw privateCaError(error, 'RevokeCertificate', context);
    }
  }

  private pending(handle: PrivateCaHandle): IssuerStep {
    const wait = Math.min(MAX_POLL_MS, FIRST_POLL_MS * 2 ** Math.max(0, handle.polls - 1));
    return { status: 'pending', handle: { ...handle }, resumeAfter: new Date(this.deps.clock.now().getTime() + wait) };
  }

  private async issueInput(order: IssuanceOrder): Promise<IssueCertificateCommandInput> {
    const uris = order.spec.names.uri;
    const emails = emailsOf(order.spec.names);
    // Private CA's stock templates copy only DNS and IP names from a CSR; URI SANs (SPIFFE IDs) and
    // email SANs (rfc822Name) reach the certificate only through the API, on a passthrough template.
    const passthrough = uris.length > 0 || emails.length > 0;
    const base = {
      CertificateAuthorityArn: this.caArn,
      Csr: new TextEncoder().encode(order.csrPem),
      SigningAlgorithm: await this.signingAlgorithm(),
      Validity: this.validity(order.spec),
      IdempotencyToken: idempotencyTokenOf(this.caArn, order.orderId),
    };
    const usage = usageOf(order.spec);
    // The configured templates were written for server certificates (before usages existed); they stay theirs.
    const configured = usage === 'server' ? (passthrough ? this.options.uriSansTemplateArn : this.options.templateArn) : undefined;
    if (!passthrough) {
      return { ...base, TemplateArn: configured ?? templateArnFor(this.partition, usage, false) };
    }
    // The passthrough SANs replace the CSR's, so every name goes with them.
    return {
      ...base,
      TemplateArn: configured ?? templateArnFor(this.partition, usage, true),
      ApiPassthrough: {
        Extensions: {
          SubjectAlternativeNames: [
            ...order.spec.names.dns.map((DnsName) => ({ DnsName })),
            ...order.spec.names.ip.map((IpAddress) => ({ IpAddress })),
            ...uris.map((UniformResourceIdentifier) => ({ UniformResourceIdentifier })),
            ...emails.map((Rfc822Name) => ({ Rfc822Name })),
          ],
        },
      },
    };
  }

  /**
   * Days as DAYS (what every spec before hours asked for); hours as an ABSOLUTE end, in seconds
   * since the epoch, since Private CA has no relative unit below a day. A resubmission within the
   * idempotency token's five minutes gets the first certificate, whatever end it computes.
   */
  private validity(spec: CertificateSpec): { Type: 'DAYS' | 'ABSOLUTE'; Value: number } {
    if (spec.validityHours === undefined) return { Type: 'DAYS', Value: spec.validityDays ?? 0 };
    return { Type: 'ABSOLUTE', Value: Math.floor((this.deps.clock.now().getTime() + validityMsOf(spec)) / 1000) };
  }

  private async signingAlgorithm(): Promise<SigningAlgorithm> {
    if (this.signing) return this.signing;
    try {
      const out = await this.deps.client.send(new (await sdk()).DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: this.caArn }));
      const keyAlgorithm = out.CertificateAuthority?.CertificateAuthorityConfiguration?.KeyAlgorithm ?? '';
      const algorithm: SigningAlgorithm = keyAlgorithm.startsWith('EC_') ? 'SHA256WITHECDSA' : 'SHA256WITHRSA';
      this.signing = algorithm;
      return algorithm;
    } catch (error) {
      throw privateCaError(error, 'DescribeCertificateAuthority', { issuer: this.name, certificateAuthorityArn: this.caArn });
    }
  }

  private contextOf(order: IssuanceOrder): ErrorContext {
    return { issuer: this.name, certificateId: order.certificateId, orderId: order.orderId, certificateAuthorityArn: this.caArn };
  }
}
