import { X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { checkServerIdentity, connect, rootCertificates, type DetailedPeerCertificate } from 'node:tls';
import { readCertificateFacts } from '../../crypto/index.js';
import { ErrorCodes } from '../../domain/errors/index.js';
import type { Clock } from '../../ports/clock.port.js';
import type { CertificateSource, ObservedCertificate, ScopeScan, SourceScope } from '../../ports/certificate-source.port.js';

export interface TlsEndpoint {
  readonly host: string;
  readonly port: number;
  /** The SNI name to send and to check the certificate against (default: `host` unless it is an IP). */
  readonly serverName?: string;
  readonly owner?: string;
}

export interface TlsEndpointSourceOptions {
  readonly name: string;
  readonly endpoints: readonly TlsEndpoint[];
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly concurrency: number;
  /** Extra trust anchors (PEM), beside Node's bundled roots: a private PKI's roots. */
  readonly extraRoots?: readonly string[];
  /** RSA keys shorter than this are weak. */
  readonly minRsaBits?: number;
}

type Probe = { readonly certificate: ObservedCertificate } | { readonly unreachable: string };

const INCOMPLETE = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);
const SELF_SIGNED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN']);
/** Judged with certflow's clock instead, so a sweep at a given time says the same thing in tests and in production. */
const TIME_CODES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/** Names are checked against the configured SNI name below, whatever Node concluded. */
const NAME_CODES = new Set(['ERR_TLS_CERT_ALTNAME_INVALID']);

export const locatorOf = (e: TlsEndpoint): string => {
  const sni = sniOf(e);
  const address = `${isIP(e.host) === 6 ? `[${e.host}]` : e.host}:${e.port.toString()}`;
  return sni && sni !== e.host ? `${address}#${sni}` : address;
};

function sniOf(e: TlsEndpoint): string | undefined {
  if (e.serverName) return e.serverName;
  return isIP(e.host) ? undefined : e.host;
}

/**
 * Certificates served by TLS endpoints: connects (with a timeout), reads the served chain, records
 * the leaf's facts and what is wrong with it (expired, not yet valid, self-signed, incomplete chain,
 * untrusted, name mismatch, weak key). An endpoint that cannot be reached is a problem of the sweep,
 * never a failure of it. At most `concurrency` handshakes are in flight.
 */
export class TlsEndpointSource implements CertificateSource {
  readonly name: string;
  private readonly scope: SourceScope;

  constructor(private readonly options: TlsEndpointSourceOptions) {
    this.name = options.name;
    this.scope = { id: `endpoints:${options.name}`, description: `${options.endpoints.length.toString()} TLS endpoints of ${options.name}` };
  }

  async listScopes(): Promise<SourceScope[]> {
    return [this.scope];
  }

  async scan(scope: SourceScope): Promise<ScopeScan> {
    if (scope.id !== this.scope.id) return { scope, ok: false, code: ErrorCodes.SOURCE_UNAVAILABLE, message: `scope ${scope.id} does not belong to source ${this.name}` };
    const endpoints = this.options.endpoints;
    const results = new Array<Probe>(endpoints.length);
    let next = 0;
    const worker = async () => {
      while (next < endpoints.length) {
        const i = next++;
        results[i] = await this.probe(endpoints[i] as TlsEndpoint);
      }
    };
    await Promise.all(Array.from({ length: Math.min(Math.max(1, this.options.concurrency), endpoints.length) }, worker));
    const certificates: ObservedCertificate[] = [];
    const problems: string[] = [];
    results.forEach((r, i) => {
      if ('certificate' in r) certificates.push(r.certificate);
      else problems.push(`${locatorOf(endpoints[i] as TlsEndpoint)}: unreachable (${r.unreachable})`);
    });
    return { scope, ok: true, certificates, problems };
  }

