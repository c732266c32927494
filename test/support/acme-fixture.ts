import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../src/ports/clock.port.js';
import { loadLocalConfig, openLocalRuntime, type LocalRuntime } from '../../src/composition/local-runtime.js';
import { afterAll, beforeAll } from 'vitest';
import { PebbleHarness, type PebbleOptions } from './pebble.js';
import type { AppDeps } from '../../src/app/deps.js';
import type { DnsProvider } from '../../src/ports/dns-provider.port.js';
import { CertflowError, ErrorCodes } from '../../src/domain/errors/index.js';
import { AcmeIssuer, type AcmeOptions } from '../../src/adapters/acme/index.js';
import { ChalltestsrvDnsProvider, type ChalltestsrvOptions } from '../../src/adapters/dns/challtestsrv/index.js';

export interface AcmeCertificate {
  readonly id: string;
  readonly dnsNames: readonly string[];
}

/** A data directory and config whose issuer is `acme` on the harness's Pebble, DNS-01 through challtestsrv. */
export class AcmeFixture {
  readonly dir = mkdtempSync(join(tmpdir(), 'certflow-acme-'));
  readonly configPath = join(this.dir, 'certflow.yaml');
  readonly rootFile = join(this.dir, 'pebble-root.pem');
  private readonly open_: LocalRuntime[] = [];

  constructor(
    private readonly pebble: PebbleHarness,
    certificates: readonly AcmeCertificate[],
    private readonly extraOptions: Readonly<Record<string, unknown>> = {},
  ) {
    this.setCertificates(certificates);
  }

  /** Rewrites the config with these certificates (same data directory, same ACME account). */
  setCertificates(certificates: readonly AcmeCertificate[]): void {
    const pebble = this.pebble;
    const extraOptions = this.extraOptions;
    const options = {
      directoryUrl: pebble.directoryUrl,
      dnsProvider: 'chall',
      caFile: pebble.tlsCaFile,
      trustAnchorsFile: this.rootFile,
      pollMs: 50,
      ...extraOptions,
    };
    const config = {
      dataDir: 'data',
      issuers: [{ name: 'pebble', kind: 'acme', options }],
      dnsProviders: [{ name: 'chall', kind: 'challtestsrv', options: { managementUrl: pebble.challtestsrvUrl } }],
      policy: { autoApprove: [{ name: 'all', names: ['**.test'] }] },
      certificates: certificates.map((c) => ({ id: c.id, dnsNames: c.dnsNames, issuer: 'pebble', owner: 'team-web' })),
    };
    writeFileSync(this.configPath, JSON.stringify(config, null, 2));
  }

  async init(): Promise<this> {
    writeFileSync(this.rootFile, await this.pebble.rootPem());
    return this;
  }

  /** The data directory's runtime; `clock` defaults to the system clock (Pebble's certificates are dated now). */
  async open(clock: Clock = systemClock): Promise<LocalRuntime> {
    const rt = await openLocalRuntime(loadLocalConfig(this.configPath), clock);
    this.open_.push(rt);
    return rt;
  }

  async dispose(): Promise<void> {
    for (const rt of this.open_.splice(0)) await rt.close().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Fresh names per test run, so Pebble's authorization reuse never links two tests. */
export function freshName(label: string): string {
  return `${label}-${Math.random().toString(36).slice(2, 10)}.certflow.test`;
}

/** The system clock moved by hand: a recovery run "after the lease lapsed" without waiting for it. */
export class OffsetClock implements Clock {
  private offset = 0;
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

/**
 * Starts one Pebble for the enclosing describe block and stops it, with every fixture made
 * through `fixture()`, afterwards.
 */
export function usePebble(options: PebbleOptions = {}): { pebble: () => PebbleHarness; fixture: (certs: readonly AcmeCertificate[], extra?: Readonly<Record<string, unknown>>) => Promise<AcmeFixture> } {
  let pebble: PebbleHarness | undefined;
  const fixtures: AcmeFixture[] = [];
  beforeAll(async () => {
    pebble = await PebbleHarness.start(options);
  });
  afterAll(async () => {
    for (const fx of fixtures.splice(0)) await fx.dispose();
    await pebble?.stop();
  });
  const get = () => {
    if (!pebble) throw new Error('Pebble is not running');
    return pebble;
  };
  return {
    pebble: get,
    fixture: async (certs, extra = {}) => {
      const fx = await new AcmeFixture(get(), certs, extra).init();
      fixtures.push(fx);
      return fx;
    },
  };
}

/** The runtime's deps with its ACME issuer rebuilt over a DNS provider that counts its calls. */
export function withCountingDns(
  rt: LocalRuntime,
  faults: { failPublishes?: number; wrongValues?: boolean } = {},
): { deps: AppDeps; calls: { publish: number; remove: number } } {
  const settings = rt.config.issuers[0]!;
  const dnsSettings = rt.config.dnsProviders[0]!;
  const real = new ChalltestsrvDnsProvider(dnsSettings.name, dnsSettings.options as ChalltestsrvOptions);
  const calls = { publish: 0, remove: 0 };
  const provider: DnsProvider = {
    kind: real.kind,
    name: real.name,
    publish: (records) => {
      calls.publish++;
      if (calls.publish <= (faults.failPublishes ?? 0)) {
        return Promise.reject(new CertflowError(ErrorCodes.DNS_UNAVAILABLE, 'Route 53 change failed (Throttling)', { retryable: true }));
      }
      return real.publish(faults.wrongValues ? records.map((r) => ({ ...r, value: `wrong-${r.value.slice(6)}` })) : records);
    },
    isPropagated: (change) => real.isPropagated(change),
    remove: (records) => {
      calls.remove++;
      return real.remove(faults.wrongValues ? records.map((r) => ({ ...r, value: `wrong-${r.value.slice(6)}` })) : records);
    },
  };
  const issuer = new AcmeIssuer(
    { clock: rt.deps.clock, keys: rt.deps.keys, state: rt.deps.state, dnsProviders: { get: () => provider } },
    settings.name,
    settings.options as AcmeOptions,
  );
  return { deps: { ...rt.deps, issuers: { get: () => issuer } }, calls };
}
