import { afterEach, describe, expect, it } from 'vitest';
import { runCycle } from '../../../src/app/run-cycle.use-case.js';
import { submitRequest } from '../../../src/app/submit-request.use-case.js';
import { processDueRequests } from '../../../src/app/process-due-requests.use-case.js';
import { requestCertificate } from '../../../src/app/request-certificate.use-case.js';
import type { StateStore } from '../../../src/ports/state-store.port.js';
import { createOnce } from '../../../src/app/persistence.js';
import { keys, newManagedRecord, type CertificateRecord } from '../../../src/app/records.js';
import { LocalFixture } from '../../support/local-fixture.js';

const CONFIG = (certificate: string, caOptions = '{}') => `
dataDir: data
issuers: [{ name: local, kind: local-ca, options: ${caOptions} }]
policy: { autoApprove: [{ name: all, names: ['**.example.com'] }] }
certificates:
  - ${certificate}
`;

describe('requests that lost their way', () => {
  const fixtures: LocalFixture[] = [];
  afterEach(async () => {
    for (const fx of fixtures.splice(0)) await fx.dispose();
  });

  function fixture(config: string) {
    const fx = new LocalFixture(config);
    fixtures.push(fx);
    return fx;
  }

  it('issues a request whose planner stopped before claiming the certificate for it', async () => {
    // Prepare: the request is written, the certificate never pointed at it (a crash in between)
    const fx = fixture(CONFIG('{ id: api, dnsNames: [api.example.com], issuer: local, owner: team }'));
    const rt = await fx.open();
    const managed = rt.config.certificates[0]!;
    await createOnce(rt.deps.state, keys.certificate('api'), newManagedRecord(managed.spec, fx.clock.now()));
    await submitRequest(rt.deps)({ spec: managed.spec, revision: 1, reason: 'new', requester: 'team' });
    // Act
    const outcomes = await processDueRequests(rt.deps)();
    // Assess
    expect(outcomes).toEqual([expect.objectContaining({ status: 'issued', certificateId: 'api', revision: 1 })]);
    const meta = await rt.deps.state.get<CertificateRecord>(keys.certificate('api'));
    expect(meta?.data.revision).toBe(1);
    expect(meta?.data.pendingRequestId).toBeUndefined();
  });

  it('issues the same revision from a fixed configuration after a request for it failed for good', async () => {
    // Prepare: the CA refuses a 365-day certificate
    const fx = fixture(CONFIG('{ id: api, dnsNames: [api.example.com], issuer: local, owner: team, validityDays: 365 }', '{ maxValidityDays: 90 }'));
    const first = await runCycle((await fx.open()).deps)((await fx.open()).config.certificates);
    fx.writeConfig(CONFIG('{ id: api, dnsNames: [api.example.com], issuer: local, owner: team, validityDays: 60, keyAlgorithm: EC_P384 }', '{ maxValidityDays: 90 }'));
    // Act
    const rt = await fx.open();
    const fixed = await runCycle(rt.deps)(rt.config.certificates);
    // Assess
    expect(first.work).toEqual([expect.objectContaining({ status: 'failed', code: 'ISSUER.REJECTED', retryable: false })]);
    expect(fixed.work).toEqual([expect.objectContaining({ status: 'issued', certificateId: 'api', revision: 1 })]);
    const meta = await rt.deps.state.get<CertificateRecord>(keys.certificate('api'));
    expect(meta?.data.current?.keyAlgorithm).toBe('EC_P384');
  });

  it('issues an unclaimed request when the certificate still points at a request that failed for good', async () => {
    // Prepare: P1 fails for good; a fixed request is written but its planner stops before claiming
    const fx = fixture(CONFIG('{ id: api, dnsNames: [api.example.com], issuer: local, owner: team, validityDays: 365 }', '{ maxValidityDays: 90 }'));
    await runCycle((await fx.open()).deps)((await fx.open()).config.certificates);
    fx.writeConfig(CONFIG('{ id: api, dnsNames: [api.example.com], issuer: local, owner: team, validityDays: 60 }', '{ maxValidityDays: 90 }'));
    const rt = await fx.open();
    await submitRequest(rt.deps)({ spec: rt.config.certificates[0]!.spec, revision: 1, reason: 'new', requester: 'team' });
    // Act
    const outcomes = await processDueRequests(rt.deps)();
    // Assess
    expect(outcomes).toEqual([expect.objectContaining({ status: 'issued', certificateId: 'api', revision: 1 })]);
  });

  it('completes a manual request that a concurrent worker issued before the command claimed it', async () => {
    // Prepare: P1 fails for good; a worker runs right after `certflow request` writes its request
    const fx = fixture(CONFIG('{ id: api, dnsNames: [api.example.com], issuer: local, owner: team, validityDays: 365 }', '{ maxValidityDays: 90 }'));
    await runCycle((await fx.open()).deps)((await fx.open()).config.certificates);
    fx.writeConfig(CONFIG('{ id: api, dnsNames: [api.example.com], issuer: local, owner: team, validityDays: 60 }', '{ maxValidityDays: 90 }'));
    const rt = await fx.open();
    let worked: unknown[] = [];
    const racing: StateStore = {
      ...rt.deps.state,
      get: (k) => rt.deps.state.get(k),
      query: (pk, o) => rt.deps.state.query(pk, o),
      queryDue: (u, o) => rt.deps.state.queryDue(u, o),
      listPartitions: (p, o) => rt.deps.state.listPartitions(p, o),
      write: async (w) => {
        const result = await rt.deps.state.write(w);
        if (worked.length === 0 && w.key.pk.startsWith('REQ#') && w.condition.kind === 'absent') worked = await processDueRequests(rt.deps)();
        return result;
      },
    };
    // Act
    const request = await requestCertificate({ ...rt.deps, state: racing })({ certificate: rt.config.certificates[0]!, requester: 'carol' });
    // Assess
    expect(worked).toEqual([expect.objectContaining({ status: 'issued', requestId: request.id })]);
    const meta = await rt.deps.state.get<CertificateRecord>(keys.certificate('api'));
    expect(meta?.data.revision).toBe(1);
  });
});