  private probe(endpoint: TlsEndpoint): Promise<Probe> {
    const sni = sniOf(endpoint);
    return new Promise<Probe>((resolve) => {
      let settled = false;
      const finish = (p: Probe) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(p);
      };
      const socket = connect({
        host: endpoint.host,
        port: endpoint.port,
        ...(sni ? { servername: sni } : {}),
        rejectUnauthorized: false,
        ...(this.options.extraRoots?.length ? { ca: [...rootCertificates, ...this.options.extraRoots] } : {}),
      });
      const timer = setTimeout(() => finish({ unreachable: `no handshake within ${this.options.timeoutMs.toString()} ms` }), this.options.timeoutMs);
      socket.once('error', (error: NodeJS.ErrnoException) => finish({ unreachable: typeof error.code === 'string' ? error.code : 'connection failed' }));
      socket.once('secureConnect', () => {
        try {
          finish(this.judge(endpoint, socket.getPeerCertificate(true), socket.authorizationError));
        } catch {
          finish({ unreachable: 'the endpoint served no readable certificate' });
        }
      });
    });
  }

  private judge(endpoint: TlsEndpoint, peer: DetailedPeerCertificate, authorizationError: unknown): Probe {
    if (!peer?.raw) return { unreachable: 'the endpoint served no certificate' };
    const leaf = new X509Certificate(peer.raw);
    const facts = readCertificateFacts(peer.raw);
    const now = this.options.clock.now();
    const problems: string[] = [];
    const code = verificationCode(authorizationError);
    // Not X509Certificate.checkIssued: OpenSSL's check also wants keyCertSign, which a leaf lacks.
    const selfSigned = leaf.subject === leaf.issuer && safeVerify(leaf, leaf.publicKey);
    if (now.getTime() > facts.notAfter.getTime()) problems.push('expired');
    if (now.getTime() < facts.notBefore.getTime()) problems.push('not yet valid');
    if (selfSigned || (code !== undefined && SELF_SIGNED.has(code))) problems.push('self-signed');
    else if (code !== undefined && INCOMPLETE.has(code)) problems.push(servedChainLength(peer) <= 1 ? 'incomplete chain' : 'incomplete chain or untrusted issuer');
    else if (code !== undefined && !TIME_CODES.has(code) && !NAME_CODES.has(code)) problems.push(`untrusted (${code})`);
    const name = sniOf(endpoint) ?? endpoint.host;
    if (checkServerIdentity(name, peer) !== undefined) problems.push('name mismatch');
    const bits = leaf.publicKey.asymmetricKeyDetails?.modulusLength;
    if (leaf.publicKey.asymmetricKeyType === 'rsa' && bits !== undefined && bits < (this.options.minRsaBits ?? 2048)) problems.push(`weak key (RSA ${bits.toString()})`);
    return {
      certificate: {
        origin: 'endpoint',
        locator: locatorOf(endpoint),
        facts,
        inUse: true,
        ...(endpoint.owner ? { owner: endpoint.owner } : {}),
        problems,
      },
    };
  }
}

/** Node hands the verification result over as a string code (typed as an Error); accept both. */
function verificationCode(error: unknown): string | undefined {
  if (error === null || error === undefined) return undefined;
  if (typeof error === 'string') return error;
  const e = error as { code?: unknown; message?: unknown };
  if (typeof e.code === 'string') return e.code;
  return typeof e.message === 'string' ? e.message : 'UNKNOWN';
}

function safeVerify(cert: X509Certificate, key: KeyObject): boolean {
  try {
    return cert.verify(key);
  } catch {
    return false;
  }
}

/** Certificates the server sent (the issuer links Node builds stop at the first repeat). */
function servedChainLength(peer: DetailedPeerCertificate): number {
  let n = 0;
  const seen = new Set<string>();
  for (let c: DetailedPeerCertificate | undefined = peer; c && n < 20; c = c.issuerCertificate) {
    const fp = c.fingerprint256;
    if (seen.has(fp)) break;
    seen.add(fp);
    n++;
  }
  return n;
}
