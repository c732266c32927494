import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCycle } from '../../../src/app/run-cycle.use-case.js';
import { Inventory, Requests } from '../../../src/app/stores.js';
import type { AppDeps } from '../../../src/app/deps.js';
import { CertflowError, ErrorCodes } from '../../../src/domain/errors/index.js';
import type { Delivery, Destination } from '../../../src/ports/destination.port.js';
import { LocalFixture } from '../../support/local-fixture.js';

const CONFIG = `
dataDir: data
issuers: [{ name: local, kind: local-ca }]
policy: { autoApprove: [{ name: all, names: ['**.example.com'] }] }
certificates:
  - { id: api, dnsNames: [api.example.com], issuer: local, owner: team-api }
`;

/** A destination that answers as told and records what it was given. */
function scripted(name: string, answers: (() => Promise<{ location: string }>)[]): Destination & { deliveries: Delivery[] } {
  const deliveries: Delivery[] = [];
  return {
    kind: 'scripted',
    name,
    needsPrivateKey: false,
    deliveries,
    deliver: (d) => {
      deliveries.push(d);
      return (answers.shift() ?? (() => Promise.resolve({ location: `${name}:${d.versionId}` })))();
    },
  };
}

describe('delivery after promotion', () => {
  const fixtures: LocalFixture[] = [];
  afterEach(async () => {
    for (const fx of fixtures.splice(0)) await fx.dispose();
  });

  async function open() {
    const fx = new LocalFixture(CONFIG);
    fixtures.push(fx);
    const rt = await fx.open();
    return { fx, rt };
  }

  it('fails the request with the destination’s code when it refuses, and leaves the new certificate CURRENT', async () => {
    // Prepare
    const { fx, rt } = await open();
    const acm = scripted('alb', [() => Promise.reject(new CertflowError(ErrorCodes.DESTINATION_REJECTED, 'ACM refused ImportCertificate (re-import) (ValidationException)'))]);
    const deps: AppDeps = { ...rt.deps, destinations: { forCertificate: () => [acm] } };
    // Act
    await runCycle(deps)(rt.config.certificates);
    // Assess
    const api = (await new Inventory(rt.deps.state).get('api'))?.data;
    expect(api?.revision).toBe(1);
    const current = await rt.deps.keys.getVersion('certflow/api', { label: 'CURRENT' });
    expect(current?.versionId).toMatch(/^r1-/);
    const [request] = await collect(new Requests(rt.deps.state).all());
    expect(request).toMatchObject({ state: 'failed', progress: { lastError: { code: 'DESTINATION.REJECTED', retryable: false } } });
    expect(acm.deliveries[0]?.material.privateKeyPem).toBeUndefined();
    await rt.close();
    const log = readFileSync(join(fx.dir, 'data', 'events.jsonl'), 'utf8');
    expect(log).toMatch(/"Issuance Failed".*DESTINATION\.REJECTED/);
  });

  it('delivers again after the backoff when the failure was retryable, skipping destinations already done, and then closes the request', async () => {
    // Prepare
    const { fx, rt } = await open();
    const web = scripted('web', []);
    const alb = scripted('alb', [() => Promise.reject(new CertflowError(ErrorCodes.DESTINATION_UNAVAILABLE, 'throttled', { retryable: true }))]);
    const deps: AppDeps = { ...rt.deps, destinations: { forCertificate: () => [web, alb] } };
    // Act
    await runCycle(deps)(rt.config.certificates);
    fx.clock.advance(60 * 60_000);
    await runCycle(deps)(rt.config.certificates);
    // Assess
    expect(web.deliveries).toHaveLength(1);
    expect(alb.deliveries).toHaveLength(2);
    const api = (await new Inventory(rt.deps.state).get('api'))?.data;
    expect(Object.fromEntries(Object.entries(api?.deliveries ?? {}).map(([k, v]) => [k, v.location]))).toEqual({
      web: `web:${web.deliveries[0]?.versionId ?? ''}`,
      alb: `alb:${alb.deliveries[1]?.versionId ?? ''}`,
    });
    const requests = await collect(new Requests(rt.deps.state).all());
    expect(requests.map((r) => r.state)).toEqual(['issued']);
  });
});

async function collect<T>(items: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const i of items) out.push(i);
  return out;
}
