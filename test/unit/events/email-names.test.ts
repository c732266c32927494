import { describe, expect, it } from 'vitest';
import { approvalRequested, issuanceRequested } from '../../../src/app/lifecycle-events.js';
import { capNames, MAX_NAMES_PER_TYPE } from '../../../src/domain/events/event-size.js';
import { SCHEMA_VERSION } from '../../../src/domain/events/catalogue.js';
import { validateDetail } from '../../../src/domain/events/validate.js';
import { aRequest, aSpec } from '../../support/builders.js';

const withEmail = aRequest({
  state: 'pending_approval',
  approvalDeadline: new Date('2026-11-04T00:00:00.000Z'),
  spec: aSpec({ names: { dns: ['api.internal.example.com'], ip: [], uri: [], email: ['Ops@example.com'] } }),
});

describe('email names in lifecycle events', () => {
  it('carries the emails of a request in events that validate against their schemas (1.2)', () => {
    // Act
    const requested = issuanceRequested(withEmail);
    const approval = approvalRequested(withEmail, 'no auto-approval rule covers every name of the request');

    // Assess
    expect(SCHEMA_VERSION).toBe('1.2');
    expect(requested.detail).toMatchObject({ schemaVersion: '1.2', names: { email: ['Ops@example.com'] } });
    expect(approval.detail).toMatchObject({ names: { email: ['Ops@example.com'] } });
    expect(validateDetail('Issuance Requested', requested.detail)).toMatchObject({ ok: true });
    expect(validateDetail('Approval Requested', approval.detail)).toMatchObject({ ok: true });
  });

  it('leaves email out of events of certificates without one, as a 1.1 consumer expects', () => {
    // Act
    const event = issuanceRequested(aRequest({ state: 'requested' }));

    // Assess
    expect(Object.keys((event.detail as { names: object }).names)).toEqual(['dns', 'ip', 'uri']);
    expect(validateDetail('Issuance Requested', event.detail)).toMatchObject({ ok: true });
  });

  it('refuses an email longer than an address can be', () => {
    // Prepare
    const event = issuanceRequested(withEmail).detail as { names: object };
    const detail = { ...event, names: { ...event.names, email: [`${'x'.repeat(250)}@example.com`] } };

    // Act
    const result = validateDetail('Issuance Requested', detail);

    // Assess
    expect(result).toMatchObject({ ok: false, issues: [{ path: '/names/email/0' }] });
  });

  it('caps emails like other names and counts those left out', () => {
    // Prepare
    const email = Array.from({ length: MAX_NAMES_PER_TYPE + 3 }, (_, i) => `u${i.toString()}@example.com`);

    // Act
    const capped = capNames({ dns: ['a.example.com'], ip: [], uri: [], email });

    // Assess
    expect(capped.names.email).toHaveLength(MAX_NAMES_PER_TYPE);
    expect(capped.namesOmitted).toEqual({ dns: 0, ip: 0, uri: 0, email: 3 });
    expect(capNames({ dns: ['a.example.com'], ip: [], uri: [] })).toEqual({ names: { dns: ['a.example.com'], ip: [], uri: [] } });
  });
});
