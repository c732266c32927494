import { describe, expect, it } from 'vitest';
import { AcmDestination, ImportPacer, sameSerial } from '../../../src/adapters/aws/acm-destination/acm.destination.js';
import type { Delivery } from '../../../src/ports/destination.port.js';
import { createCsr, generateKeyPair } from '../../../src/crypto/index.js';
import { acmServiceError, FakeAcm } from '../../fakes/fake-acm.js';
import { aBundle } from '../../support/pki.js';

/** A clock that only moves when the pacer sleeps, so pacing is measured, not waited for. */
function virtualTime() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

function setup(tags: Record<string, string> = { team: 'edge' }) {
  const time = virtualTime();
  const fake = new FakeAcm(time.now);
  const destination = new AcmDestination({ client: fake.client(), region: 'eu-west-1', pacer: new ImportPacer(time.now, time.sleep) }, 'alb', { tags });
  return { fake, destination, time };
}

function deliveryOf(n: number, previous?: Delivery['previous']): Delivery {
  const bundle = aBundle('alb.example.com');
  return { certificateId: 'alb', revision: n, versionId: `r${n.toString()}-x`, serialNumber: bundle.serialNumber, material: bundle.material, ...(previous ? { previous } : {}) };
}

describe('AcmDestination', () => {
  it('imports with tags first, re-imports into the same ARN without tags, and DescribeCertificate shows the new serial', async () => {
    // Prepare
    const { fake, destination } = setup();
    const first = deliveryOf(1);
    // Act
    const { location: arn } = await destination.deliver(first);
    const second = deliveryOf(2, { location: arn, versionId: first.versionId, deliveredAt: new Date() });
    const again = await destination.deliver(second);
    // Assess
    expect(again.location).toBe(arn);
    const imports = fake.imports().map((c) => c.input);
    expect(imports[0]).toMatchObject({ Tags: [{ Key: 'team', Value: 'edge' }] });
    expect(imports[0]?.CertificateArn).toBeUndefined();
    expect(imports[1]).toMatchObject({ CertificateArn: arn });
    expect(imports[1]?.Tags).toBeUndefined();
    expect(sameSerial(fake.certificates.get(arn)?.serial, second.serialNumber)).toBe(true);
    expect(fake.certificates.size).toBe(1);
  });

  it('makes at most one ImportCertificate call per second per region', async () => {
    // Prepare
    const { fake, destination } = setup();
    // Act
    for (let n = 1; n <= 4; n++) await destination.deliver({ ...deliveryOf(n), certificateId: `c${n.toString()}` });
    // Assess
    const at = fake.imports().map((c) => c.at);
    expect(at.slice(1).map((t, i) => t - (at[i] ?? 0))).toEqual([1000, 1000, 1000]);
  });

  it('does nothing when ACM already shows the serial (a delivery repeated after a crash)', async () => {
    // Prepare
    const { fake, destination } = setup();
    const first = deliveryOf(1);
    const { location } = await destination.deliver(first);
    // Act
    await destination.deliver({ ...first, previous: { location, versionId: first.versionId, deliveredAt: new Date() } });
    // Assess
    expect(fake.imports()).toHaveLength(1);
  });

  it('fails a re-import ACM refuses (another key algorithm) with DESTINATION.REJECTED, terminal', async () => {
    // Prepare
    const { fake, destination } = setup();
    const first = deliveryOf(1);
    const { location } = await destination.deliver(first);
    const rsa = generateKeyPair('RSA_2048');
    const bundle = aBundle('alb.example.com');
    const changed: Delivery = {
      ...deliveryOf(2, { location, versionId: first.versionId, deliveredAt: new Date() }),
      // A certificate on another key algorithm (the CA signs a CSR of an RSA key).
      material: { ...bundle.material, certificatePem: bundle.ca.sign(csrOf(rsa), new Date(Date.now() - 60_000), new Date(Date.now() + 86_400_000)), privateKeyPem: rsa.privateKeyPem },
    };
    // Act
    const error = await destination.deliver(changed).catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ code: 'DESTINATION.REJECTED', retryable: false, context: { awsError: 'InvalidParameterException', certificateArn: location } });
    expect(String((error as Error).message)).toMatch(/stays CURRENT/);
    expect(sameSerial(fake.certificates.get(location)?.serial, first.serialNumber)).toBe(true);
  });

  it('reports throttling as retryable and AccessDenied as terminal', async () => {
    // Prepare
    const { fake, destination } = setup();
    fake.failNext('ImportCertificate', acmServiceError('ThrottlingException'));
    // Act
    const throttled = await destination.deliver(deliveryOf(1)).catch((e: unknown) => e);
    fake.failNext('ImportCertificate', acmServiceError('AccessDeniedException'));
    const denied = await destination.deliver(deliveryOf(1)).catch((e: unknown) => e);
    // Assess
    expect(throttled).toMatchObject({ code: 'DESTINATION.UNAVAILABLE', retryable: true });
    expect(denied).toMatchObject({ code: 'DESTINATION.REJECTED', retryable: false });
    expect(fake.certificates.size).toBe(0);
  });

  it('takes the import a crash cut before its ARN was recorded, searching only when the delivery is resumed', async () => {
    // Prepare: an import whose ARN never reached the certificate record
    const { fake, destination } = setup();
    const first = deliveryOf(1);
    const { location } = await destination.deliver(first);
    // Act
    const resumed = await destination.deliver({ ...first, resumed: true });
    // Assess
    expect(resumed.location).toBe(location);
    expect(fake.imports()).toHaveLength(1);
    expect(fake.calls.filter((c) => c.operation === 'ListCertificates')).toHaveLength(1);
    // A fresh first delivery never walks the region's certificates.
    await destination.deliver({ ...deliveryOf(1), certificateId: 'other' });
    expect(fake.calls.filter((c) => c.operation === 'ListCertificates')).toHaveLength(1);
  });

  it('imports afresh, with tags, when the kept ARN was deleted', async () => {
    // Prepare
    const { fake, destination } = setup();
    const gone = 'arn:aws:acm:eu-west-1:123456789012:certificate/deleted';
    // Act
    const { location } = await destination.deliver(deliveryOf(2, { location: gone, versionId: 'r1-x', deliveredAt: new Date() }));
    // Assess
    expect(location).not.toBe(gone);
    expect(fake.imports()[0]?.input).toMatchObject({ Tags: [{ Key: 'team', Value: 'edge' }] });
  });
});

function csrOf(pair: ReturnType<typeof generateKeyPair>): string {
  return createCsr(pair.privateKey, { commonName: 'alb.example.com', names: { dns: ['alb.example.com'], ip: [], uri: [] } });
}
