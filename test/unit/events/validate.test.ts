import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../scripts/lib/schema-files.js';
import { lifecycleEvent } from '../../../src/domain/events/catalogue.js';
import { toEnvelope } from '../../../src/domain/events/envelope.js';
import { formatIssues, invalidEventError, validateDetail, validateEnvelope } from '../../../src/domain/events/validate.js';

const rotatedExample = JSON.parse(readFileSync(join(REPO_ROOT, 'events/examples/certificate-rotated.json'), 'utf8')) as {
  detail: Record<string, unknown>;
} & Record<string, unknown>;

describe('validateDetail', () => {
  it('accepts a detail built by lifecycleEvent', () => {
    // Prepare
    const event = lifecycleEvent(
      'Approval Expired',
      { occurredAt: '2025-04-03T09:00:00Z', requestId: 'req_1', certificateId: 'web', deadline: '2025-04-03T09:00:00Z' },
      'req_1:expired',
    );
    // Act
    const result = validateDetail(event.detailType, event.detail);
    // Assess
    expect(result.ok).toBe(true);
  });

  it('reports every missing, unknown and malformed field with its path', () => {
    // Prepare
    const { revision: _revision, secretName: _secretName, ...rest } = rotatedExample.detail;
    const detail = { ...rest, serialNumber: 'not-hex', privateKey: 'x', occurredAt: 'yesterday' };
    // Act
    const result = validateDetail('Certificate Rotated', detail);
    // Assess
    expect(result.ok ? [] : formatIssues(result.issues)).toEqual([
      '/revision: is required',
      '/secretName: is required',
      '/privateKey: is not allowed (unknown property)',
      '/occurredAt: must match format "date-time"',
      '/serialNumber: must match pattern "^[0-9A-F]{1,64}$"',
    ]);
  });

  it('refuses an unknown detail-type and names the known ones', () => {
    // Prepare
    const detail = rotatedExample.detail;
    // Act
    const result = validateDetail('Certificate Rotatd', detail);
    // Assess
    expect(result.ok ? '' : formatIssues(result.issues)[0]).toMatch(/^\/detail-type: unknown detail-type "Certificate Rotatd"; known: Certificate Discovered, /);
  });

  it('names the allowed values of an enum', () => {
    // Prepare
    const detail = { ...JSON.parse(readFileSync(join(REPO_ROOT, 'events/examples/certificate-expired.json'), 'utf8')).detail, origin: 'ftp' };
    // Act
    const result = validateDetail('Certificate Expired', detail);
    // Assess
    expect(result.ok ? [] : formatIssues(result.issues)).toEqual(['/origin: must be one of "managed", "acm", "endpoint", "file"']);
  });

  it('refuses a schemaVersion of another major', () => {
    // Prepare
    const detail = { ...rotatedExample.detail, schemaVersion: '2.0' };
    // Act
    const result = validateDetail('Certificate Rotated', detail);
    // Assess
    expect(result.ok ? [] : formatIssues(result.issues)).toEqual(['/schemaVersion: must match pattern "^1\\.[0-9]+$"']);
  });
});

describe('validateEnvelope', () => {
  it('accepts the envelope toEnvelope builds', () => {
    // Prepare
    const event = toEnvelope(
      { id: 'k', detailType: 'Certificate Rotated', detail: rotatedExample.detail as never },
      { account: '123456789012', region: 'eu-west-1', time: '2025-04-01T08:01:11Z' },
    );
    // Act
    const result = validateEnvelope(event);
    // Assess
    expect(result.ok).toBe(true);
  });

  it('reports envelope and detail problems together', () => {
    // Prepare
    const event = { ...rotatedExample, source: 'aws.acm', account: 'acct', detail: { ...rotatedExample.detail, revision: 0 } };
    // Act
    const result = validateEnvelope(event);
    // Assess
    expect(result.ok ? [] : formatIssues(result.issues)).toEqual([
      '/source: must be "certflow"',
      '/account: must match pattern "^[0-9]{12}$"',
      '/detail/revision: must be >= 1',
    ]);
  });

  it('refuses a wrong detail-type', () => {
    // Prepare
    const event = { ...rotatedExample, 'detail-type': 'Certificate Exploded' };
    // Act
    const result = validateEnvelope(event);
    // Assess
    expect(result.ok ? [] : formatIssues(result.issues)).toEqual([expect.stringMatching(/^\/detail-type: must be one of "Certificate Discovered", /)]);
  });

  it.each([null, 'text', [], 42])('refuses %j as an event', (value) => {
    // Prepare
    // Act
    const result = validateEnvelope(value);
    // Assess
    expect(result.ok).toBe(false);
  });
});

describe('invalidEventError', () => {
  it('builds a non-retryable EVENT.INVALID error with every issue in details', () => {
    // Prepare
    const issues = [
      { path: '/a', message: 'is required' },
      { path: '/b', message: 'is required' },
      { path: '/c', message: 'is required' },
      { path: '/d', message: 'is required' },
    ];
    // Act
    const error = invalidEventError('Certificate Rotated', issues);
    // Assess
    expect(error.toJSON()).toMatchObject({
      code: 'EVENT.INVALID',
      retryable: false,
      message: 'Certificate Rotated does not match its schema: /a: is required; /b: is required; /c: is required (+1 more)',
      details: ['/a: is required', '/b: is required', '/c: is required', '/d: is required'],
    });
  });
});
