import { describe, expect, it } from 'vitest';
import { PrivateCaIssuer } from '../../../src/adapters/aws/private-ca/private-ca.issuer.js';
import { checkCertificate } from '../../../src/adapters/aws/private-ca/private-ca.options.js';
import type { CertificateUsage } from '../../../src/domain/certificate.js';
import { createCsr, generateKeyPair } from '../../../src/crypto/index.js';
import type { IssuanceOrder } from '../../../src/ports/issuer.port.js';
import { CA_ARN, FakePrivateCa } from '../../fakes/fake-private-ca.js';
import { aSpec } from '../../support/builders.js';
import { ManualClock } from '../../support/local-fixture.js';

function setup(options: Partial<ConstructorParameters<typeof PrivateCaIssuer>[2]> = {}) {
  const clock = new ManualClock(new Date('2026-11-01T00:00:00Z'));
  const fake = new FakePrivateCa(() => clock.now());
  const issuer = new PrivateCaIssuer({ client: fake.client(), clock }, 'pca', { certificateAuthorityArn: CA_ARN, signingAlgorithm: 'SHA256WITHECDSA', ...options });
  return { clock, fake, issuer };
}

function aClientOrder(usage: CertificateUsage, uri: string[] = [], validity: { validityDays?: number; validityHours?: number } = { validityHours: 24 }): IssuanceOrder {
  const key = generateKeyPair('EC_P256');
  const names = { dns: usage === 'client' ? [] : ['api.internal.example.com'], ip: [], uri };
  const spec = { ...aSpec({ issuer: { kind: 'aws-private-ca', name: 'pca' }, names, commonName: 'build-runner', usage }), validityDays: undefined, ...validity };
  return { orderId: `req_${usage}`, certificateId: 'runner', revision: 1, spec, csrPem: createCsr(key.privateKey, { commonName: spec.commonName, names }) };
}

describe('PrivateCaIssuer templates by usage', () => {
  it.each([
    ['server', [], 'EndEntityServerAuthCertificate/V1'],
    ['client', [], 'EndEntityClientAuthCertificate/V1'],
    ['both', [], 'EndEntityCertificate/V1'],
    ['server', ['spiffe://example.org/ns/ci/sa/runner'], 'EndEntityServerAuthCertificate_APIPassthrough/V1'],
    ['client', ['spiffe://example.org/ns/ci/sa/runner'], 'EndEntityClientAuthCertificate_APIPassthrough/V1'],
    ['both', ['spiffe://example.org/ns/ci/sa/runner'], 'EndEntityCertificate_APIPassthrough/V1'],
  ] as const)('issues a %s certificate with URI SANs %j on the %s template', async (usage, uris, template) => {
    // Prepare
    const { fake, issuer } = setup();
    const order = aClientOrder(usage, [...uris]);
    // Act
    const step = await issuer.submit(order);
    // Assess
    expect(step.status).toBe('pending');
    expect(fake.issued[0]?.input.TemplateArn).toBe(`arn:aws:acm-pca:::template/${template}`);
    if (uris.length > 0) expect(fake.issued[0]?.input.ApiPassthrough?.Extensions?.SubjectAlternativeNames).toContainEqual({ UniformResourceIdentifier: uris[0] });
  });

  it('keeps a configured template for server certificates only: it was written for them', async () => {
    // Prepare
    const { fake, issuer } = setup({ templateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1' });
    // Act
    await issuer.submit(aClientOrder('server', [], { validityDays: 30 }));
    await issuer.submit({ ...aClientOrder('client'), orderId: 'req_client_2' });
    // Assess
    expect(fake.issued.map((i) => i.input.TemplateArn)).toEqual(['arn:aws:acm-pca:::template/EndEntityCertificate/V1', 'arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1']);
  });

  it('asks for an hours validity as an absolute end (Private CA has no unit below a day), and days as DAYS', async () => {
    // Prepare
    const { fake, issuer, clock } = setup();
    // Act
    await issuer.submit(aClientOrder('client', [], { validityHours: 24 }));
    await issuer.submit({ ...aClientOrder('server', [], { validityDays: 3 }), orderId: 'req_days' });
    // Assess
    expect(fake.issued[0]?.input.Validity).toEqual({ Type: 'ABSOLUTE', Value: clock.now().getTime() / 1000 + 24 * 3600 });
    expect(fake.issued[1]?.input.Validity).toEqual({ Type: 'DAYS', Value: 3 });
  });
});

describe('aws-private-ca configuration of hours', () => {
  it('refuses more than 168 hours on a short-lived CA, naming the field configured, and lets 24 hours through', () => {
    // Prepare
    const options = { certificateAuthorityArn: CA_ARN, usageMode: 'SHORT_LIVED_CERTIFICATE' as const };
    // Act
    const tooLong = checkCertificate(options, { validityHours: 169 });
    const day = checkCertificate(options, { validityHours: 24 });
    const week = checkCertificate(options, { validityHours: 168 });
    // Assess
    expect(tooLong).toEqual(['validityHours: 169 exceeds 168 (7 days), the most a Private CA in short-lived certificate mode signs']);
    expect(day).toEqual([]);
    expect(week).toEqual([]);
  });
});
