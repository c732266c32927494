import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PrivateCaIssuer, idempotencyTokenOf, pcaSerial } from '../../../src/adapters/aws/private-ca/private-ca.issuer.js';
import { checkCertificate } from '../../../src/adapters/aws/private-ca/private-ca.options.js';
import { createCsr, generateKeyPair, verifyBundle } from '../../../src/crypto/index.js';
import type { IssuanceOrder, IssuerStep } from '../../../src/ports/issuer.port.js';
import { CA_ARN, FakePrivateCa, pcaServiceError } from '../../fakes/fake-private-ca.js';
import { aSpec } from '../../support/builders.js';
import { ManualClock } from '../../support/local-fixture.js';
import { ACMPCAServiceException, InvalidStateException, MalformedCSRException, ResourceNotFoundException } from '@aws-sdk/client-acm-pca';

function setup(options: Partial<ConstructorParameters<typeof PrivateCaIssuer>[2]> = {}) {
  const clock = new ManualClock(new Date());
  const fake = new FakePrivateCa(() => clock.now());
  const issuer = new PrivateCaIssuer({ client: fake.client(), clock }, 'pca', { certificateAuthorityArn: CA_ARN, ...options });
  return { clock, fake, issuer };
}

function anOrder(overrides: Partial<IssuanceOrder> = {}, names = { dns: ['api.internal.example.com'], ip: [] as string[], uri: [] as string[] }) {
  const key = generateKeyPair('EC_P256');
  const spec = aSpec({ issuer: { kind: 'aws-private-ca', name: 'pca' }, names, validityDays: 30 });
  const order: IssuanceOrder = { orderId: 'req_1', certificateId: 'api', revision: 1, spec, csrPem: createCsr(key.privateKey, { commonName: spec.commonName, names }), ...overrides };
  return { order, key };
}

const handleOf = (step: IssuerStep) => (step.status === 'pending' ? step.handle : undefined);

