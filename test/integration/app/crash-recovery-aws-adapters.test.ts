import { createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AcmDestination, ImportPacer, sameSerial } from '../../../src/adapters/aws/acm-destination/acm.destination.js';
import { PrivateCaIssuer } from '../../../src/adapters/aws/private-ca/private-ca.issuer.js';
import { SecretsManagerKeyStore } from '../../../src/adapters/aws/secrets-manager/secrets-manager.key-store.js';
import { DirectoryDestination } from '../../../src/adapters/local/directory-destination/directory.destination.js';
import { runCycle } from '../../../src/app/run-cycle.use-case.js';
import type { AppDeps } from '../../../src/app/deps.js';
import type { Destination } from '../../../src/ports/destination.port.js';
import { CrashInjector, SimulatedCrash } from '../../support/crash-injector.js';
import { LocalFixture } from '../../support/local-fixture.js';
import { FakeAcm } from '../../fakes/fake-acm.js';
import { CA_ARN, FakePrivateCa } from '../../fakes/fake-private-ca.js';
import { FakeSecretsManager } from '../../fakes/fake-secrets-manager.js';

const CONFIG = `
dataDir: data
issuers: [{ name: pca, kind: local-ca }]
policy: { autoApprove: [{ name: all, names: ['**.example.com'] }] }
certificates:
  - { id: api, dnsNames: [api.example.com], issuer: pca, owner: team-api, validityDays: 30 }
`;

/** A port call made by the use case, named for the steps the issue lists. */
interface Traced {
  readonly call: number;
  readonly name: string;
}

