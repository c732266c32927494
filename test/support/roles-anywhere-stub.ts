/**
 * A local stand-in for IAM Roles Anywhere CreateSession on 127.0.0.1, checking what the service
 * documents it checks (authentication.html: the signature against the attached certificate, the chain
 * to a configured CA) by its own reading of the documented algorithm (authentication-sign-process.html,
 * SigV4's canonical request): everything is rebuilt from the request as received on the socket
 * (raw method, path, query, header lines, body bytes), never from what the client meant to send,
 * so a bug the signer and this verifier shared would have to survive two separate codings.
 */
import { createHash, randomBytes, verify, X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubOptions {
  /** PEM of the CA certificates registered as the trust anchor. */
  readonly anchors: readonly string[];
  readonly trustAnchorArn: string;
  readonly region: string;
  /** How long issued credentials live, in real time. */
  readonly credentialTtlMs: number;
}

export type StubMode = 'normal' | 'garbage' | 'no-token' | 'hang' | 'unavailable' | 'redirect';

export interface CreateSessionStub {
  readonly endpoint: string;
  /** Decimal serials of the certificates whose requests were accepted, in order. */
  readonly acceptedSerials: string[];
  /** Why each refused request was refused, in order. */
  readonly refusals: string[];
  /** Secret access keys and session tokens handed out, for leak checks. */
  readonly secretsIssued: string[];
  mode: StubMode;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;
const MAX_CHAIN = 5;
const SKEW_MS = 5 * 60_000;

class Refused extends Error {}
const refuse = (reason: string): never => {
  throw new Refused(reason);
};

const hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** RFC 3986 unreserved characters stay; everything else is %XX, as SigV4 asks. */
const uriEncode = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs = rawQuery.split('&').slice(0, 100).map((pair) => {
    const [name = '', value = ''] = pair.split('=');
    return [uriEncode(decodeURIComponent(name)), uriEncode(decodeURIComponent(value))] as const;
  });
  pairs.sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

/** Header lines as they came over the wire, repeated names joined by commas. */
function receivedHeaders(req: IncomingMessage): Map<string, string> {
  const headers = new Map<string, string>();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length && i < 200; i += 2) {
    const name = (raw[i] ?? '').toLowerCase();
    const value = (raw[i + 1] ?? '').trim().replace(/\s+/g, ' ');
    headers.set(name, headers.has(name) ? `${headers.get(name)},${value}` : value);
  }
  return headers;
}

function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value) ?? refuse('X-Amz-Date is malformed');
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function chainsToAnchor(leaf: X509Certificate, intermediates: X509Certificate[], anchors: X509Certificate[]): boolean {
  let current = leaf;
  for (let depth = 0; depth <= MAX_CHAIN; depth++) {
    const signedBy = (ca: X509Certificate): boolean => current.checkIssued(ca) && current.verify(ca.publicKey);
    if (anchors.some(signedBy)) return true;
    const next = intermediates.find((ca) => ca !== current && signedBy(ca));
    if (!next) return false;
    current = next;
  }
  return false;
}

