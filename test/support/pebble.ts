import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { createSocket } from 'node:dgram';
import { request as httpsRequest, createServer as createHttpsServer, Agent, type Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Pebble + pebble-challtestsrv on 127.0.0.1 for tests: TLS material made here with openssl,
 * free ports picked per start, bounded waits, everything stopped by `stop()`.
 *
 * Lanes: `deterministic` (no VA sleep, no nonce rejection, no authz reuse), `chaos`
 * (20% nonce rejection, 50% authz reuse, VA sleeps on), `eab` (EAB required, MAC keys below).
 */
export type PebbleLane = 'deterministic' | 'chaos' | 'eab';

export const EAB_KEYS = {
  'kid-1': 'zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W',
} as const;

export function pebbleInstalled(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v pebble && command -v pebble-challtestsrv'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A TCP port that is free now, also free for UDP (challtestsrv's DNS binds both). */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server: Server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    if (port > 0 && udpFree) return port;
  }
  throw new Error('no free port found in 20 attempts');
}

export function makeTls(dir: string): { caFile: string; certFile: string; keyFile: string } {
  const caKey = join(dir, 'tls-ca.key');
  const caFile = join(dir, 'tls-ca.pem');
  const keyFile = join(dir, 'tls.key');
  const csr = join(dir, 'tls.csr');
  const certFile = join(dir, 'tls.pem');
  const ext = join(dir, 'tls.ext');
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', caKey]);
  run(['req', '-x509', '-new', '-key', caKey, '-subj', '/CN=certflow test TLS CA', '-days', '2', '-out', caFile]);
  run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyFile]);
  run(['req', '-new', '-key', keyFile, '-subj', '/CN=localhost', '-out', csr]);
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  run(['x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', certFile]);
  return { caFile, certFile, keyFile };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; Date.now() < deadline; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, Math.min(20 * (i + 1), 200)));
  }
  throw new Error(`${what} did not come up within ${timeoutMs.toString()} ms`);
}

