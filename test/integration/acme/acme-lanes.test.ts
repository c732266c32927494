import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCycle } from '../../../src/app/run-cycle.use-case.js';
import type { DueOutcome } from '../../../src/app/process-due-requests.use-case.js';
import { EAB_KEYS, pebbleInstalled } from '../../support/pebble.js';
import { freshName, usePebble, withCountingDns } from '../../support/acme-fixture.js';

describe.runIf(pebbleInstalled())('ACME on Pebble with External Account Binding required', () => {
  const suite = usePebble({ lane: 'eab', proxy: true });

  it('fails the request with ACME.ACCOUNT_REFUSED, not retried, when the issuer has no EAB', async () => {
    // Prepare
    const fx = await suite.fixture([{ id: 'web', dnsNames: [freshName('noeab')] }]);
    const rt = await fx.open();

    // Act
    const report = await runCycle(rt.deps)(rt.config.certificates);

    // Assess
    const [outcome] = report.work;
    expect(outcome).toMatchObject({ status: 'failed', code: 'ACME.ACCOUNT_REFUSED', retryable: false });
    expect(outcome?.status === 'failed' ? outcome.message : '').toContain('externalAccountRequired');
    expect(suite.pebble().proxy!.counts.newOrder).toBe(0);
  });

  it('registers with EAB read from the key store and issues; the HMAC key appears in no event, request or config', async () => {
    // Prepare
    const hmac = EAB_KEYS['kid-1'];
    const fx = await suite.fixture([{ id: 'web', dnsNames: [freshName('eab')] }], { eab: { kid: 'kid-1', hmacKey: 'keystore:eab/pebble' } });
    const rt = await fx.open();
    await rt.deps.keys.putVersion('eab/pebble', 'v1', { privateKeyPem: hmac }, ['CURRENT']);

    // Act
    const report = await runCycle(rt.deps)(rt.config.certificates);

    // Assess
    expect(report.work.filter((w) => w.status === 'issued'), JSON.stringify(report.work)).toHaveLength(1);
    expect(readFileSync(fx.configPath, 'utf8')).not.toContain(hmac);
    expect(readFileSync(join(fx.dir, 'data', 'events.jsonl'), 'utf8')).not.toContain(hmac);
    expect(JSON.stringify(report)).not.toContain(hmac);
    const requests = await rt.deps.state.queryDue(new Date(Date.now() + 1e12), { pkPrefix: 'REQ#' });
    expect(JSON.stringify(requests)).not.toContain(hmac);
  });
});

describe.runIf(pebbleInstalled())('ACME on Pebble with pre-approved (already valid) authorizations', () => {
  const suite = usePebble({ lane: 'deterministic', proxy: true, env: { PEBBLE_AUTHZREUSE: '100' } });

  it('completes an order whose authorizations are already valid without touching DNS', async () => {
    // Prepare: a first certificate validates the name; the account's authorization stays valid.
    const name = freshName('approved');
    const fx = await suite.fixture([{ id: 'first', dnsNames: [name] }]);
    const firstRuntime = await fx.open();
    const first = withCountingDns(firstRuntime);
    await runCycle(first.deps)(firstRuntime.config.certificates);
    expect(first.calls.publish).toBe(1);
    fx.setCertificates([
      { id: 'first', dnsNames: [name] },
      { id: 'second', dnsNames: [name] },
    ]);
    const rt = await fx.open();
    const second = withCountingDns(rt);
    const finalizations = suite.pebble().proxy!.counts.finalize;

    // Act
    const report = await runCycle(second.deps)(rt.config.certificates);

    // Assess
    expect(report.work.filter((w) => w.status === 'issued').map((w) => (w.status === 'issued' ? w.certificateId : ''))).toEqual(['second']);
    expect(second.calls).toEqual({ publish: 0, remove: 0 });
    expect(suite.pebble().proxy!.counts.finalize - finalizations).toBe(1);
  });
});

describe.runIf(pebbleInstalled())('ACME on Pebble when the DNS provider is throttled', () => {
  const suite = usePebble({ lane: 'deterministic', proxy: true });

  it('keeps the order and retries as a pending step (no failure, no second order) when publishing is throttled', async () => {
    // Prepare: Route 53-style throttling on the first publish.
    const fx = await suite.fixture([{ id: 'web', dnsNames: [freshName('throttled')] }]);
    const rt = await fx.open();
    const { deps, calls } = withCountingDns(rt, { failPublishes: 1 });
    const orders = suite.pebble().proxy!.counts.newOrder;

    // Act
    const work: DueOutcome[] = [];
    for (let cycle = 0; cycle < 6 && !work.some((w) => w.status === 'issued'); cycle++) work.push(...(await runCycle(deps)(rt.config.certificates)).work);

    // Assess: the throttled publish is a pending step; under load Pebble may need more polls than
    // one, so the number of pending steps before the issuance is not fixed, only that none failed.
    const statuses = work.map((w) => w.status);
    expect(statuses[0]).toBe('pending');
    expect(statuses.at(-1)).toBe('issued');
    expect(statuses.filter((s) => s !== 'pending' && s !== 'issued')).toEqual([]);
    expect(calls.publish).toBe(2);
    expect(suite.pebble().proxy!.counts.newOrder - orders).toBe(1);
  });
});

describe.runIf(pebbleInstalled())('ACME on Pebble when validation fails', () => {
  const suite = usePebble({ lane: 'deterministic', proxy: true });

  it('fails the request with the problem mapped to ACME.VALIDATION_FAILED, removes its TXT records and counts the failure', async () => {
    // Prepare: the DNS provider publishes the wrong value.
    const name = freshName('invalid');
    const fx = await suite.fixture([{ id: 'web', dnsNames: [name] }]);
    const rt = await fx.open();
    const { deps, calls } = withCountingDns(rt, { wrongValues: true });

    // Act
    const work: DueOutcome[] = [];
    for (let cycle = 0; cycle < 3 && !work.some((w) => w.status === 'failed'); cycle++) work.push(...(await runCycle(deps)(rt.config.certificates)).work);

    // Assess
    const failure = work.find((w) => w.status === 'failed');
    expect(failure).toMatchObject({ code: 'ACME.VALIDATION_FAILED', retryable: false });
    expect(failure?.status === 'failed' ? failure.message : '').toContain(`validation of ${name} failed: unauthorized`);
    expect(calls.remove).toBeGreaterThanOrEqual(1);
    expect(await suite.pebble().txt(`_acme-challenge.${name}`)).toEqual([]);
    const counters = await rt.deps.state.query<{ count: number }>('ACME#pebble', { skPrefix: `FAILVAL#${name}` });
    expect(counters.map((c) => c.data.count)).toEqual([1]);
    expect(suite.pebble().proxy!.counts.finalize).toBe(0);
  });
});

