import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { createSecureContext, createServer, type Server } from 'node:tls';
import { TlsEndpointSource, type TlsEndpoint } from '../../../src/adapters/tls-endpoint/tls-endpoint.source.js';
import type { ObservedCertificate, ScopeScan } from '../../../src/ports/certificate-source.port.js';
import { aCa, aLeaf, type TestLeaf } from '../../support/certs.js';

const DAY = 86_400_000;
const now = new Date();
const root = aCa('certflow test root', undefined, now);
const intermediate = aCa('certflow test intermediate', root, now);

const servers: Server[] = [];
let maxOpen = 0;
let open = 0;

/** A TLS server on 127.0.0.1 serving `leaf` followed by `chain`. */
async function serve(leaf: TestLeaf, chain: readonly string[]): Promise<number> {
  const server = createServer({ key: leaf.privateKeyPem, cert: [leaf.pem, ...chain].join('') }, (socket) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    // Hold the connection a little so overlapping handshakes show up in maxOpen.
    setTimeout(() => socket.end(), 30);
    socket.on('close', () => open--);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

/** A server whose handshakes take `delayMs` (the SNI callback waits), counting handshakes in progress at once. */
async function slowServe(leaf: TestLeaf, chain: readonly string[], delayMs: number): Promise<number> {
  const context = createSecureContext({ key: leaf.privateKeyPem, cert: [leaf.pem, ...chain].join('') });
  const server = createServer(
    {
      SNICallback: (_name, cb) => {
        open++;
        maxOpen = Math.max(maxOpen, open);
        setTimeout(() => {
          open--;
          cb(null, context);
        }, delayMs);
      },
    },
    (socket) => socket.end(),
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

const ports: Record<string, number> = {};

beforeAll(async () => {
  ports.healthy = await serve(aLeaf({ dns: ['healthy.test'], issuer: intermediate, now }), [intermediate.pem]);
  ports.expired = await serve(aLeaf({ dns: ['expired.test'], issuer: intermediate, notBefore: new Date(now.getTime() - 100 * DAY), notAfter: new Date(now.getTime() - 10 * DAY) }), [intermediate.pem]);
  ports.selfSigned = await serve(aLeaf({ dns: ['self.test'], now }), []);
  ports.incomplete = await serve(aLeaf({ dns: ['incomplete.test'], issuer: intermediate, now }), []);
  ports.mismatch = await serve(aLeaf({ dns: ['other.test'], issuer: intermediate, now }), [intermediate.pem]);
  ports.weak = await serve(aLeaf({ dns: ['weak.test'], issuer: intermediate, now, keyAlgorithm: 'RSA_2048' }), [intermediate.pem]);
  ports.closed = await closedPort();
  ports.slow = await slowServe(aLeaf({ dns: ['slow.test'], issuer: intermediate, now }), [intermediate.pem], 60);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

function source(endpoints: TlsEndpoint[], options: { concurrency?: number; minRsaBits?: number } = {}) {
  return new TlsEndpointSource({
    name: 'edge',
    endpoints,
    clock: { now: () => now },
    timeoutMs: 2000,
    concurrency: options.concurrency ?? 8,
    extraRoots: [root.pem],
    ...(options.minRsaBits ? { minRsaBits: options.minRsaBits } : {}),
  });
}

const at = (key: string, serverName: string): TlsEndpoint => ({ host: '127.0.0.1', port: ports[key] as number, serverName });

async function scanAll(endpoints: TlsEndpoint[], options?: { concurrency?: number; minRsaBits?: number }): Promise<Extract<ScopeScan, { ok: true }>> {
  const s = source(endpoints, options);
  const [scope] = await s.listScopes();
  const scan = await s.scan(scope!);
  if (!scan.ok) throw new Error(`scan failed: ${scan.message}`);
  return scan;
}

const byName = (scan: Extract<ScopeScan, { ok: true }>, sni: string): ObservedCertificate | undefined => scan.certificates.find((c) => c.locator.endsWith(`#${sni}`));

describe('TlsEndpointSource', () => {
  it('records a healthy endpoint with its expiry, issuer and names and no problems', async () => {
    // Act
    const scan = await scanAll([at('healthy', 'healthy.test')]);
    // Assess
    const c = byName(scan, 'healthy.test');
    expect(c?.problems).toEqual([]);
    expect(c?.facts.names.dns).toEqual(['healthy.test']);
    expect(c?.facts.issuerName).toContain('certflow test intermediate');
    expect(c?.facts.notAfter.getTime()).toBeGreaterThan(now.getTime());
    expect(c).toMatchObject({ origin: 'endpoint', locator: `127.0.0.1:${String(ports.healthy)}#healthy.test`, inUse: true });
  });

  it('finds an expired certificate', async () => {
    // Act
    const scan = await scanAll([at('expired', 'expired.test')]);
    // Assess
    expect(byName(scan, 'expired.test')?.problems).toEqual(['expired']);
  });

  it('finds a self-signed certificate', async () => {
    // Act
    const scan = await scanAll([at('selfSigned', 'self.test')]);
    // Assess
    expect(byName(scan, 'self.test')?.problems).toEqual(['self-signed']);
  });

  it('finds an incomplete chain (the intermediate is not served)', async () => {
    // Act
    const scan = await scanAll([at('incomplete', 'incomplete.test')]);
    // Assess
    expect(byName(scan, 'incomplete.test')?.problems).toEqual(['incomplete chain']);
  });

  it('finds a name mismatch between the SNI name and the certificate', async () => {
    // Act
    const scan = await scanAll([at('mismatch', 'mismatch.test')]);
    // Assess
    expect(byName(scan, 'mismatch.test')?.problems).toEqual(['name mismatch']);
  });

  it('finds a weak key below the configured RSA size', async () => {
    // Act
    const scan = await scanAll([at('weak', 'weak.test')], { minRsaBits: 3072 });
    // Assess
    expect(byName(scan, 'weak.test')?.problems).toEqual(['weak key (RSA 2048)']);
  });

  it('records an unreachable endpoint as a problem and still scans the others', async () => {
    // Act
    const scan = await scanAll([at('closed', 'gone.test'), at('healthy', 'healthy.test')]);
    // Assess
    expect(scan.certificates.map((c) => c.locator)).toEqual([`127.0.0.1:${String(ports.healthy)}#healthy.test`]);
    expect(scan.problems).toEqual([`127.0.0.1:${String(ports.closed)}#gone.test: unreachable (ECONNREFUSED)`]);
  });

  it('keeps at most the configured number of handshakes in flight', async () => {
    // Prepare
    maxOpen = 0;
    const many = Array.from({ length: 12 }, () => at('slow', 'slow.test'));
    // Act
    const scan = await scanAll(many, { concurrency: 3 });
    // Assess
    expect(scan.certificates).toHaveLength(12);
    expect(maxOpen).toBeGreaterThan(1);
    expect(maxOpen).toBeLessThanOrEqual(3);
  });
});
