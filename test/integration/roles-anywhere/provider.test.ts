import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import type { KeyAlgorithm } from '../../../src/domain/certificate.js';
import { ErrorCodes } from '../../../src/domain/errors/index.js';
import type { CertflowError } from '../../../src/domain/errors/index.js';
import { fromRolesAnywhere, type RolesAnywhereOptions } from '../../../src/roles-anywhere/index.js';
import { loadIdentity } from '../../../src/roles-anywhere/key-material.js';
import { signRequest } from '../../../src/roles-anywhere/sign-request.js';
import { aCa, aLeaf, type TestLeaf } from '../../support/certs.js';
import { startCreateSessionStub, type CreateSessionStub } from '../../support/roles-anywhere-stub.js';

const TRUST_ANCHOR = 'arn:aws:rolesanywhere:eu-west-1:111122223333:trust-anchor/0f1e2d3c-aaaa-bbbb-cccc-123456789012';
const PROFILE = 'arn:aws:rolesanywhere:eu-west-1:111122223333:profile/9a8b7c6d-aaaa-bbbb-cccc-123456789012';
const ROLE = 'arn:aws:iam::111122223333:role/workload-a';
const root = aCa('Roles Anywhere Test Root');
const issuing = aCa('Roles Anywhere Test Issuing', root);
const stranger = aCa('Unregistered Root');

const serialOf = (leaf: TestLeaf): string => BigInt(`0x${new X509Certificate(leaf.pem).serialNumber}`).toString();
const aClientCert = (keyAlgorithm: KeyAlgorithm = 'EC_P256', issuer = issuing): TestLeaf => aLeaf({ dns: ['workload-a'], issuer, keyAlgorithm });

async function failure(act: () => Promise<unknown>): Promise<CertflowError> {
  try {
    await act();
  } catch (error) {
    return error as CertflowError;
  }
  throw new Error('expected a rejection');
}

