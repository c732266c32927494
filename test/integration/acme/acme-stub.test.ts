import { afterEach, describe, expect, it } from 'vitest';
import { AcmeIssuer } from '../../../src/adapters/acme/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteKeyStore } from '../../../src/adapters/local/sqlite.key-store.js';
import { SqliteStateStore } from '../../../src/adapters/local/sqlite.state-store.js';
import type { IssuanceOrder } from '../../../src/ports/issuer.port.js';
import { aSpec } from '../../support/builders.js';
import { AcmeStub, type StubOptions } from '../../support/acme-stub.js';
import { RFC9773_EXAMPLE } from '../../support/acme-examples.js';

/*
 * Debian's Pebble 2.4 has neither ARI (renewalInfo) nor profiles: these run on a protocol stub
 * serving recorded RFC 8555 / RFC 9773 responses (orders are valid at once).
 */
describe('ACME issuer on a protocol stub (ARI, profiles)', () => {
  const stubs: AcmeStub[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    for (const stub of stubs.splice(0)) await stub.stop();
  });

  async function issuerOn(options: Partial<StubOptions>, extra: Record<string, unknown> = {}, now = new Date()) {
    const stub = await AcmeStub.start({ certificatePem: RFC9773_EXAMPLE, ...options });
    stubs.push(stub);
    const keys = SqliteKeyStore.open(':memory:');
    closers.push(() => keys.close());
    const issuer = new AcmeIssuer({ clock: { now: () => now }, keys }, 'stub', { directoryUrl: stub.directoryUrl, caFile: stub.caFile, ...extra });
    return { stub, issuer };
  }

  const order = (replaced?: string): IssuanceOrder => ({
    orderId: 'req_1',
    certificateId: 'web',
    revision: 2,
    spec: aSpec({ names: { dns: ['example.com'], ip: [], uri: [] } }),
    csrPem: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n',
    checkpoint: () => Promise.resolve(),
    ...(replaced ? { replacedCertificatePem: () => Promise.resolve(replaced) } : {}),
  });
  const newOrders = (stub: AcmeStub) => stub.requests.filter((r) => r.path === '/order').map((r) => r.payload as Record<string, unknown>);

  it('sends the replaced certificate\'s CertID as `replaces` when the CA offers renewalInfo', async () => {
    // Prepare
    const { stub, issuer } = await issuerOn({ renewalInfo: true });

    // Act
    const step = await issuer.submit(order(RFC9773_EXAMPLE));

    // Assess
    expect(step.status).toBe('issued');
    expect(newOrders(stub)).toEqual([{ identifiers: [{ type: 'dns', value: 'example.com' }], replaces: 'aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE' }]);
  });

  it('sends no `replaces` when the CA offers no renewalInfo', async () => {
    // Prepare
    const { stub, issuer } = await issuerOn({ renewalInfo: false });

    // Act
    await issuer.submit(order(RFC9773_EXAMPLE));

    // Assess
    expect(newOrders(stub)[0]).not.toHaveProperty('replaces');
  });

  it('picks a renewal time inside the suggested window and asks again after Retry-After', async () => {
    // Prepare
    const now = new Date('2026-11-29T00:00:00Z');
    const window = { start: '2026-12-01T00:00:00Z', end: '2026-12-03T00:00:00Z', retryAfter: 21_600 };
    const { stub, issuer } = await issuerOn({ renewalInfo: true, window }, {}, now);

    // Act
    const info = await issuer.renewalInfo(RFC9773_EXAMPLE, () => 0.25);

    // Assess
    expect(stub.requests.some((r) => r.method === 'GET' && r.path === '/renewal-info/aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE')).toBe(true);
    expect(info?.renewAt.toISOString()).toBe('2026-12-01T12:00:00.000Z');
    expect(info?.checkAgainAt.toISOString()).toBe('2026-11-29T06:00:00.000Z');
  });

  it('asks renewalInfo without the account key: a planner that may not read the key store can ask', async () => {
    // Prepare: a key store every read and write of which fails, as in the AWS planner's IAM role
    const stub = await AcmeStub.start({ certificatePem: RFC9773_EXAMPLE, renewalInfo: true, window: { start: '2026-12-01T00:00:00Z', end: '2026-12-03T00:00:00Z' } });
    stubs.push(stub);
    const denied = () => Promise.reject(new Error('AccessDenied: the planner may not read keys'));
    const keys = { getVersion: denied, putVersion: denied } as unknown as ConstructorParameters<typeof AcmeIssuer>[0]['keys'];
    const issuer = new AcmeIssuer({ clock: { now: () => new Date('2026-11-29T00:00:00Z') }, keys }, 'stub', { directoryUrl: stub.directoryUrl, caFile: stub.caFile });

    // Act
    const info = await issuer.renewalInfo(RFC9773_EXAMPLE, () => 0.5);

    // Assess
    expect(info?.renewAt.toISOString()).toBe('2026-12-02T00:00:00.000Z');
    expect(stub.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('orders with a profile the directory lists', async () => {
    // Prepare
    const { stub, issuer } = await issuerOn({ profiles: { classic: 'the usual', shortlived: '160 hours' } }, { profile: 'shortlived' });

    // Act
    const step = await issuer.submit(order());

    // Assess
    expect(step.status).toBe('issued');
    expect(newOrders(stub)[0]).toMatchObject({ profile: 'shortlived' });
  });

  it('refuses an unknown profile as a configuration error before any order', async () => {
    // Prepare
    const { stub, issuer } = await issuerOn({ profiles: { classic: 'the usual' } }, { profile: 'tlsserver' });

    // Act
    const step = await issuer.submit(order());

    // Assess
    expect(step.status === 'failed' && { code: step.error.code, retryable: step.error.retryable, message: step.error.message }).toEqual({
      code: 'ACME.PROFILE_UNKNOWN',
      retryable: false,
      message: 'the ACME directory offers no profile "tlsserver" (offered: classic)',
    });
    expect(newOrders(stub)).toEqual([]);
  });

  it('refuses before any order when CAA names another CA (identities from the directory)', async () => {
    // Prepare
    const stub = await AcmeStub.start({ certificatePem: RFC9773_EXAMPLE, caaIdentities: ['letsencrypt.org'] });
    stubs.push(stub);
    const keys = SqliteKeyStore.open(':memory:');
    closers.push(() => keys.close());
    const caaLookup = (name: string) => Promise.resolve(name === 'example.com' ? [{ critical: 0, issue: 'pki.goog' }] : []);
    const issuer = new AcmeIssuer({ clock: { now: () => new Date() }, keys, caaLookup }, 'stub', { directoryUrl: stub.directoryUrl, caFile: stub.caFile });

    // Act
    const step = await issuer.submit(order());

    // Assess
    expect(step.status === 'failed' && { code: step.error.code, retryable: step.error.retryable }).toEqual({ code: 'ACME.CAA_FORBIDDEN', retryable: false });
    expect(newOrders(stub)).toEqual([]);
  });

  it('keeps the new-order and duplicate budgets in the state store, across issuer instances (processes)', async () => {
    // Prepare: two "processes" over one state file.
    const stub = await AcmeStub.start({ certificatePem: RFC9773_EXAMPLE });
    stubs.push(stub);
    const dir = mkdtempSync(join(tmpdir(), 'certflow-budget-'));
    const path = join(dir, 'state.db');
    const make = () => {
      const keys = SqliteKeyStore.open(join(dir, 'keys.db'));
      const state = SqliteStateStore.open(path);
      closers.push(async () => {
        await state.close();
        await keys.close();
      });
      return new AcmeIssuer({ clock: { now: () => new Date('2026-11-29T10:00:00Z') }, keys, state }, 'stub', {
        directoryUrl: stub.directoryUrl,
        caFile: stub.caFile,
        rateLimits: { newOrdersPer3Hours: 2, duplicatesPerWeek: 1 },
      });
    };
    const [first, second] = [make(), make()];
    const named = (dns: string): IssuanceOrder => ({ ...order(), spec: aSpec({ names: { dns: [dns], ip: [], uri: [] } }) });

    // Act
    const a = await first.submit(named('a.example.com'));
    const duplicate = await second.submit(named('a.example.com'));
    const b = await second.submit(named('b.example.com'));
    const c = await first.submit(named('c.example.com'));

    // Assess
    expect([a.status, b.status]).toEqual(['issued', 'issued']);
    expect(duplicate.status === 'failed' && { code: duplicate.error.code, retryable: duplicate.error.retryable }).toEqual({ code: 'ISSUER.RATE_LIMITED', retryable: true });
    expect(c.status === 'failed' && c.error.message).toBe('the new-order budget of 2 per 3 hours is spent until 2026-11-29T12:00:00.000Z');
    expect(newOrders(stub).map((o) => (o['identifiers'] as { value: string }[])[0]?.value)).toEqual(['a.example.com', 'b.example.com']);
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  });
});
