import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../scripts/lib/schema-files.js';
import { toAcmObservation } from '../../../src/domain/events/acm-events.js';
import { isCertflowError } from '../../../src/domain/errors/index.js';

const acm = (name: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'events/examples/acm', name), 'utf8')) as Record<string, unknown>;
const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/61f50cd4-45b9-4259-b049-d0a53682fa4b';
const where = { locator: arn, account: '123456789012', region: 'us-east-1', commonName: 'example.com' };

describe('toAcmObservation', () => {
  it.each([
    ['acm-certificate-approaching-expiration.json', { ...where, kind: 'ACM Certificate Approaching Expiration', observedAt: '2020-09-30T06:51:08Z', daysToExpiry: 31 }],
    ['acm-certificate-expired.json', { ...where, kind: 'ACM Certificate Expired', observedAt: '2019-12-22T18:43:48Z', expired: true, daysToExpiry: 0, notAfter: '2019-12-22T18:43:48Z' }],
    ['acm-certificate-available.json', { ...where, kind: 'ACM Certificate Available', observedAt: '2019-12-22T18:43:48Z', expired: false, daysToExpiry: 198, notAfter: '2020-07-07T18:43:48Z' }],
    ['acm-certificate-renewal-action-required.json', { ...where, kind: 'ACM Certificate Renewal Action Required', observedAt: '2019-12-22T18:43:48Z', daysToExpiry: 30, notAfter: '2020-01-21T18:43:48Z', renewalActionReason: 'CAA_ERROR' }],
  ])('maps %s to an observation of the certificate ARN', (file, expected) => {
    // Prepare
    const event = acm(file);
    // Act
    const observation = toAcmObservation(event);
    // Assess
    expect(observation).toEqual(expected);
  });

  it('tolerates fields AWS adds later', () => {
    // Prepare
    const event = acm('acm-certificate-available.json');
    const extended = { ...event, detail: { ...(event.detail as object), ValidityInDays: 90, CertificateKeyPairOrigin: 'AWS_MANAGED' } };
    // Act
    const observation = toAcmObservation(extended);
    // Assess
    expect(observation.daysToExpiry).toBe(198);
  });

  it.each([
    ['a missing DaysToExpiry', (e: Record<string, unknown>) => ({ ...e, detail: { CommonName: 'example.com' } }), '/detail/DaysToExpiry: is required'],
    ['a resource that is not a certificate ARN', (e: Record<string, unknown>) => ({ ...e, resources: ['arn:aws:s3:::bucket'] }), '/resources/0: must match pattern'],
    ['another source', (e: Record<string, unknown>) => ({ ...e, source: 'certflow' }), '/source: must be "aws.acm"'],
    ['an unknown ACM detail-type', (e: Record<string, unknown>) => ({ ...e, 'detail-type': 'ACM Certificate Revoked' }), '/detail-type: must be one of'],
  ])('refuses %s with EVENT.INVALID', (_name, edit, expected) => {
    // Prepare
    const event = edit(acm('acm-certificate-approaching-expiration.json'));
    // Act
    const error = (() => {
      try {
        toAcmObservation(event);
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    // Assess
    expect(isCertflowError(error) && error.code).toBe('EVENT.INVALID');
    expect(isCertflowError(error) ? error.details.join('\n') : '').toContain(expected);
  });
});
