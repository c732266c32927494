import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCycle } from '../../../src/app/run-cycle.use-case.js';
import { revokeCertificate } from '../../../src/app/revoke-certificate.use-case.js';
import { publishPendingEvents } from '../../../src/app/publish-events.use-case.js';
import type { DueOutcome } from '../../../src/app/process-due-requests.use-case.js';
import { pebbleInstalled } from '../../support/pebble.js';
import { freshName, usePebble } from '../../support/acme-fixture.js';

describe.runIf(pebbleInstalled())('ACME issuer on Pebble (deterministic lane)', () => {
  const suite = usePebble({ lane: 'deterministic', proxy: true });

  it('issues through DNS-01 with one order and one finalization, leaves no TXT record, and a second run issues nothing', async () => {
    // Prepare
    const names = [freshName('web'), freshName('www')];
    const pebble = suite.pebble();
    const fx = await suite.fixture([{ id: 'web', dnsNames: names }]);
    const rt = await fx.open();
    const before = { ...pebble.proxy!.counts };

    // Act: one cycle normally; a loaded machine may leave a validation poll to the next (bounded).
    const work: DueOutcome[] = [];
    for (let cycle = 0; cycle < 3 && !work.some((w) => w.status === 'issued'); cycle++) work.push(...(await runCycle(rt.deps)(rt.config.certificates)).work);

    // Assess
    const issued = work.filter((w) => w.status === 'issued');
    expect(issued, JSON.stringify(work)).toHaveLength(1);
    expect(pebble.proxy!.counts.newOrder - before.newOrder).toBe(1);
    expect(pebble.proxy!.counts.finalize - before.finalize).toBe(1);
    for (const name of names) expect(await pebble.txt(`_acme-challenge.${name}`)).toEqual([]);
    const current = await rt.deps.keys.getVersion('certflow/web', { label: 'CURRENT' });
    const out = join(fx.dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'cert.pem'), current?.material.certificatePem ?? '');
    writeFileSync(join(out, 'chain.pem'), current?.material.chainPem ?? '');
    const verified = execFileSync('openssl', ['verify', '-CAfile', fx.rootFile, '-untrusted', join(out, 'chain.pem'), join(out, 'cert.pem')], { encoding: 'utf8' });
    expect(verified).toContain('OK');

    const again = await runCycle(rt.deps)(rt.config.certificates);
    expect(again.work.filter((w) => w.status === 'issued')).toHaveLength(0);
    expect(pebble.proxy!.counts.newOrder - before.newOrder).toBe(1);
  });

  it('revokes at the CA (Pebble reports the certificate revoked) and publishes Certificate Revoked', async () => {
    // Prepare
    const pebble = suite.pebble();
    const fx = await suite.fixture([{ id: 'gone', dnsNames: [freshName('gone')] }]);
    const rt = await fx.open();
    for (let cycle = 0; cycle < 3 && !(await rt.deps.keys.getVersion('certflow/gone', { label: 'CURRENT' })); cycle++) await runCycle(rt.deps)(rt.config.certificates);
    const revocations = pebble.proxy!.counts.revoke;

    // Act
    const outcome = await revokeCertificate(rt.deps)('gone', 'keyCompromise');
    await publishPendingEvents(rt.deps)();

    // Assess
    expect(pebble.proxy!.counts.revoke - revocations).toBe(1);
    // Signed with the certificate's own key: a JWK in the header, no account kid.
    const revokeRequest = pebble.proxy!.requests.filter((r) => r.path.startsWith('/revoke-cert')).at(-1);
    expect(revokeRequest?.jwsHeader).toHaveProperty('jwk');
    expect(revokeRequest?.jwsHeader).not.toHaveProperty('kid');
    expect(await pebble.certificateStatus(outcome.serialNumber)).toBe('Revoked');
    expect(await rt.deps.keys.getVersion('certflow/gone', { label: 'CURRENT' })).toBeUndefined();
    const events = readFileSync(join(fx.dir, 'data', 'events.jsonl'), 'utf8');
    expect(events).toContain('"detail-type":"Certificate Revoked"');
    expect(events).toContain(outcome.serialNumber);
  });
});