/** An X-Amz-Date one second on: well inside the allowed skew, so only the signature can catch it. */
function oneSecondLater(amzDate: string): string {
  const iso = amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z');
  return new Date(Date.parse(iso) + 1_000).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** Rewrites the request after the provider signed it, as a meddling proxy would. */
function tamperingFetch(mutate: (headers: Record<string, string>, body: string) => string): typeof fetch {
  return (input, init) => {
    const headers = { ...(init?.headers as Record<string, string>) };
    const body = mutate(headers, String(init?.body));
    return fetch(input, { ...init, headers, body });
  };
}

describe('fromRolesAnywhere against a CreateSession stub', () => {
  let stub: CreateSessionStub;
  beforeEach(async () => {
    stub = await startCreateSessionStub({ anchors: [root.pem], trustAnchorArn: TRUST_ANCHOR, region: 'eu-west-1', credentialTtlMs: 15 * 60_000 });
  });
  afterEach(async () => stub.close());

  const optionsFor = (leaf: TestLeaf, extra: Partial<RolesAnywhereOptions> = {}): RolesAnywhereOptions =>
    ({
      certificate: leaf.pem,
      privateKey: leaf.privateKeyPem,
      chain: issuing.pem,
      trustAnchorArn: TRUST_ANCHOR,
      profileArn: PROFILE,
      roleArn: ROLE,
      endpoint: stub.endpoint,
      ...extra,
    }) as RolesAnywhereOptions;

  for (const keyAlgorithm of ['EC_P256', 'EC_P384', 'RSA_2048'] as const) {
    it(`gets credentials for a request signed with a ${keyAlgorithm} key`, async () => {
      // Prepare
      const leaf = aClientCert(keyAlgorithm);
      const provider = fromRolesAnywhere(optionsFor(leaf));

      // Act
      const credentials = await provider();

      // Assess
      expect(stub.refusals).toEqual([]);
      expect(stub.acceptedSerials).toEqual([serialOf(leaf)]);
      expect(credentials.accessKeyId).toMatch(/^ASIA/);
      expect(stub.secretsIssued).toContain(credentials.secretAccessKey);
      expect(stub.secretsIssued).toContain(credentials.sessionToken);
      expect(credentials.expiration.getTime()).toBeGreaterThan(Date.now());
    });
  }

  const tamperings: Array<[string, (headers: Record<string, string>, body: string) => string, RegExp]> = [
    ['a signed header', (headers, body) => ((headers['content-type'] = 'application/json; charset=utf-8'), body), /signature/],
    ['the body', (_headers, body) => body.replace('workload-a', 'admin'), /signature/],
    ['the date (one second later)', (headers, body) => ((headers['x-amz-date'] = oneSecondLater(headers['x-amz-date'] ?? '')), body), /signature/],
    ['the certificate (another key of the same CA)', (headers, body) => ((headers['x-amz-x509'] = new X509Certificate(aClientCert().pem).raw.toString('base64')), body), /serial/],
  ];
  for (const [what, mutate, reason] of tamperings) {
    it(`is refused with ROLES_ANYWHERE.REFUSED when ${what} is changed after signing`, async () => {
      // Prepare
      const leaf = aClientCert();
      const provider = fromRolesAnywhere(optionsFor(leaf, { fetch: tamperingFetch(mutate) }));

      // Act
      const error = await failure(provider);

      // Assess
      expect(stub.acceptedSerials).toEqual([]);
      expect(stub.refusals).toHaveLength(1);
      expect(stub.refusals[0]).toMatch(reason);
      expect(error.code).toBe(ErrorCodes.ROLES_ANYWHERE_REFUSED);
      expect(error.retryable).toBe(false);
      expect(error.context).toMatchObject({ status: 403, errorType: 'AccessDeniedException', serverMessage: stub.refusals[0] });
      expect(JSON.stringify(error)).not.toContain('PRIVATE KEY');
    });
  }

  it('refuses a correctly signed request dated more than 5 minutes ago, and accepts the same request dated now', async () => {
    // Prepare
    const leaf = aClientCert();
    const identity = await loadIdentity({ certificate: leaf.pem, privateKey: leaf.privateKeyPem, chain: issuing.pem });
    const body = JSON.stringify({ profileArn: PROFILE, roleArn: ROLE, trustAnchorArn: TRUST_ANCHOR });
    const send = (at: Date): Promise<Response> =>
      fetch(`${stub.endpoint}/sessions`, {
        method: 'POST',
        body,
        headers: signRequest(identity, { origin: new URL(stub.endpoint), path: '/sessions', body, contentType: 'application/json' }, 'eu-west-1', at),
      });

    // Act
    const stale = await send(new Date(Date.now() - 6 * 60_000));
    const fresh = await send(new Date());

    // Assess
    expect(stale.status).toBe(403);
    expect(fresh.status).toBe(201);
    expect(stub.refusals).toEqual(['X-Amz-Date is more than 5 minutes off']);
  });

  it('is refused when the certificate does not chain to the trust anchor', async () => {
    // Prepare
    const otherIssuing = aCa('Unregistered Issuing', stranger);
    const provider = fromRolesAnywhere(optionsFor(aClientCert('EC_P256', otherIssuing), { chain: otherIssuing.pem }));

    // Act
    const error = await failure(provider);

    // Assess
    expect(error.code).toBe(ErrorCodes.ROLES_ANYWHERE_REFUSED);
    expect(stub.refusals).toEqual(['certificate does not chain to the trust anchor']);
  });

  it('keeps credentials until the refresh window and then fetches new ones', async () => {
    // Prepare: the clock only decides when to refresh; the stub's expirations are real.
    let now = Date.now();
    const provider = fromRolesAnywhere(optionsFor(aClientCert(), { clock: { now: () => new Date(now) }, refreshBeforeExpiryMs: 60_000 }));
    const first = await provider();

    // Act
    now = first.expiration.getTime() - 60_000 - 1;
    const beforeWindow = await provider();
    now = first.expiration.getTime() - 60_000;
    const inWindow = await provider();

    // Assess
    expect(beforeWindow).toBe(first);
    expect(inWindow.accessKeyId).not.toBe(first.accessKeyId);
    expect(stub.acceptedSerials).toHaveLength(2);
  });

  it('shares one CreateSession call among concurrent callers', async () => {
    // Prepare
    const provider = fromRolesAnywhere(optionsFor(aClientCert()));

    // Act
    const all = await Promise.all(Array.from({ length: 8 }, () => provider()));

    // Assess
    expect(stub.acceptedSerials).toHaveLength(1);
    expect(new Set(all.map((c) => c.accessKeyId)).size).toBe(1);
  });

  it('answers with the cached credentials when an early refresh fails, and fails once they expire', async () => {
    // Prepare
    let now = Date.now();
    const provider = fromRolesAnywhere(optionsFor(aClientCert(), { clock: { now: () => new Date(now) }, refreshBeforeExpiryMs: 60_000 }));
    const first = await provider();
    stub.mode = 'unavailable';

    // Act
    now = first.expiration.getTime() - 1_000;
    const early = await provider();
    now = first.expiration.getTime();
    const late = await failure(provider);

    // Assess
    expect(early).toBe(first);
    expect(late.code).toBe(ErrorCodes.ROLES_ANYWHERE_UNAVAILABLE);
    expect(late.retryable).toBe(true);
  });

  it('reports a body without a session token as ROLES_ANYWHERE.RESPONSE_INVALID without quoting it', async () => {
    // Prepare
    stub.mode = 'no-token';
    const provider = fromRolesAnywhere(optionsFor(aClientCert()));

    // Act
    const error = await failure(provider);

    // Assess
    expect(error.code).toBe(ErrorCodes.ROLES_ANYWHERE_RESPONSE_INVALID);
    expect(error.message).toContain('sessionToken');
    for (const secret of stub.secretsIssued) expect(`${error.message} ${JSON.stringify(error)}`).not.toContain(secret);
  });

  it('reports a truncated JSON body as ROLES_ANYWHERE.RESPONSE_INVALID', async () => {
    // Prepare
    stub.mode = 'garbage';
    const provider = fromRolesAnywhere(optionsFor(aClientCert()));

    // Act
    const error = await failure(provider);

    // Assess
    expect(error.code).toBe(ErrorCodes.ROLES_ANYWHERE_RESPONSE_INVALID);
    for (const secret of stub.secretsIssued) expect(JSON.stringify(error)).not.toContain(secret);
  });

  it('reports an endpoint that does not answer in time as retryable ROLES_ANYWHERE.UNAVAILABLE', async () => {
    // Prepare
    stub.mode = 'hang';
    const provider = fromRolesAnywhere(optionsFor(aClientCert(), { timeoutMs: 200 }));

    // Act
    const error = await failure(provider);

    // Assess
    expect(error.code).toBe(ErrorCodes.ROLES_ANYWHERE_UNAVAILABLE);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('200 ms');
  });

  it('does not follow a redirect with the signed request', async () => {
    // Prepare
    stub.mode = 'redirect';
    const provider = fromRolesAnywhere(optionsFor(aClientCert()));

    // Act
    const error = await failure(provider);

    // Assess
    expect(error.code).toBe(ErrorCodes.ROLES_ANYWHERE_REFUSED);
    expect(error.context.status).toBe(307);
  });

  it('reports a refused connection as retryable ROLES_ANYWHERE.UNAVAILABLE', async () => {
    // Prepare: a port that was just free.
    const endpoint = stub.endpoint;
    await stub.close();
    const provider = fromRolesAnywhere(optionsFor(aClientCert(), { endpoint }));

    // Act
    const error = await failure(provider);

    // Assess
    expect(error.code).toBe(ErrorCodes.ROLES_ANYWHERE_UNAVAILABLE);
    expect(error.retryable).toBe(true);
    expect(error.context.endpoint).toBe(endpoint);
  });
});
