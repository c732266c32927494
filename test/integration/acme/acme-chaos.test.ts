import { describe, expect, it } from 'vitest';
import { runCycle } from '../../../src/app/run-cycle.use-case.js';
import type { DueOutcome } from '../../../src/app/process-due-requests.use-case.js';
import { pebbleInstalled } from '../../support/pebble.js';
import { freshName, OffsetClock, usePebble } from '../../support/acme-fixture.js';

const ISSUANCES = 100;

describe.runIf(pebbleInstalled())('ACME on Pebble, chaos lane (20% nonce rejection, 50% authorization reuse, validation delays)', () => {
  const suite = usePebble({ lane: 'chaos', proxy: true });

  it('issues at least 99 of 100 certificates with one order each; every failure is retryable and scheduled', { timeout: 240_000 }, async () => {
    // Prepare: every name but one shared by two certificates, so authorization reuse has something
    // to reuse and two orders validate one name at once (two TXT values: Pebble's DNS client reads
    // UDP only, and a 512-byte answer holds about ten).
    const shared = Array.from({ length: ISSUANCES / 2 }, (_, i) => freshName(`shared${i.toString()}`));
    const certificates = Array.from({ length: ISSUANCES }, (_, i) => ({
      id: `c${i.toString()}`,
      dnsNames: [freshName(`c${i.toString()}`), shared[i % shared.length]!],
    }));
    const fx = await suite.fixture(certificates);
    const clock = new OffsetClock();
    const rt = await fx.open(clock);
    const outcomes: DueOutcome[] = [];

    // Act: cycles as a scheduler would run them, moving time past any backoff (bounded).
    for (let cycle = 0; cycle < 12; cycle++) {
      const report = await runCycle(rt.deps)(rt.config.certificates);
      outcomes.push(...report.work);
      const issued = new Set(outcomes.filter((o) => o.status === 'issued').map((o) => o.requestId));
      if (issued.size === ISSUANCES) break;
      clock.advance(2 * 60_000);
    }

    // Assess
    const issued = new Set(outcomes.filter((o) => o.status === 'issued').map((o) => o.requestId));
    const failures = outcomes.filter((o) => o.status === 'failed');
    const counts = suite.pebble().proxy!.counts;
    if (failures.length > 0) console.log(JSON.stringify(failures.slice(0, 3)));
    console.log(`chaos lane: ${issued.size.toString()}/${ISSUANCES.toString()} issued, ${failures.length.toString()} failed attempts, ${counts.newOrder.toString()} orders, ${counts.finalize.toString()} finalizations`);
    expect(issued.size).toBeGreaterThanOrEqual(99);
    for (const f of failures) expect(f, JSON.stringify(f)).toMatchObject({ retryable: true });
    // No extra orders: every order was finalized, but for at most one per failed attempt (a failed
    // request retries with a new order; a failure before the CA made the order leaves none).
    expect(counts.finalize).toBe(issued.size);
    expect(counts.newOrder - counts.finalize).toBeLessThanOrEqual(failures.length);
    const names = [...new Set(certificates.flatMap((c) => c.dnsNames))];
    const left = (await Promise.all(names.map((n) => suite.pebble().txt(`_acme-challenge.${n}`)))).flat();
    expect(left).toEqual([]);
  });
});
