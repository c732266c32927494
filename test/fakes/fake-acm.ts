import { X509Certificate } from 'node:crypto';
import {
  ACMClient,
  ACMServiceException,
  DescribeCertificateCommand,
  ImportCertificateCommand,
  ListCertificatesCommand,
  InvalidParameterException,
  ResourceNotFoundException,
  ValidationException,
  type DescribeCertificateCommandInput,
  type ImportCertificateCommandInput,
} from '@aws-sdk/client-acm';
import { mockClient } from 'aws-sdk-client-mock';
import { FakeService } from './fake-service.js';

const meta = { httpStatusCode: 400, requestId: 'fake' };

interface Imported {
  readonly arn: string;
  serial: string;
  keyType: string;
  imports: number;
  domainName: string;
  readonly tags: readonly { Key?: string; Value?: string }[];
}

/** ACM's DomainName: the subject CN, else the first DNS name. */
const domainOf = (cert: X509Certificate) => /CN=([^\n,]+)/.exec(cert.subject)?.[1] ?? (cert.subjectAltName ?? '').split(', ')[0]?.replace(/^DNS:/, '') ?? '';

/** ACM's serial spelling: lower-case hex pairs joined by colons. */
const acmSerial = (hex: string) => (hex.length % 2 ? `0${hex}` : hex).toLowerCase().match(/../g)?.join(':') ?? '';

export function acmServiceError(name: 'ThrottlingException' | 'AccessDeniedException'): ACMServiceException {
  return new ACMServiceException({ name, $fault: 'client', message: name, $metadata: meta, ...(name === 'ThrottlingException' ? { $retryable: { throttling: true } } : {}) });
}

/**
 * ACM in memory, per the API reference: ImportCertificate creates an ARN (tags allowed) or
 * re-imports into one (tags refused: ValidationException); a re-import with another key
 * algorithm is refused; DescribeCertificate shows the serial; unknown ARNs are ResourceNotFound.
 */
export class FakeAcm extends FakeService<'ImportCertificate' | 'DescribeCertificate' | 'ListCertificates'> {
  readonly certificates = new Map<string, Imported>();

  client(): ACMClient {
    const client = new ACMClient({ region: 'eu-west-1', credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } });
    mockClient(client)
      .on(ImportCertificateCommand)
      .callsFake((i: ImportCertificateCommandInput) => this.call('ImportCertificate', i, () => this.import(i)))
      .on(DescribeCertificateCommand)
      .callsFake((i: DescribeCertificateCommandInput) => this.call('DescribeCertificate', i, () => this.describe(i)))
      .on(ListCertificatesCommand)
      .callsFake((i: unknown) =>
        this.call('ListCertificates', i, () => ({
          CertificateSummaryList: [...this.certificates.values()].map((c) => ({ CertificateArn: c.arn, DomainName: c.domainName, Type: 'IMPORTED' as const })),
          $metadata: {},
        })),
      );
    return client;
  }

  imports(): { input: ImportCertificateCommandInput; at: number }[] {
    return this.calls.filter((c) => c.operation === 'ImportCertificate').map((c) => ({ input: c.input as ImportCertificateCommandInput, at: c.at }));
  }

  private import(i: ImportCertificateCommandInput) {
    const cert = new X509Certificate(Buffer.from(i.Certificate ?? new Uint8Array()));
    const keyType = cert.publicKey.asymmetricKeyType ?? 'unknown';
    if (i.CertificateArn !== undefined) {
      const existing = this.certificates.get(i.CertificateArn);
      if (!existing) throw new ResourceNotFoundException({ message: `Could not find certificate ${i.CertificateArn}.`, $metadata: meta });
      if (i.Tags !== undefined) throw new ValidationException({ message: 'Tags cannot be specified when reimporting a certificate.', $metadata: meta });
      if (existing.keyType !== keyType) throw new InvalidParameterException({ message: 'The certificate key algorithm must match the certificate being reimported.', $metadata: meta });
      existing.serial = acmSerial(cert.serialNumber);
      existing.domainName = domainOf(cert);
      existing.imports++;
      return { CertificateArn: existing.arn, $metadata: {} };
    }
    const arn = `arn:aws:acm:eu-west-1:123456789012:certificate/${(this.certificates.size + 1).toString().padStart(8, '0')}-0000-0000-0000-000000000000`;
    this.certificates.set(arn, { arn, serial: acmSerial(cert.serialNumber), keyType, imports: 1, domainName: domainOf(cert), tags: i.Tags ?? [] });
    return { CertificateArn: arn, $metadata: {} };
  }

  private describe(i: DescribeCertificateCommandInput) {
    const c = i.CertificateArn === undefined ? undefined : this.certificates.get(i.CertificateArn);
    if (!c) throw new ResourceNotFoundException({ message: `Could not find certificate ${i.CertificateArn ?? ''}.`, $metadata: meta });
    return { Certificate: { CertificateArn: c.arn, Serial: c.serial, Type: 'IMPORTED' as const }, $metadata: {} };
  }
}
