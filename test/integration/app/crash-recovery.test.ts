import { afterEach, describe, expect, it } from 'vitest';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { runCycle } from '../../../src/app/run-cycle.use-case.js';
import type { AppDeps } from '../../../src/app/deps.js';
import type { CertificateIssuer, IssuanceOrder } from '../../../src/ports/issuer.port.js';
import { CrashInjector, SimulatedCrash } from '../../support/crash-injector.js';
import { LocalFixture } from '../../support/local-fixture.js';

const AUTO_ONLY = `
dataDir: data
issuers: [{ name: local, kind: local-ca }]
policy: { autoApprove: [{ name: all, names: ['**.example.com'] }] }
certificates:
  - { id: api, dnsNames: [api.example.com], issuer: local, owner: team-api }
`;

/** Records every certificate the issuer hands out, per order. */
function recordingIssuer(issuer: CertificateIssuer, issued: Map<string, Set<string>>): CertificateIssuer {
  const note = async (order: IssuanceOrder, step: ReturnType<CertificateIssuer['submit']>) => {
    const result = await step;
    if (result.status === 'issued') {
      const serial = new X509Certificate(result.certificate.certificatePem).serialNumber;
      issued.set(order.orderId, (issued.get(order.orderId) ?? new Set()).add(serial));
    }
    return result;
  };
  return {
    kind: issuer.kind,
    name: issuer.name,
    needsPrivateKey: issuer.needsPrivateKey,
    submit: (order) => note(order, issuer.submit(order)),
    resume: (order, handle) => note(order, issuer.resume(order, handle)),
    revoke: (request) => issuer.revoke(request),
    trustAnchorsPem: () => issuer.trustAnchorsPem(),
  };
}

describe('issuance after a crash', () => {
  const fixtures: LocalFixture[] = [];
  afterEach(async () => {
    for (const fx of fixtures.splice(0)) await fx.dispose();
  });

  async function crashThenRecover(at: number, when: 'before' | 'after') {
    const fx = new LocalFixture(AUTO_ONLY);
    fixtures.push(fx);
    const issued = new Map<string, Set<string>>();
    const injector = new CrashInjector(at, when);
    const rt = await fx.open();
    const crashy: AppDeps = {
      ...rt.deps,
      state: injector.wrap(rt.deps.state),
      outbox: injector.wrap(rt.deps.outbox),
      keys: injector.wrap(rt.deps.keys),
      issuers: { get: (name) => injector.wrap(recordingIssuer(rt.deps.issuers.get(name), issued)) },
    };
    const crashed = await runCycle(crashy)(rt.config.certificates).then(
      () => false,
      (error: unknown) => {
        if (!(error instanceof SimulatedCrash)) throw error;
        return true;
      },
    );
    // The next run comes after the issuing lease has lapsed, as a scheduler would.
    fx.clock.advance(6 * 60_000);
    const rt2 = await fx.open();
    const healthy: AppDeps = { ...rt2.deps, issuers: { get: (name) => recordingIssuer(rt2.deps.issuers.get(name), issued) } };
    await runCycle(healthy)(rt2.config.certificates);
    await runCycle(healthy)(rt2.config.certificates);
    return { crashed, issued, calls: injector.callCount, rt: rt2 };
  }

  it('converges with one certificate and its own key after a crash at any port call', async () => {
    // Prepare: how many port calls a clean run makes
    const clean = await crashThenRecover(Number.MAX_SAFE_INTEGER, 'before');
    expect(clean.crashed).toBe(false);
    const points = clean.calls;
    expect(points).toBeGreaterThan(10);
    for (const when of ['before', 'after'] as const) {
      for (let at = 1; at <= points; at++) {
        // Act
        const { crashed, issued, rt } = await crashThenRecover(at, when);
        // Assess
        expect(crashed, `crash ${when} call ${at.toString()}`).toBe(true);
        const orders = [...issued.values()].map((serials) => serials.size);
        expect(orders, `one order with one certificate after a crash ${when} call ${at.toString()}`).toEqual([1]);
        const current = await rt.deps.keys.getVersion('certflow/api', { label: 'CURRENT' });
        expect(current?.versionId).toMatch(/^r1-[\w-]{10}$/);
        const certKey = new X509Certificate(current?.material.certificatePem ?? '').publicKey.export({ type: 'spki', format: 'der' });
        const ownKey = createPublicKey(current?.material.privateKeyPem ?? '').export({ type: 'spki', format: 'der' });
        expect(Buffer.compare(certKey, ownKey)).toBe(0);
        const pendingEvents = await rt.deps.outbox.pending(10);
        expect(pendingEvents).toEqual([]);
      }
    }
  }, 120_000);
});
