import { describe, expect, it } from 'vitest';
import { PrivateCaIssuer } from '../../../src/adapters/aws/private-ca/private-ca.issuer.js';
import { createCsr, generateKeyPair, verifyBundle } from '../../../src/crypto/index.js';
import type { SubjectNames } from '../../../src/domain/certificate.js';
import type { IssuanceOrder, IssuerStep } from '../../../src/ports/issuer.port.js';
import { CA_ARN, FakePrivateCa } from '../../fakes/fake-private-ca.js';
import { aSpec } from '../../support/builders.js';
import { ManualClock } from '../../support/local-fixture.js';

function setup(options: Partial<ConstructorParameters<typeof PrivateCaIssuer>[2]> = {}) {
  const clock = new ManualClock(new Date());
  const fake = new FakePrivateCa(() => clock.now());
  const issuer = new PrivateCaIssuer({ client: fake.client(), clock }, 'pca', { certificateAuthorityArn: CA_ARN, signingAlgorithm: 'SHA256WITHECDSA', ...options });
  return { clock, fake, issuer };
}

function anOrder(names: SubjectNames) {
  const key = generateKeyPair('EC_P256');
  const spec = aSpec({ issuer: { kind: 'aws-private-ca', name: 'pca' }, names, validityDays: 30 });
  const order: IssuanceOrder = { orderId: 'req_1', certificateId: 'api', revision: 1, spec, csrPem: createCsr(key.privateKey, { commonName: spec.commonName, names }) };
  return { order, key };
}

const handleOf = (step: IssuerStep) => (step.status === 'pending' ? step.handle : undefined);
const withEmail: SubjectNames = { dns: ['api.internal.example.com'], ip: ['10.0.0.1'], uri: [], email: ['Ops@example.com'] };

describe('PrivateCaIssuer with email SANs', () => {
  it('sends email SANs as Rfc822Name through ApiPassthrough, with every other name, on the passthrough template', async () => {
    // Prepare
    const { fake, issuer } = setup();
    const { order } = anOrder(withEmail);

    // Act
    await issuer.submit(order);

    // Assess
    expect(fake.issued[0]?.input).toMatchObject({
      TemplateArn: 'arn:aws:acm-pca:::template/EndEntityServerAuthCertificate_APIPassthrough/V1',
      ApiPassthrough: { Extensions: { SubjectAlternativeNames: [{ DnsName: 'api.internal.example.com' }, { IpAddress: '10.0.0.1' }, { Rfc822Name: 'Ops@example.com' }] } },
    });
  });

  it('uses the configured passthrough template for a server certificate with email SANs', async () => {
    // Prepare
    const template = 'arn:aws:acm-pca:::template/EndEntityServerAuthCertificate_APIPassthrough/V1';
    const { fake, issuer } = setup({ templateArn: 'arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1', uriSansTemplateArn: template });

    // Act
    await issuer.submit(anOrder(withEmail).order);

    // Assess
    expect(fake.issued[0]?.input.TemplateArn).toBe(template);
  });

  it('passes nothing through for a certificate without email or URI SANs', async () => {
    // Prepare
    const { fake, issuer } = setup();

    // Act
    await issuer.submit(anOrder({ dns: ['api.internal.example.com'], ip: [], uri: [] }).order);

    // Assess
    expect(fake.issued[0]?.input.ApiPassthrough).toBeUndefined();
    expect(fake.issued[0]?.input.TemplateArn).toBe('arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1');
  });

  it('issues a certificate whose bundle verifies against the expected email', async () => {
    // Prepare
    const { fake, issuer, clock } = setup();
    fake.pollsBeforeReady = 0;
    const { order, key } = anOrder(withEmail);

    // Act
    const submitted = await issuer.submit(order);
    const done = await issuer.resume(order, handleOf(submitted) ?? {});

    // Assess
    if (done.status !== 'issued') throw new Error(`expected issued, got ${done.status}`);
    const check = verifyBundle({
      certificatePem: done.certificate.certificatePem, chainPem: done.certificate.chainPem, privateKeyPem: key.privateKeyPem,
      trustAnchorsPem: await issuer.trustAnchorsPem(), expectedNames: withEmail, at: clock.now(),
    });
    expect(check).toMatchObject({ ok: true, facts: { names: withEmail } });
  });
});
