import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { notificationFor, type ReceivedLifecycleEvent } from '../../../src/app/notify.use-case.js';
import { compilePattern, matches } from '../../../src/domain/events/pattern.js';

const examples = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ReceivedLifecycleEvent);

describe('notificationFor', () => {
  it('tells people about every example event the notify rule routes to it, and about no other', () => {
    // Prepare
    const rule = compilePattern(JSON.parse(readFileSync('events/patterns/notify.json', 'utf8')));
    // Act
    const outcomes = examples('events/examples').map((event) => ({ type: event['detail-type'], routed: matches(rule, event), told: notificationFor(event) !== undefined }));
    // Assess
    // The example approval was decided by policy: nobody asked, so nobody is told.
    for (const o of outcomes) expect(o.told, o.type).toBe(o.routed && o.type !== 'Certificate Issued' && o.type !== 'Certificate Renewed' && o.type !== 'Issuance Approved');
  });

  it('marks an expiry within a week critical and names the certificate and where it lives', () => {
    // Act
    const n = notificationFor({ 'detail-type': 'Certificate Expiring', detail: { certificateId: 'api', daysRemaining: 5, thresholdDays: 7, locator: 'api', notAfter: '2027-01-01T00:00:00Z' } });
    // Assess
    expect(n).toEqual({ severity: 'critical', title: 'Certificate api expires in 5 days', text: 'api expires at 2027-01-01T00:00:00Z (threshold 7 days)', certificateId: 'api' });
  });

  it('lists the email addresses of an approval request with its other names, so approvers see them', () => {
    // Prepare
    const detail = {
      requestId: 'req_1', certificateId: 'mail', contentHash: 'h', requester: 'carol', requiredApprovals: 1, deadline: '2027-01-01T00:00:00Z',
      names: { dns: ['mail.example.com'], ip: [], uri: [], email: ['Ops@example.com'] }, issuer: { kind: 'local-ca', name: 'local' }, keyAlgorithm: 'EC_P256', reason: 'r',
    };

    // Act
    const n = notificationFor({ 'detail-type': 'Approval Requested', detail });

    // Assess
    expect(n?.approval?.names).toEqual(['mail.example.com', 'Ops@example.com']);
  });
});