/** Tiny HTTPS client trusting the harness CA. */
export function httpsJson(url: string, ca: string, method = 'GET', body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpsRequest(url, { method, ca, headers: payload ? { 'content-type': 'application/json' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout on ${url}`)));
    req.on('error', reject);
    req.end(payload);
  });
}

async function httpJson(url: string, method = 'GET', body?: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: AbortSignal.timeout(10_000) });
  return { status: response.status, text: await response.text() };
}

function jwsHeaderOf(body: Buffer): { jwsHeader?: Record<string, unknown> } {
  try {
    const jws = JSON.parse(body.toString('utf8')) as { protected?: string };
    return jws.protected ? { jwsHeader: JSON.parse(Buffer.from(jws.protected, 'base64url').toString('utf8')) as Record<string, unknown> } : {};
  } catch {
    return {};
  }
}

/** Counts what reaches Pebble: a TLS-terminating proxy that keeps the Host header, so Pebble's URLs point at it. */
export class RecordingProxy {
  readonly counts = { newOrder: 0, finalize: 0, newAccount: 0, revoke: 0 };
  readonly requests: { method: string; path: string; status: number; jwsHeader?: Record<string, unknown> }[] = [];
  private constructor(
    private readonly server: HttpsServer,
    readonly port: number,
  ) {}

  static async start(target: { port: number; ca: string }, tls: { cert: string; key: string }): Promise<RecordingProxy> {
    const port = await freePort();
    const agent = new Agent({ keepAlive: true, ca: target.ca });
    const holder: { proxy?: RecordingProxy } = {};
    const server = createHttpsServer({ cert: tls.cert, key: tls.key }, (req, res) => {
      const path = req.url ?? '/';
      const body: Buffer[] = [];
      req.on('data', (c: Buffer) => body.push(c));
      const upstream = httpsRequest(
        { host: '127.0.0.1', port: target.port, path, method: req.method, headers: req.headers, agent, servername: 'localhost' },
        (up) => {
          const status = up.statusCode ?? 502;
          const proxy = holder.proxy;
          if (proxy && req.method === 'POST') {
            proxy.requests.push({ method: req.method, path, status, ...jwsHeaderOf(Buffer.concat(body)) });
            if (path.startsWith('/order-plz') && status === 201) proxy.counts.newOrder++;
            if (path.startsWith('/finalize-order/') && status === 200) proxy.counts.finalize++;
            if (path.startsWith('/sign-me-up') && (status === 201 || status === 200)) proxy.counts.newAccount++;
            if (path.startsWith('/revoke-cert') && status === 200) proxy.counts.revoke++;
          }
          res.writeHead(status, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    holder.proxy = new RecordingProxy(server, port);
    return holder.proxy;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface PebbleOptions {
  readonly lane?: PebbleLane;
  /** Put a recording proxy in front of the ACME API; `directoryUrl` then points at it. */
  readonly proxy?: boolean;
  /** Pebble environment over the lane's (e.g. `PEBBLE_AUTHZREUSE: '100'`). */
  readonly env?: Readonly<Record<string, string>>;
}

export class PebbleHarness {
  private children: ChildProcess[] = [];
  /** PEM of the CA that signed Pebble's (and the proxy's) TLS certificate. */
  tlsCaPem = '';
  tlsCaFile = '';
  directoryUrl = '';
  managementUrl = '';
  challtestsrvUrl = '';
  dnsPort = 0;
  proxy: RecordingProxy | undefined;
  private acmePort = 0;
  readonly dir = mkdtempSync(join(tmpdir(), 'certflow-pebble-'));
  private readonly logs: string[] = [];

  static async start(options: PebbleOptions = {}): Promise<PebbleHarness> {
    // Ports are picked free, then bound by the children: another test file's server can take one
    // in between (seen in CI). A start that does not come up is retried on fresh ports, 3 at most.
    let failure: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const harness = new PebbleHarness();
      try {
        await harness.boot(options);
        return harness;
      } catch (error) {
        failure = error;
        await harness.stop();
      }
    }
    throw failure;
  }

  private spawn(command: string, args: string[], env: Record<string, string>): ChildProcess {
    const child = spawn(command, args, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      this.logs.push(chunk.toString('utf8'));
      if (this.logs.length > 200) this.logs.splice(0, this.logs.length - 200);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.children.push(child);
    return child;
  }

  private async boot(options: PebbleOptions): Promise<void> {
    const lane = options.lane ?? 'deterministic';
    const tls = makeTls(this.dir);
    this.tlsCaFile = tls.caFile;
    this.tlsCaPem = readFileSync(tls.caFile, 'utf8');
    const [acme, management, dns, chall] = [await freePort(), await freePort(), await freePort(), await freePort()];
    this.acmePort = acme;
    this.dnsPort = dns;
    this.challtestsrvUrl = `http://127.0.0.1:${chall.toString()}`;
    this.spawn('pebble-challtestsrv', ['-dns01', `127.0.0.1:${dns.toString()}`, '-management', `127.0.0.1:${chall.toString()}`, '-http01', '', '-https01', '', '-tlsalpn01', ''], {});
    await until('pebble-challtestsrv', async () => (await httpJson(`${this.challtestsrvUrl}/clear-txt`, 'POST', { host: 'probe.invalid.' })).status === 200);

    const config = join(this.dir, 'pebble.json');
    writeFileSync(
      config,
      JSON.stringify({
        pebble: {
          listenAddress: `127.0.0.1:${acme.toString()}`,
          managementListenAddress: `127.0.0.1:${management.toString()}`,
          certificate: tls.certFile,
          privateKey: tls.keyFile,
          httpPort: 5002,
          tlsPort: 5001,
          ocspResponderURL: '',
          externalAccountBindingRequired: lane === 'eab',
          ...(lane === 'eab' ? { externalAccountMACKeys: EAB_KEYS } : {}),
        },
      }),
    );
    const env: Record<string, string> =
      lane === 'chaos'
        ? { PEBBLE_WFE_NONCEREJECT: '20', PEBBLE_AUTHZREUSE: '50' }
        : { PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0' };
    this.spawn('pebble', ['-config', config, '-dnsserver', `127.0.0.1:${dns.toString()}`], { ...env, ...options.env });
    this.managementUrl = `https://127.0.0.1:${management.toString()}`;
    await until('pebble', async () => (await httpsJson(`https://127.0.0.1:${acme.toString()}/dir`, this.tlsCaPem)).status === 200);
    await until('pebble management', async () => (await httpsJson(`${this.managementUrl}/roots/0`, this.tlsCaPem)).status === 200);
    if (options.proxy) {
      this.proxy = await RecordingProxy.start({ port: acme, ca: this.tlsCaPem }, { cert: readFileSync(tls.certFile, 'utf8'), key: readFileSync(tls.keyFile, 'utf8') });
      this.directoryUrl = `https://127.0.0.1:${this.proxy.port.toString()}/dir`;
    } else {
      this.directoryUrl = `https://127.0.0.1:${acme.toString()}/dir`;
    }
  }

  /** Pebble's issuing root, PEM (it changes with every Pebble start). */
  async rootPem(): Promise<string> {
    const r = await httpsJson(`${this.managementUrl}/roots/0`, this.tlsCaPem);
    return r.text;
  }

  /** Pebble's view of a certificate: `Valid` or `Revoked`. */
  async certificateStatus(serialHex: string): Promise<string> {
    const serial = serialHex.toLowerCase().replace(/^0+/, '');
    const r = await httpsJson(`${this.managementUrl}/cert-status-by-serial/${serial}`, this.tlsCaPem);
    if (r.status !== 200) return `HTTP ${r.status.toString()}`;
    return (JSON.parse(r.text) as { Status: string }).Status;
  }

  /** TXT values challtestsrv serves for a name, asked over DNS (dig is not needed). */
  async txt(name: string): Promise<string[]> {
    const { Resolver } = await import('node:dns/promises');
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${this.dnsPort.toString()}`]);
    try {
      return (await resolver.resolveTxt(name)).map((parts) => parts.join(''));
    } catch {
      return [];
    }
  }

  recentLogs(): string {
    return this.logs.join('');
  }

  async stop(): Promise<void> {
    await this.proxy?.stop();
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    }
    this.children = [];
    rmSync(this.dir, { recursive: true, force: true });
  }
}
