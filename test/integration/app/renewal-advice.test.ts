import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCycle } from '../../../src/app/run-cycle.use-case.js';
import { planRenewals } from '../../../src/app/plan-renewals.use-case.js';
import { keys, type CertificateRecord } from '../../../src/app/records.js';
import { CertflowError, ErrorCodes } from '../../../src/domain/errors/index.js';
import { readCertificateFacts } from '../../../src/crypto/index.js';
import type { CertificateIssuer, RenewalInfo } from '../../../src/ports/issuer.port.js';
import type { LocalRuntime } from '../../../src/composition/local-runtime.js';
import { renewalDueAt } from '../../../src/domain/renewal-policy.js';
import { DAY, LocalFixture } from '../../support/local-fixture.js';

const HOUR = 3_600_000;

/** The configured local CA, plus the CA renewal advice (ARI) a test scripts: what an ACME CA with renewalInfo answers. */
function advising(rt: LocalRuntime, answer: (now: Date) => RenewalInfo | Error | undefined) {
  const asked: string[] = [];
  const real = rt.deps.issuers.get('local');
  const renewalInfo = (pem: string): Promise<RenewalInfo | undefined> => {
    asked.push(readCertificateFacts(pem).serialNumber);
    const a = answer(rt.deps.clock.now());
    return a instanceof Error ? Promise.reject(a) : Promise.resolve(a);
  };
  const issuer = new Proxy(real, {
    get: (target, p) => (p === 'renewalInfo' ? renewalInfo : (Reflect.get(target, p, target) as unknown)),
  }) as CertificateIssuer;
  return { asked, issuers: { get: () => issuer } };
}

describe('renewal advice from the CA (ACME ARI) in planning', () => {
  let fx: LocalFixture;
  beforeEach(() => {
    fx = new LocalFixture();
  });
  afterEach(() => fx.dispose());

  async function issuedApi() {
    const rt = await fx.open();
    await runCycle(rt.deps)(rt.config.certificates);
    const api = rt.config.certificates.filter((c) => c.spec.id === 'api');
    const record = async () => (await rt.deps.state.get<CertificateRecord>(keys.certificate('api')))?.data;
    /** The renewal policy's own time for the current certificate: 2/3 of its lifetime. */
    const policyTime = async () => {
      const current = (await record())?.current;
      return current ? renewalDueAt({ notBefore: current.notBefore, notAfter: current.notAfter }).toISOString() : '';
    };
    return { rt, api, record, policyTime };
  }

  it('renews at once when the CA\'s window opens before the policy\'s time, asking with the public certificate only (no key store)', async () => {
    // Prepare: issued 2026-11-01, 90 days, policy renews on 2026-12-31; ten days later the CA advises renewing now
    const { rt, api, record } = await issuedApi();
    fx.clock.advance(10 * DAY);
    const ca = advising(rt, (now) => ({ window: { start: new Date(now.getTime() - HOUR), end: new Date(now.getTime() + HOUR) }, renewAt: new Date(now.getTime() - 60_000), checkAgainAt: new Date(now.getTime() + 6 * HOUR) }));
    const serial = (await record())?.current?.serialNumber;
    // Act: the AWS planner's view: state, clock, policy and issuers, no key store
    const [outcome] = await planRenewals({ state: rt.deps.state, clock: rt.deps.clock, policy: rt.deps.policy, issuers: ca.issuers })(api);
    // Assess
    expect(outcome?.action === 'requested' && outcome.request.reason).toBe('renewal');
    expect(ca.asked).toEqual([serial]);
    expect((await record())?.renewalAdvice).toMatchObject({ serialNumber: serial, checkAgainAt: new Date(fx.clock.now().getTime() + 6 * HOUR) });
  });

  it('keeps the policy\'s time when the CA\'s window is later, and asks the CA again only once its Retry-After has passed', async () => {
    // Prepare
    const { rt, api, policyTime } = await issuedApi();
    fx.clock.advance(10 * DAY);
    const later = (now: Date): RenewalInfo => ({ window: { start: new Date(now.getTime() + 70 * DAY), end: new Date(now.getTime() + 72 * DAY) }, renewAt: new Date(now.getTime() + 71 * DAY), checkAgainAt: new Date(now.getTime() + 6 * HOUR) });
    const ca = advising(rt, later);
    const plan = planRenewals({ ...rt.deps, issuers: ca.issuers });
    // Act
    const [first] = await plan(api);
    const [second] = await plan(api);
    fx.clock.advance(6 * HOUR + 1);
    await plan(api);
    // Assess
    expect(first).toMatchObject({ action: 'skipped', why: `not due until ${await policyTime()}` });
    expect(second?.action).toBe('skipped');
    expect(ca.asked).toHaveLength(2);
  });

  it('plans by the policy when the CA cannot be asked, and asks again an hour later, not at every cycle', async () => {
    // Prepare
    const { rt, api, record, policyTime } = await issuedApi();
    fx.clock.advance(10 * DAY);
    const ca = advising(rt, () => new CertflowError(ErrorCodes.ISSUER_UNAVAILABLE, 'renewalInfo unavailable', { retryable: true }));
    const plan = planRenewals({ ...rt.deps, issuers: ca.issuers });
    // Act
    const [first] = await plan(api);
    await plan(api);
    fx.clock.advance(HOUR + 1);
    await plan(api);
    // Assess
    expect(first).toMatchObject({ action: 'skipped', why: `not due until ${await policyTime()}` });
    expect(ca.asked).toHaveLength(2);
    expect((await record())?.renewalAdvice?.renewAt).toBeUndefined();
  });

  it('asks a CA that offers no renewal information again a day later, not at every plan', async () => {
    // Prepare
    const { rt, api, policyTime } = await issuedApi();
    fx.clock.advance(10 * DAY);
    const ca = advising(rt, () => undefined);
    const plan = planRenewals({ ...rt.deps, issuers: ca.issuers });
    // Act
    const [first] = await plan(api);
    await plan(api);
    fx.clock.advance(DAY + 1);
    await plan(api);
    // Assess
    expect(first).toMatchObject({ action: 'skipped', why: `not due until ${await policyTime()}` });
    expect(ca.asked).toHaveLength(2);
  });

  it('drops the advice once the certificate it was about is replaced, and asks about the new one', async () => {
    // Prepare: the CA advises renewing now; the cycle renews
    const { rt, api, record } = await issuedApi();
    fx.clock.advance(10 * DAY);
    const ca = advising(rt, (now) => ({ window: { start: new Date(now.getTime() - HOUR), end: new Date(now.getTime() + HOUR) }, renewAt: new Date(now.getTime() - 60_000), checkAgainAt: new Date(now.getTime() + 6 * HOUR) }));
    const before = (await record())?.current?.serialNumber;
    await runCycle({ ...rt.deps, issuers: ca.issuers })(api);
    const renewed = await record();
    // Act: the CA now says the new certificate is fine for long
    const later = advising(rt, (now) => ({ window: { start: new Date(now.getTime() + 50 * DAY), end: new Date(now.getTime() + 52 * DAY) }, renewAt: new Date(now.getTime() + 51 * DAY), checkAgainAt: new Date(now.getTime() + 6 * HOUR) }));
    const [next] = await planRenewals({ ...rt.deps, issuers: later.issuers })(api);
    // Assess
    expect(renewed?.revision).toBe(2);
    expect(renewed?.current?.serialNumber).not.toBe(before);
    expect(renewed?.renewalAdvice).toBeUndefined();
    expect(later.asked).toEqual([renewed?.current?.serialNumber]);
    expect(next?.action).toBe('skipped');
  });
});
