import { X509Certificate } from 'node:crypto';
import {
  ACMPCAClient,
  ACMPCAServiceException,
  DescribeCertificateAuthorityCommand,
  GetCertificateAuthorityCertificateCommand,
  GetCertificateCommand,
  InvalidArgsException,
  IssueCertificateCommand,
  RequestAlreadyProcessedException,
  RequestInProgressException,
  ResourceNotFoundException,
  RevokeCertificateCommand,
  type IssueCertificateCommandInput,
} from '@aws-sdk/client-acm-pca';
import { mockClient } from 'aws-sdk-client-mock';
import { FakeService } from './fake-service.js';
import { TestCa } from '../support/pki.js';

export const CA_ARN = 'arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555';
const meta = { httpStatusCode: 400, requestId: 'fake' };
const TOKEN_LIFETIME_MS = 5 * 60_000;

/** aws-sdk-client-mock's chain, typed loosely (see install). */
interface LooseMock {
  on(command: unknown): { callsFake(fn: (input: never) => unknown): LooseMock };
  restore(): void;
}

type Operation = 'IssueCertificate' | 'GetCertificate' | 'GetCertificateAuthorityCertificate' | 'DescribeCertificateAuthority' | 'RevokeCertificate';

interface Issued {
  readonly arn: string;
  readonly input: IssueCertificateCommandInput;
  readonly certificatePem: string;
  readonly serial: string;
  pollsLeft: number;
}

/** A Private CA error the SDK models only as its base class (Throttling, AccessDenied). */
export function pcaServiceError(name: 'ThrottlingException' | 'AccessDeniedException'): ACMPCAServiceException {
  return new ACMPCAServiceException({ name, $fault: 'client', message: name, $metadata: meta, ...(name === 'ThrottlingException' ? { $retryable: { throttling: true } } : {}) });
}

/**
 * AWS Private CA in memory, as the API reference describes it: IssueCertificate answers an ARN
 * at once; GetCertificate answers RequestInProgressException until the CA has signed (here:
 * `pollsBeforeReady` calls); an IdempotencyToken returns the same ARN for five minutes, after which
 * it issues again; the chain returned runs up to the root; a short-lived CA refuses over 7 days.
 */
export class FakePrivateCa extends FakeService<Operation> {
  readonly ca: TestCa;
  readonly issued: Issued[] = [];
  readonly revoked = new Map<string, string>();
  pollsBeforeReady = 1;
  private readonly tokens = new Map<string, { arn: string; at: number }>();

  constructor(
    private readonly now: () => Date = () => new Date(),
    readonly usageMode: 'GENERAL_PURPOSE' | 'SHORT_LIVED_CERTIFICATE' = 'GENERAL_PURPOSE',
  ) {
    super(() => now().getTime());
    this.ca = new TestCa('Fake Private');
  }