describe('PrivateCaIssuer', () => {
  it('answers pending with the certificate ARN as its handle, then issues on resume once the CA has signed', async () => {
    // Prepare
    const { fake, issuer, clock } = setup();
    fake.pollsBeforeReady = 2;
    const { order, key } = anOrder();
    // Act
    const submitted = await issuer.submit(order);
    const first = await issuer.resume(order, handleOf(submitted) ?? {});
    const second = await issuer.resume(order, handleOf(first) ?? {});
    const done = await issuer.resume(order, handleOf(second) ?? {});
    // Assess
    expect(submitted).toMatchObject({ status: 'pending', handle: { certificateArn: fake.issued[0]?.arn, certificateAuthorityArn: CA_ARN, polls: 0 } });
    expect(first).toMatchObject({ status: 'pending', handle: { polls: 1 } });
    expect(second).toMatchObject({ status: 'pending', handle: { polls: 2 } });
    if (second.status === 'pending') expect(second.resumeAfter.getTime() - clock.now().getTime()).toBe(4_000);
    expect(done.status).toBe('issued');
    if (done.status !== 'issued') return;
    const check = verifyBundle({
      certificatePem: done.certificate.certificatePem, chainPem: done.certificate.chainPem, privateKeyPem: key.privateKeyPem,
      trustAnchorsPem: await issuer.trustAnchorsPem(), expectedNames: order.spec.names, at: clock.now(),
    });
    expect(check.ok).toBe(true);
    // The root is the trust anchor, not part of the chain.
    expect(done.certificate.chainPem).not.toContain(fake.ca.rootPem.trim().split('\n')[1]);
    expect(fake.count('IssueCertificate')).toBe(1);
  });

  it('sends the configured CA, a token derived from the order, the end-entity template and the validity', async () => {
    // Prepare
    const { fake, issuer } = setup();
    const { order } = anOrder();
    // Act
    await issuer.submit(order);
    // Assess
    expect(fake.issued[0]?.input).toMatchObject({
      CertificateAuthorityArn: CA_ARN,
      SigningAlgorithm: 'SHA256WITHECDSA',
      TemplateArn: 'arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1',
      Validity: { Type: 'DAYS', Value: 30 },
      IdempotencyToken: idempotencyTokenOf(CA_ARN, 'req_1'),
    });
    expect(idempotencyTokenOf(CA_ARN, 'req_1').length).toBeLessThanOrEqual(36);
    expect(fake.issued[0]?.input.ApiPassthrough).toBeUndefined();
  });

  it('uses the API-passthrough template with every SAN when the certificate has URI SANs (SPIFFE IDs)', async () => {
    // Prepare
    const { fake, issuer } = setup({ signingAlgorithm: 'SHA256WITHECDSA' });
    const names = { dns: ['api.internal.example.com'], ip: ['10.0.0.1'], uri: ['spiffe://example.org/ns/prod/sa/api'] };
    const { order } = anOrder({}, names);
    // Act
    await issuer.submit(order);
    // Assess
    expect(fake.count('DescribeCertificateAuthority')).toBe(0);
    expect(fake.issued[0]?.input).toMatchObject({
      TemplateArn: 'arn:aws:acm-pca:::template/EndEntityServerAuthCertificate_APIPassthrough/V1',
      ApiPassthrough: { Extensions: { SubjectAlternativeNames: [{ DnsName: 'api.internal.example.com' }, { IpAddress: '10.0.0.1' }, { UniformResourceIdentifier: 'spiffe://example.org/ns/prod/sa/api' }] } },
    });
  });

  it('submits twice within the token lifetime for one certificate, and never issues on a resume after it', async () => {
    // Prepare
    const { fake, issuer, clock } = setup();
    fake.pollsBeforeReady = 0;
    const { order } = anOrder();
    // Act: a retry of submit (the handle was lost before it was recorded) reuses the token
    const a = await issuer.submit(order);
    const b = await issuer.submit(order);
    clock.advance(6 * 60_000);
    const late = await issuer.resume(order, handleOf(b) ?? {});
    // Assess
    expect(handleOf(a)?.['certificateArn']).toBe(handleOf(b)?.['certificateArn']);
    expect(late.status).toBe('issued');
    expect(fake.issued).toHaveLength(1);
    expect(fake.count('IssueCertificate')).toBe(2);
  });

  it('maps throttling to a retryable ISSUER.RATE_LIMITED and keeps the handle on a throttled GetCertificate', async () => {
    // Prepare
    const { fake, issuer } = setup();
    const { order } = anOrder();
    fake.failNext('IssueCertificate', pcaServiceError('ThrottlingException'));
    // Act
    const throttled = await issuer.submit(order);
    const submitted = await issuer.submit(order);
    fake.failNext('GetCertificate', pcaServiceError('ThrottlingException'));
    const resumed = await issuer.resume(order, handleOf(submitted) ?? {});
    // Assess
    expect(throttled).toMatchObject({ status: 'failed', error: { code: 'ISSUER.RATE_LIMITED', retryable: true } });
    expect(resumed).toMatchObject({ status: 'failed', error: { code: 'ISSUER.RATE_LIMITED', retryable: true, context: { certificateArn: handleOf(submitted)?.['certificateArn'] } } });
    expect(fake.issued).toHaveLength(1);
  });

  it.each([
    ['AccessDenied', () => pcaServiceError('AccessDeniedException'), 'access denied'],
    ['ResourceNotFound', () => new ResourceNotFoundException({ message: 'x', $metadata: {} }), 'does not exist'],
    ['MalformedCSR', () => new MalformedCSRException({ message: 'x', $metadata: {} }), 'refused the CSR'],
    ['InvalidState', () => new InvalidStateException({ message: 'x', $metadata: {} }), 'not ACTIVE'],
  ])('refuses with a clear, terminal ISSUER.REJECTED on %s', async (_name, error, why) => {
    // Prepare
    const { fake, issuer } = setup();
    fake.failNext('IssueCertificate', error());
    // Act
    const step = await issuer.submit(anOrder().order);
    // Assess
    expect(step).toMatchObject({ status: 'failed', error: { code: 'ISSUER.REJECTED', retryable: false } });
    if (step.status === 'failed') expect(step.error.message).toContain(why);
    expect(fake.issued).toHaveLength(0);
  });

  it('treats an error named like an Object.prototype member as unknown: retryable ISSUER.UNAVAILABLE, not a refusal', async () => {
    // Prepare
    const { fake, issuer } = setup();
    fake.failNext('IssueCertificate', new ACMPCAServiceException({ name: 'constructor', $fault: 'server', message: 'x', $metadata: { httpStatusCode: 503 } }));
    // Act
    const step = await issuer.submit(anOrder().order);
    // Assess
    expect(step).toMatchObject({ status: 'failed', error: { code: 'ISSUER.UNAVAILABLE', retryable: true, message: 'Private CA IssueCertificate failed (constructor)' } });
  });

  it('revokes with the RFC 5280 reason, the serial as Private CA writes it, and takes a second revocation calmly', async () => {
    // Prepare
    const { fake, issuer } = setup();
    fake.pollsBeforeReady = 0;
    const { order } = anOrder();
    const done = await issuer.resume(order, handleOf(await issuer.submit(order)) ?? {});
    const certificatePem = done.status === 'issued' ? done.certificate.certificatePem : '';
    const serialNumber = new X509Certificate(certificatePem).serialNumber;
    // Act
    await issuer.revoke({ certificateId: 'api', certificatePem, reason: 1 });
    await issuer.revoke({ certificateId: 'api', certificatePem, reason: 1 });
    const hold = await issuer.revoke({ certificateId: 'api', certificatePem, reason: 6 }).catch((e: unknown) => e);
    // Assess
    expect(fake.revoked.get(serialNumber)).toBe('KEY_COMPROMISE');
    expect((fake.calls.find((c) => c.operation === 'RevokeCertificate')?.input as { CertificateSerial: string }).CertificateSerial).toBe(pcaSerial(serialNumber));
    expect(pcaSerial('0A1B2')).toBe('00:a1:b2');
    expect(hold).toMatchObject({ code: 'ISSUER.REJECTED' });
  });
});

describe('aws-private-ca configuration', () => {
  it('refuses more than 7 days on a CA in short-lived certificate mode, and the issuer maximum', () => {
    // Act
    const shortLived = checkCertificate({ certificateAuthorityArn: CA_ARN, usageMode: 'SHORT_LIVED_CERTIFICATE' }, { validityDays: 8 });
    const fits = checkCertificate({ certificateAuthorityArn: CA_ARN, usageMode: 'SHORT_LIVED_CERTIFICATE' }, { validityDays: 7 });
    const capped = checkCertificate({ certificateAuthorityArn: CA_ARN, maxValidityDays: 30 }, { validityDays: 90 });
    // Assess
    expect(shortLived).toEqual([expect.stringMatching(/validityDays: 8 exceeds 7, the most a Private CA in short-lived certificate mode signs/)]);
    expect(fits).toEqual([]);
    expect(capped).toEqual([expect.stringMatching(/maxValidityDays \(30\)/)]);
  });
});