function check(req: IncomingMessage, body: Buffer, options: StubOptions, anchors: X509Certificate[]): X509Certificate {
  const url = new URL(req.url ?? '/', 'http://stub');
  if (req.method !== 'POST' || url.pathname !== '/sessions') refuse('not POST /sessions');
  const headers = receivedHeaders(req);
  const authorization = headers.get('authorization') ?? refuse('no Authorization header');
  const auth =
    /^(AWS4-X509-(?:RSA|ECDSA)-SHA256) Credential=([^,\s]+), ?SignedHeaders=([^,\s]+), ?Signature=([0-9a-f]+)$/.exec(authorization) ??
    refuse('Authorization header is malformed');
  const [, algorithm = '', credential = '', signedHeaderList = '', signatureHex = ''] = auth;
  const [serial, day, region, service, terminator, ...extra] = credential.split('/');
  if (extra.length > 0 || service !== 'rolesanywhere' || terminator !== 'aws4_request') refuse('credential scope is malformed');
  if (region !== options.region) refuse('credential scope names another region');

  const signed = signedHeaderList.split(';');
  if ([...signed].sort().join(';') !== signedHeaderList || signed.some((h) => h !== h.toLowerCase())) refuse('SignedHeaders is not sorted lowercase');
  for (const required of ['host', 'x-amz-date', 'x-amz-x509']) if (!signed.includes(required)) refuse(`${required} is not signed`);

  const date = headers.get('x-amz-date') ?? refuse('no X-Amz-Date');
  if (Math.abs(Date.now() - parseAmzDate(date)) > SKEW_MS) refuse('X-Amz-Date is more than 5 minutes off');
  if (date.slice(0, 8) !== day) refuse('credential scope date differs from X-Amz-Date');

  const leaf = new X509Certificate(Buffer.from(headers.get('x-amz-x509') ?? refuse('no X-Amz-X509'), 'base64'));
  if (BigInt(`0x${leaf.serialNumber}`).toString() !== serial) refuse('Credential serial is not the certificate serial');
  const keyType = leaf.publicKey.asymmetricKeyType;
  const expected = keyType === 'rsa' ? 'AWS4-X509-RSA-SHA256' : keyType === 'ec' ? 'AWS4-X509-ECDSA-SHA256' : refuse('key type');
  if (algorithm !== expected) refuse('algorithm does not match the certificate key');
  const now = Date.now();
  if (now < Date.parse(leaf.validFrom) || now > Date.parse(leaf.validTo)) refuse('certificate is not valid now');
  const chainHeader = headers.get('x-amz-x509-chain');
  const intermediates = chainHeader ? chainHeader.split(',').slice(0, MAX_CHAIN).map((b) => new X509Certificate(Buffer.from(b, 'base64'))) : [];
  if (!chainsToAnchor(leaf, intermediates, anchors)) refuse('certificate does not chain to the trust anchor');

  const canonicalHeaders = signed.map((name) => `${name}:${headers.get(name) ?? refuse(`signed header ${name} is absent`)}\n`).join('');
  const canonicalRequest = `${req.method}\n${url.pathname}\n${canonicalQuery(url.search.slice(1))}\n${canonicalHeaders}\n${signedHeaderList}\n${hex(body)}`;
  const stringToSign = `${algorithm}\n${date}\n${day}/${region}/rolesanywhere/aws4_request\n${hex(canonicalRequest)}`;
  // Node's verify reads ECDSA signatures as DER by default and RSA as PKCS#1 v1.5: what the guide's Task 3 produces.
  if (!verify('sha256', Buffer.from(stringToSign), leaf.publicKey, Buffer.from(signatureHex, 'hex'))) refuse('signature does not verify');

  const request = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  if (request.trustAnchorArn !== options.trustAnchorArn) refuse('unknown trust anchor');
  if (typeof request.profileArn !== 'string' || typeof request.roleArn !== 'string') refuse('profileArn and roleArn are required');
  return leaf;
}

function issue(res: ServerResponse, stub: CreateSessionStub, leaf: X509Certificate, options: StubOptions, roleArn: string): void {
  const secretAccessKey = randomBytes(30).toString('base64');
  const sessionToken = randomBytes(60).toString('base64');
  stub.secretsIssued.push(secretAccessKey, sessionToken);
  const credentials = {
    accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey,
    ...(stub.mode === 'no-token' ? {} : { sessionToken }),
    expiration: new Date(Date.now() + options.credentialTtlMs).toISOString(),
  };
  res.writeHead(201, { 'content-type': 'application/json' });
  res.end(
    stub.mode === 'garbage'
      ? `{"credentialSet": [{"credentials": ${JSON.stringify(credentials)}`
      : JSON.stringify({
          credentialSet: [{ assumedRoleUser: { arn: `${roleArn}/stub`, assumedRoleId: 'AROASTUB:stub' }, credentials, packedPolicySize: 0, roleArn, sourceIdentity: leaf.subject }],
          subjectArn: `${options.trustAnchorArn.replace(/trust-anchor\/.*/, 'subject/stub')}`,
        }),
  );
}

export async function startCreateSessionStub(options: StubOptions): Promise<CreateSessionStub> {
  const anchors = options.anchors.map((pem) => new X509Certificate(pem));
  const server = createServer();
  const stub: CreateSessionStub = {
    endpoint: '',
    acceptedSerials: [],
    refusals: [],
    secretsIssued: [],
    mode: 'normal',
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      if (stub.mode === 'hang') return;
      if (stub.mode === 'redirect') {
        res.writeHead(307, { location: 'http://127.0.0.1:9/sessions' }).end();
        return;
      }
      if (stub.mode === 'unavailable') {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"try later"}');
        return;
      }
      try {
        if (size > MAX_BODY) refuse('body too large');
        const body = Buffer.concat(chunks);
        const leaf = check(req, body, options, anchors);
        stub.acceptedSerials.push(BigInt(`0x${leaf.serialNumber}`).toString());
        issue(res, stub, leaf, options, (JSON.parse(body.toString('utf8')) as { roleArn: string }).roleArn);
      } catch (error) {
        const reason = error instanceof Refused ? error.message : `request could not be read: ${(error as Error).message}`;
        stub.refusals.push(reason);
        res.writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException:http://internal.amazon.com/' });
        res.end(JSON.stringify({ message: reason }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(stub, { endpoint: `http://127.0.0.1:${port}` });
}