/** Names each call the injector counts, by wrapping outside it. */
function tracing<T extends object>(target: T, label: string, trace: Traced[], injector: CrashInjector): T {
  return new Proxy(target, {
    get: (obj, prop, receiver) => {
      const value: unknown = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        trace.push({ call: injector.callCount + 1, name: `${label}.${String(prop)}${describeArgs(prop, args)}` });
        return (value as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  });
}

function describeArgs(prop: string | symbol, args: unknown[]): string {
  if (prop === 'putVersion') return `(${String((args[3] as string[]).join(','))})`;
  if (prop === 'moveLabel' || prop === 'removeLabel') return `(${String(args[1])})`;
  return '';
}

describe('issuance on Private CA + Secrets Manager + destinations after a crash', () => {
  const fixtures: LocalFixture[] = [];
  afterEach(async () => {
    for (const fx of fixtures.splice(0)) await fx.dispose();
  });

  async function crashThenRecover(at: number, when: 'before' | 'after') {
    const fx = new LocalFixture(CONFIG, new Date());
    fixtures.push(fx);
    // Time moves 2.5 s per reading, so a run waiting on a pending Private CA step (which
    // it does for a few seconds of its own clock) finds it due without waiting in real time.
    const read = fx.clock.now.bind(fx.clock);
    fx.clock.now = () => {
      fx.clock.advance(2_500);
      return read();
    };
    // The services outlive the crashed process; only certflow's process dies.
    const sm = new FakeSecretsManager();
    const pca = new FakePrivateCa(() => fx.clock.now());
    pca.pollsBeforeReady = 1;
    const acm = new FakeAcm();
    const hookLog = join(fx.dir, 'hook.log');
    const build = (): { keys: SecretsManagerKeyStore; issuer: PrivateCaIssuer; destinations: Destination[] } => ({
      keys: new SecretsManagerKeyStore({ client: sm.client() }),
      issuer: new PrivateCaIssuer({ client: pca.client(), clock: fx.clock }, 'pca', { certificateAuthorityArn: CA_ARN }),
      destinations: [
        new DirectoryDestination({ resolvePath: (p) => join(fx.dir, p), sleep: async () => undefined }, 'web', { path: 'live', reloadCommand: `echo "$CERTFLOW_SERIAL" >> ${hookLog}` }),
        new AcmDestination({ client: acm.client(), region: 'eu-west-1', pacer: new ImportPacer() }, 'alb', { minIntervalMs: 0, tags: { app: 'api' } }),
      ],
    });
    const injector = new CrashInjector(at, when);
    const trace: Traced[] = [];
    const rt = await fx.open();
    const a = build();
    const crashy: AppDeps = {
      ...rt.deps,
      state: tracing(injector.wrap(rt.deps.state), 'state', trace, injector),
      outbox: tracing(injector.wrap(rt.deps.outbox), 'outbox', trace, injector),
      keys: tracing(injector.wrap(a.keys), 'keys', trace, injector),
      issuers: { get: () => tracing(injector.wrap(a.issuer), 'issuer', trace, injector) },
      destinations: { forCertificate: () => a.destinations.map((d) => tracing(injector.wrap(d), `destination ${d.name}`, trace, injector)) },
    };
    const runUntilQuiet = async (deps: AppDeps) => {
      // Private CA answers later: each run after the pending step's resumeAfter moves it on.
      for (let i = 0; i < 4; i++) {
        await runCycle(deps)(rt.config.certificates);
        fx.clock.advance(10_000);
      }
    };
    const crashed = await runUntilQuiet(crashy).then(
      () => false,
      (error: unknown) => {
        if (!(error instanceof SimulatedCrash)) throw error;
        return true;
      },
    );
    // Recovery comes once the crashed worker's lease (five minutes) has lapsed, as a scheduler's
    // would: by then IssueCertificate's idempotency token (five minutes) has lapsed too.
    fx.clock.advance(5 * 60_000 + 1_000);
    const rt2 = await fx.open();
    const b = build();
    const healthy: AppDeps = { ...rt2.deps, keys: b.keys, issuers: { get: () => b.issuer }, destinations: { forCertificate: () => b.destinations } };
    await runUntilQuiet(healthy);
    return { crashed, trace, sm, pca, acm, keys: b.keys, hookLog, calls: injector.callCount };
  }

  it('converges after a crash at every port call: one CURRENT with its own key, one issuance at the CA, every destination delivered', async () => {
    // Prepare: a clean run, and the calls it makes
    const clean = await crashThenRecover(Number.MAX_SAFE_INTEGER, 'before');
    expect(clean.crashed).toBe(false);
    const named = (pattern: RegExp) => clean.trace.find((t) => pattern.test(t.name))?.call ?? -1;
    const steps = {
      'after AWSPENDING': named(/^keys\.putVersion\(PENDING\)$/),
      'after the pair test (read-back)': named(/^keys\.moveLabel\(CURRENT\)$/) - 1,
      'after promotion': named(/^keys\.moveLabel\(CURRENT\)$/),
      'after destination web': named(/^destination web\.deliver$/),
      'after destination alb': named(/^destination alb\.deliver$/),
    };
    for (const call of Object.values(steps)) expect(call).toBeGreaterThan(0);
    const submit = named(/^issuer\.submit$/);
    const window: string[] = [];
    for (const when of ['before', 'after'] as const) {
      for (let at = 1; at <= clean.calls; at++) {
        // Act
        const { crashed, sm, pca, acm, keys, hookLog } = await crashThenRecover(at, when);
        // Assess
        const label = `crash ${when} call ${at.toString()} (${Object.entries(steps).find(([, c]) => c === at)?.[0] ?? ''})`;
        expect(crashed, label).toBe(true);
        const current = await keys.getVersion('certflow/api', { label: 'CURRENT' });
        expect(current?.versionId, label).toMatch(/^r1-/);
        const certKey = new X509Certificate(current?.material.certificatePem ?? '').publicKey.export({ type: 'spki', format: 'der' });
        const ownKey = createPublicKey(current?.material.privateKeyPem ?? '').export({ type: 'spki', format: 'der' });
        expect(Buffer.compare(certKey, ownKey), label).toBe(0);
        const secret = sm.secrets.get('certflow/api');
        expect([...(secret?.versions.values() ?? [])].filter((v) => v.stages.has('AWSCURRENT')), label).toHaveLength(1);
        // The one window no idempotency token closes: IssueCertificate answered, the process died
        // before the ARN was recorded, and recovery came after the token's five minutes.
        if ((when === 'after' && at === submit) || (when === 'before' && at === submit + 1)) {
          window.push(label);
          expect(pca.issued.length, label).toBeLessThanOrEqual(2);
        } else {
          expect(pca.issued, label).toHaveLength(1);
        }
        const serial = new X509Certificate(current?.material.certificatePem ?? '').serialNumber;
        expect(readFileSync(join(hookLog), 'utf8').trim().split('\n').at(-1), label).toBe(serial);
        expect([...acm.certificates.values()].map((c) => sameSerial(c.serial, serial)), label).toEqual([true]);
      }
    }
    expect(window).toEqual([`crash before call ${(submit + 1).toString()} ()`, `crash after call ${submit.toString()} ()`]);
  }, 300_000);
});
