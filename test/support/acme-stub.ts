import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTls } from './pebble.js';

/** One request the stub received: path, and the decoded JWS payload and protected header. */
export interface StubRequest {
  readonly method: string;
  readonly path: string;
  readonly payload: unknown;
  readonly protectedHeader: Record<string, unknown>;
}

export interface StubOptions {
  readonly profiles?: Readonly<Record<string, string>>;
  readonly renewalInfo?: boolean;
  /** `meta.caaIdentities` of the directory. */
  readonly caaIdentities?: readonly string[];
  /** PEM chain the certificate URL serves. */
  readonly certificatePem: string;
  /** `suggestedWindow` and Retry-After (seconds) of renewal-info answers. */
  readonly window?: { readonly start: string; readonly end: string; readonly retryAfter?: number };
}

/**
 * A small RFC 8555 server for what Pebble 2.4 lacks (ARI renewalInfo, profiles): it answers with
 * recorded protocol responses (orders are valid at once) and records every request it gets.
 * Signatures are not checked; it is a protocol stub, not a CA.
 */
export class AcmeStub {
  readonly requests: StubRequest[] = [];
  private constructor(
    private readonly server: Server,
    readonly base: string,
    readonly caFile: string,
    private readonly dir: string,
  ) {}

  get directoryUrl(): string {
    return `${this.base}/dir`;
  }

  static async start(options: StubOptions): Promise<AcmeStub> {
    const dir = mkdtempSync(join(tmpdir(), 'certflow-acme-stub-'));
    const tls = makeTls(dir);
    let nonce = 0;
    const holder: { stub?: AcmeStub } = {};
    const server = createServer({ cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const base = holder.stub?.base ?? '';
        const path = req.url ?? '/';
        const body = Buffer.concat(chunks).toString('utf8');
        let payload: unknown = null;
        let protectedHeader: Record<string, unknown> = {};
        if (body) {
          const jws = JSON.parse(body) as { protected: string; payload: string };
          protectedHeader = JSON.parse(Buffer.from(jws.protected, 'base64url').toString('utf8')) as Record<string, unknown>;
          payload = jws.payload ? JSON.parse(Buffer.from(jws.payload, 'base64url').toString('utf8')) : null;
        }
        holder.stub?.requests.push({ method: req.method ?? '', path, payload, protectedHeader });
        const headers: Record<string, string> = { 'Replay-Nonce': `nonce-${(nonce++).toString()}`, 'Content-Type': 'application/json' };
        const send = (status: number, data: unknown, extra: Record<string, string> = {}) => {
          res.writeHead(status, { ...headers, ...extra });
          res.end(typeof data === 'string' ? data : JSON.stringify(data));
        };
        if (path === '/dir') {
          return send(200, {
            newNonce: `${base}/nonce`,
            newAccount: `${base}/account`,
            newOrder: `${base}/order`,
            revokeCert: `${base}/revoke`,
            ...(options.renewalInfo ? { renewalInfo: `${base}/renewal-info` } : {}),
            meta: { ...(options.profiles ? { profiles: options.profiles } : {}), ...(options.caaIdentities ? { caaIdentities: options.caaIdentities } : {}) },
          });
        }
        if (path === '/nonce') return send(200, '');
        if (path === '/account') return send(201, { status: 'valid' }, { Location: `${base}/acct/1` });
        if (path === '/order') {
          const order = { status: 'valid', identifiers: (payload as { identifiers: unknown }).identifiers, authorizations: [], finalize: `${base}/finalize/1`, certificate: `${base}/cert/1` };
          return send(201, order, { Location: `${base}/order/1` });
        }
        if (path === '/order/1') return send(200, { status: 'valid', authorizations: [], finalize: `${base}/finalize/1`, certificate: `${base}/cert/1` });
        if (path === '/cert/1') return send(200, options.certificatePem, { 'Content-Type': 'application/pem-certificate-chain' });
        if (path === '/revoke') return send(200, '');
        if (path.startsWith('/renewal-info/') && options.window) {
          const { start, end, retryAfter } = options.window;
          return send(200, { suggestedWindow: { start, end } }, retryAfter === undefined ? {} : { 'Retry-After': retryAfter.toString() });
        }
        return send(404, { type: 'urn:ietf:params:acme:error:malformed', detail: `no ${path}` });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    holder.stub = new AcmeStub(server, `https://127.0.0.1:${port.toString()}`, tls.caFile, dir);
    return holder.stub;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
