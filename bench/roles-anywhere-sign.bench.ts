/**
 * Request signing cost of the Roles Anywhere credential provider beside plain SigV4, in the same run.
 *   x509:  src/roles-anywhere signRequest (canonical request + one ECDSA P-256 signature, the
 *          certificate and chain headers) for a CreateSession request
 *   sigv4: @smithy/signature-v4 with @smithy/hash-node (what an SDK client in Node runs per call: HMAC-SHA256 with a cached
 *          signing key) for the same method, host, path, headers and body
 * Side figures (not in RESULT): P-384 and RSA-2048 keys. Signing happens once per refresh (about
 * hourly), so this is headroom, not a hot path: the ratio says what one refresh costs in SDK calls.
 * Run: node --import tsx bench/roles-anywhere-sign.bench.ts [operations per round, default 2000]
 */
import { performance } from 'node:perf_hooks';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import type { KeyAlgorithm } from '../src/domain/certificate.js';
import { loadIdentity } from '../src/roles-anywhere/key-material.js';
import { signRequest, type SigningIdentity } from '../src/roles-anywhere/sign-request.js';
import { aCa, aLeaf } from '../test/support/certs.js';

const OPS = Math.max(100, Math.min(50_000, Number(process.argv[2] ?? 2000)));
const ROUNDS = 5;
const origin = new URL('https://rolesanywhere.eu-west-1.amazonaws.com');
const body = JSON.stringify({
  durationSeconds: 3600,
  profileArn: 'arn:aws:rolesanywhere:eu-west-1:111122223333:profile/9a8b7c6d-aaaa-bbbb-cccc-123456789012',
  roleArn: 'arn:aws:iam::111122223333:role/workload-a',
  trustAnchorArn: 'arn:aws:rolesanywhere:eu-west-1:111122223333:trust-anchor/0f1e2d3c-aaaa-bbbb-cccc-123456789012',
});
const request = { origin, path: '/sessions', body, contentType: 'application/json' };

const issuing = aCa('bench issuing', aCa('bench root'));
async function identity(keyAlgorithm: KeyAlgorithm): Promise<SigningIdentity> {
  const leaf = aLeaf({ dns: ['workload-a'], issuer: issuing, keyAlgorithm });
  return loadIdentity({ certificate: leaf.pem, privateKey: leaf.privateKeyPem, chain: issuing.pem });
}
const identities = { p256: await identity('EC_P256'), p384: await identity('EC_P384'), rsa2048: await identity('RSA_2048') };

const sigv4 = new SignatureV4({
  service: 'rolesanywhere', region: 'eu-west-1', sha256: Hash.bind(null, 'sha256'),
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
});
const httpRequest = () => ({
  method: 'POST', protocol: 'https:', hostname: origin.hostname, path: '/sessions', query: {},
  headers: { 'content-type': 'application/json', host: origin.hostname }, body,
});

async function perSecond(op: () => unknown): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < OPS; i++) await op();
  return OPS / ((performance.now() - start) / 1000);
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

const runs: Record<string, number[]> = { p256: [], p384: [], rsa2048: [], sigv4: [] };
for (let round = 0; round < ROUNDS + 1; round++) {
  // Interleaved so a noisy neighbour slows every variant alike; round 0 warms up and is dropped.
  const figures = {
    sigv4: await perSecond(() => sigv4.sign(httpRequest(), { signingDate: new Date() })),
    p256: await perSecond(() => signRequest(identities.p256, request, 'eu-west-1', new Date())),
    p384: await perSecond(() => signRequest(identities.p384, request, 'eu-west-1', new Date())),
    rsa2048: await perSecond(() => signRequest(identities.rsa2048, request, 'eu-west-1', new Date())),
  };
  if (round > 0) for (const [name, value] of Object.entries(figures)) runs[name]?.push(value);
}
const [p256, p384, rsa2048, hmac] = [median(runs.p256 ?? []), median(runs.p384 ?? []), median(runs.rsa2048 ?? []), median(runs.sigv4 ?? [])];
console.log(`side: p384_per_s=${Math.round(p384)} rsa2048_per_s=${Math.round(rsa2048)} (median of ${ROUNDS} rounds of ${OPS})`);
console.log(`RESULT roles-anywhere-sign x509_p256_per_s=${Math.round(p256)} sigv4_hmac_per_s=${Math.round(hmac)} ratio=${(p256 / hmac).toFixed(3)}`);