  client(): ACMPCAClient {
    const client = new ACMPCAClient({ region: 'eu-west-1', credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } });
    this.install(client);
    return client;
  }

  private mock: LooseMock | undefined;

  /** Undoes a class-wide install. */
  restore(): void {
    this.mock?.restore();
  }

  install(target?: ACMPCAClient): void {
    // client-acm-pca is on an older @smithy/types than aws-sdk-client-mock: the cast bridges the type only.
    const mock = (target ? mockClient(target as never) : mockClient(ACMPCAClient as never)) as unknown as LooseMock;
    this.mock = mock;
    mock
      .on(IssueCertificateCommand)
      .callsFake((i: IssueCertificateCommandInput) => this.call('IssueCertificate', i, () => this.issue(i)))
      .on(GetCertificateCommand)
      .callsFake((i: { CertificateArn?: string; CertificateAuthorityArn?: string }) => this.call('GetCertificate', i, () => this.get(i)))
      .on(GetCertificateAuthorityCertificateCommand)
      .callsFake((i: { CertificateAuthorityArn?: string }) =>
        this.call('GetCertificateAuthorityCertificate', i, () => {
          this.checkCa(i.CertificateAuthorityArn);
          return { Certificate: this.ca.intermediatePem, CertificateChain: this.ca.rootPem, $metadata: {} };
        }),
      )
      .on(DescribeCertificateAuthorityCommand)
      .callsFake((i: { CertificateAuthorityArn?: string }) =>
        this.call('DescribeCertificateAuthority', i, () => {
          this.checkCa(i.CertificateAuthorityArn);
          return {
            CertificateAuthority: {
              Arn: CA_ARN,
              Status: 'ACTIVE' as const,
              Type: 'SUBORDINATE' as const,
              UsageMode: this.usageMode,
              CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1' as const, SigningAlgorithm: 'SHA256WITHECDSA' as const, Subject: {} },
            },
            $metadata: {},
          };
        }),
      )
      .on(RevokeCertificateCommand)
      .callsFake((i: { CertificateAuthorityArn?: string; CertificateSerial?: string; RevocationReason?: string }) =>
        this.call('RevokeCertificate', i, () => {
          this.checkCa(i.CertificateAuthorityArn);
          const serial = (i.CertificateSerial ?? '').replace(/:/g, '').toUpperCase();
          if (!this.issued.some((c) => c.serial === serial)) throw new ResourceNotFoundException({ message: 'no such certificate', $metadata: meta });
          if (this.revoked.has(serial)) throw new RequestAlreadyProcessedException({ message: 'already revoked', $metadata: meta });
          this.revoked.set(serial, i.RevocationReason ?? '');
          return { $metadata: {} };
        }),
      );
  }

  private checkCa(arn: string | undefined): void {
    if (arn !== CA_ARN) throw new ResourceNotFoundException({ message: `Could not find certificate authority ${arn ?? ''}`, $metadata: meta });
  }

  private issue(i: IssueCertificateCommandInput): { CertificateArn: string; $metadata: object } {
    this.checkCa(i.CertificateAuthorityArn);
    const now = this.now().getTime();
    // DAYS: relative to issuance; ABSOLUTE: the end in seconds since the epoch (how certflow asks for hours).
    const value = i.Validity?.Value ?? 0;
    const lifetimeMs = i.Validity?.Type === 'DAYS' ? value * 86_400_000 : i.Validity?.Type === 'ABSOLUTE' ? value * 1000 - now : 0;
    if (lifetimeMs <= 0) throw new InvalidArgsException({ message: 'Validity is required', $metadata: meta });
    if (this.usageMode === 'SHORT_LIVED_CERTIFICATE' && lifetimeMs > 7 * 86_400_000) throw new InvalidArgsException({ message: 'short-lived CAs issue for at most 7 days', $metadata: meta });
    const token = i.IdempotencyToken;
    const known = token ? this.tokens.get(token) : undefined;
    if (known && now - known.at < TOKEN_LIFETIME_MS) return { CertificateArn: known.arn, $metadata: {} };
    const csrPem = new TextDecoder().decode(i.Csr);
    const certificatePem = this.ca.sign(csrPem, new Date(now - 60_000), new Date(now + lifetimeMs));
    const arn = `${CA_ARN}/certificate/${(this.issued.length + 1).toString(16).padStart(32, '0')}`;
    this.issued.push({ arn, input: i, certificatePem, serial: new X509Certificate(certificatePem).serialNumber, pollsLeft: this.pollsBeforeReady });
    if (token) this.tokens.set(token, { arn, at: now });
    return { CertificateArn: arn, $metadata: {} };
  }

  private get(i: { CertificateArn?: string; CertificateAuthorityArn?: string }): { Certificate: string; CertificateChain: string; $metadata: object } {
    this.checkCa(i.CertificateAuthorityArn);
    const issued = this.issued.find((c) => c.arn === i.CertificateArn);
    if (!issued) throw new ResourceNotFoundException({ message: 'no such certificate', $metadata: meta });
    if (issued.pollsLeft > 0) {
      issued.pollsLeft--;
      throw new RequestInProgressException({ message: 'The request is still in progress', $metadata: meta });
    }
    // As the service: the chain runs up to the root.
    return { Certificate: issued.certificatePem.trim(), CertificateChain: `${this.ca.intermediatePem.trim()}\n${this.ca.rootPem.trim()}`, $metadata: {} };
  }
}
