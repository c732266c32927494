import { describe, expect, it } from 'vitest';
import { X509Certificate, createPublicKey } from 'node:crypto';
import { runCycle } from '../../../src/app/run-cycle.use-case.js';
import type { AppDeps } from '../../../src/app/deps.js';
import { AcmeIssuer, type AcmeOptions } from '../../../src/adapters/acme/index.js';
import type { AcmeModule } from '../../../src/adapters/acme/acme.session.js';
import type { DnsProvider } from '../../../src/ports/dns-provider.port.js';
import { SimulatedCrash } from '../../support/crash-injector.js';
import { pebbleInstalled } from '../../support/pebble.js';
import { OffsetClock, freshName, usePebble } from '../../support/acme-fixture.js';
import type { LocalRuntime } from '../../../src/composition/local-runtime.js';

type CrashPoint = 'key' | 'order-recorded' | 'order-created' | 'txt-published' | 'finalized' | 'downloaded';

/**
 * Stands for the process dying at one point: once hit, every later call through any wrapped
 * port, and every ACME request, fails with SimulatedCrash, so nothing after it is persisted.
 */
class Killswitch {
  dead = false;
  constructor(private readonly point: CrashPoint) {}

  check(): void {
    if (this.dead) throw new SimulatedCrash(0);
  }

  reached(point: CrashPoint | undefined): void {
    if (point === this.point && !this.dead) {
      this.dead = true;
      throw new SimulatedCrash(0);
    }
  }

  wrap<T extends object>(target: T, classify: (method: string, args: unknown[]) => CrashPoint | undefined = () => undefined): T {
    return new Proxy(target, {
      get: (obj, prop, receiver) => {
        const value: unknown = Reflect.get(obj, prop, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          this.check();
          const result: unknown = await (value as (...a: unknown[]) => unknown).apply(obj, args);
          this.check();
          this.reached(classify(String(prop), args));
          return result;
        };
      },
    });
  }

  /** acme-client whose signed requests die with the process. */
  async acme(): Promise<AcmeModule> {
    const real = ((await import('acme-client')) as unknown as { default: { Client: new (o: unknown) => object; axios: AcmeModule['axios'] } }).default;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const ks = this;
    class DyingClient extends real.Client {
      constructor(opts: unknown) {
        super(opts);
        const http = (this as unknown as { api: { http: { signedRequest: (...a: unknown[]) => Promise<{ status: number }> } } }).api.http;
        const original = http.signedRequest.bind(http);
        http.signedRequest = async (...args: unknown[]) => {
          ks.check();
          const response = await original(...args);
          ks.check();
          const path = new URL(String(args[0])).pathname;
          if (path.startsWith('/order-plz') && response.status === 201) ks.reached('order-created');
          if (path.startsWith('/finalize-order/') && response.status === 200) ks.reached('finalized');
          if (path.startsWith('/certZ/') && response.status === 200) ks.reached('downloaded');
          return response;
        };
      }
    }
    return { Client: DyingClient, axios: real.axios };
  }
}

describe.runIf(pebbleInstalled())('ACME issuance after a crash (Pebble behind a recording proxy)', () => {
  const suite = usePebble({ lane: 'deterministic', proxy: true });

  function issuerOn(rt: LocalRuntime, ks: Killswitch, deps: AppDeps): AcmeIssuer {
    const settings = rt.config.issuers[0]!;
    const dns = rt.config.dnsProviders[0]!;
    const provider: DnsProvider = ks.wrap(
      { kind: 'challtestsrv', name: dns.name, ...dnsMethods() },
      (method) => (method === 'publish' ? 'txt-published' : undefined),
    );
    return new AcmeIssuer({ clock: deps.clock, keys: deps.keys, dnsProviders: { get: () => provider }, loadAcme: () => ks.acme() }, settings.name, settings.options as AcmeOptions);
  }

  let dnsImpl: DnsProvider | undefined;
  function dnsMethods(): Pick<DnsProvider, 'publish' | 'isPropagated' | 'remove'> {
    return {
      publish: (records) => dnsImpl!.publish(records),
      isPropagated: (change) => dnsImpl!.isPropagated(change),
      remove: (records) => dnsImpl!.remove(records),
    };
  }

  async function crashThenRecover(point: CrashPoint) {
    const names = [freshName(point), freshName(`${point}-www`)];
    const pebble = suite.pebble();
    const fx = await suite.fixture([{ id: 'site', dnsNames: names }]);
    const clock = new OffsetClock();
    const before = { ...pebble.proxy!.counts };
    const ks = new Killswitch(point);
    const rt1 = await fx.open(clock);
    const { ChalltestsrvDnsProvider } = await import('../../../src/adapters/dns/challtestsrv/index.js');
    dnsImpl = new ChalltestsrvDnsProvider('chall', { managementUrl: pebble.challtestsrvUrl });
    const crashy: AppDeps = {
      ...rt1.deps,
      state: ks.wrap(rt1.deps.state, (method, args) => {
        const data = (args[0] as { data?: { progress?: { issuerHandle?: { stage?: string } } } } | undefined)?.data;
        return method === 'write' && data?.progress?.issuerHandle?.stage === 'authorize' ? 'order-recorded' : undefined;
      }),
      outbox: ks.wrap(rt1.deps.outbox),
      keys: ks.wrap(rt1.deps.keys, (method, args) => (method === 'putVersion' && (args[3] as string[]).includes('RESERVED') ? 'key' : undefined)),
    };
    const issuer = issuerOn(rt1, ks, crashy);
    // A loaded machine may need more than one cycle to reach the point: bounded.
    let crashed = false;
    for (let cycle = 0; cycle < 5 && !crashed; cycle++) {
      crashed = await runCycle({ ...crashy, issuers: { get: () => issuer } })(rt1.config.certificates).then(
        () => false,
        (error: unknown) => {
          if (!(error instanceof SimulatedCrash)) throw error;
          return true;
        },
      );
    }
    await rt1.close();
    // The next process comes after the issuing lease lapsed, as a scheduler would.
    clock.advance(6 * 60_000);
    const rt2 = await fx.open(clock);
    let issued = 0;
    for (let cycle = 0; cycle < 3 && issued === 0; cycle++) {
      const report = await runCycle(rt2.deps)(rt2.config.certificates);
      issued += report.work.filter((w) => w.status === 'issued').length;
    }
    const after = pebble.proxy!.counts;
    const versions = await rt2.deps.keys.listVersions('certflow/site');
    const current = await rt2.deps.keys.getVersion('certflow/site', { label: 'CURRENT' });
    const txt = [...(await pebble.txt(`_acme-challenge.${names[0]!}`)), ...(await pebble.txt(`_acme-challenge.${names[1]!}`))];
    return {
      crashed,
      issued,
      orders: after.newOrder - before.newOrder,
      finalizations: after.finalize - before.finalize,
      versions,
      current,
      txt,
    };
  }

  const points: CrashPoint[] = ['key', 'order-recorded', 'txt-published', 'finalized', 'downloaded'];
  for (const point of points) {
    it(`converges after a crash right after the step "${point}": one order, one finalization, its own key, no TXT left`, async () => {
      // Act
      const r = await crashThenRecover(point);

      // Assess
      expect(r.crashed).toBe(true);
      expect(r.issued).toBe(1);
      expect(r.orders).toBe(1);
      expect(r.finalizations).toBe(1);
      expect(r.txt).toEqual([]);
      // No orphan key: one key-only version (label gone) and one bundle, with that same key.
      expect(r.versions).toHaveLength(2);
      expect(r.versions.flatMap((v) => v.labels)).not.toContain('RESERVED');
      const cert = new X509Certificate(r.current!.material.certificatePem!);
      expect(cert.publicKey.export({ type: 'spki', format: 'der' })).toEqual(
        createPublicKey(r.current!.material.privateKeyPem).export({ type: 'spki', format: 'der' }),
      );
    });
  }

  it('after a crash between the CA creating the order and certflow recording it, still finalizes once (the unrecorded order is left to expire)', async () => {
    // Act
    const r = await crashThenRecover('order-created');

    // Assess
    expect(r.crashed).toBe(true);
    expect(r.issued).toBe(1);
    expect(r.finalizations).toBe(1);
    expect(r.orders).toBe(2);
    expect(r.txt).toEqual([]);
  });
});
