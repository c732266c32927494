import { randomUUID } from 'node:crypto';
import { DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, describe, expect, it } from 'vitest';
import { INITIAL_TOKEN, SecretsManagerKeyStore, tokenOf, versionIdOf } from '../../../src/adapters/aws/secrets-manager/secrets-manager.key-store.js';
import { keyStoreContract } from '../../contract/key-store.contract.js';
import { FakeSecretsManager, serviceError } from '../../fakes/fake-secrets-manager.js';
import { ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import { aBundle } from '../../support/pki.js';

keyStoreContract('SecretsManagerKeyStore on a faithful Secrets Manager mock', async () => {
  const fake = new FakeSecretsManager();
  const client = fake.client();
  return { store: new SecretsManagerKeyStore({ client }), close: async () => client.destroy() };
}, { currentIsProtected: true });

// The same contract against a real endpoint (LocalStack, or AWS itself) when one is given.
const endpoint = process.env.AWS_ENDPOINT_URL;
if (endpoint === undefined || endpoint === '') {
  describe.skip('KeyStore contract: SecretsManagerKeyStore on AWS_ENDPOINT_URL (skipped: AWS_ENDPOINT_URL is unset)', () => {
    it('runs the key store contract against the endpoint', () => {});
  });
} else {
  const client = new SecretsManagerClient({ region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1' });
  const created: string[] = [];
  afterAll(async () => {
    for (const id of created) await client.send(new DeleteSecretCommand({ SecretId: id, ForceDeleteWithoutRecovery: true })).catch(() => undefined);
    client.destroy();
  });
  keyStoreContract(`SecretsManagerKeyStore on ${endpoint}`, async () => {
    const namePrefix = `certflow-contract-${randomUUID().slice(0, 8)}/`;
    for (const s of ['web', 'a', 'b', 'none']) created.push(`${namePrefix}${s}`);
    return { store: new SecretsManagerKeyStore({ client, namePrefix }), close: async () => undefined };
  }, { currentIsProtected: true });
}

describe('SecretsManagerKeyStore', () => {
  const setup = (options: { namePrefix?: string; kmsKeyId?: string; tags?: Record<string, string> } = {}) => {
    const fake = new FakeSecretsManager();
    const store = new SecretsManagerKeyStore({ client: fake.client(), ...options });
    return { fake, store };
  };

  it('maps version ids to ClientRequestTokens of 32 to 64 characters and back', () => {
    // Act
    const tokens = ['v1', 'r12-abcdef1234-key', 'a_0', 'x'.repeat(63)].map(tokenOf);
    // Assess
    for (const t of tokens) expect(t.length).toBeGreaterThanOrEqual(32);
    expect(tokens.map(versionIdOf)).toEqual(['v1', 'r12-abcdef1234-key', 'a_0', 'x'.repeat(63)]);
    expect(versionIdOf(INITIAL_TOKEN)).toBeUndefined();
    expect(() => tokenOf('x'.repeat(64))).toThrow(/ClientRequestToken/);
  });

  it('creates one secret per certificate with the prefix, KMS key and tags, and a RESERVED first key that is never CURRENT', async () => {
    // Prepare
    const { fake, store } = setup({ namePrefix: 'prod/certs/', kmsKeyId: 'alias/certflow', tags: { team: 'platform' } });
    // Act
    await store.putVersion('certflow/api', 'r1-abc-key', { privateKeyPem: 'key-1' }, ['RESERVED']);
    // Assess
    const secret = fake.secrets.get('prod/certs/api');
    expect(secret).toMatchObject({ kmsKeyId: 'alias/certflow', tags: [{ Key: 'team', Value: 'platform' }] });
    expect(await store.getVersion('certflow/api', { label: 'CURRENT' })).toBeUndefined();
    expect(await store.getVersion('certflow/api', { label: 'RESERVED' })).toMatchObject({ versionId: 'r1-abc-key', hasCertificate: false });
    expect(await store.listVersions('certflow/api')).toEqual([expect.objectContaining({ versionId: 'r1-abc-key', labels: ['RESERVED'] })]);
  });

  it('stores the documented JSON value: certificate, chain, privateKey, serialNumber, notAfter, revision', async () => {
    // Prepare
    const { fake, store } = setup();
    const bundle = aBundle('api.example.com');
    // Act
    await store.putVersion('certflow/api', 'r3-abcdef1234', bundle.material, ['PENDING']);
    // Assess
    const version = fake.secrets.get('certflow/api')?.versions.get(tokenOf('r3-abcdef1234'));
    expect(JSON.parse(version?.value ?? '{}')).toEqual({
      certificate: bundle.material.certificatePem,
      chain: bundle.material.chainPem,
      privateKey: bundle.material.privateKeyPem,
      serialNumber: bundle.serialNumber,
      notAfter: bundle.notAfter.toISOString(),
      revision: 3,
    });
    expect([...(version?.stages ?? [])]).toEqual(['AWSPENDING']);
  });

  it('treats a duplicate ClientRequestToken with the same value as a no-op', async () => {
    // Prepare
    const { fake, store } = setup();
    await store.putVersion('certflow/api', 'v1', { privateKeyPem: 'k', certificatePem: 'c' }, ['CURRENT']);
    // Act
    const again = await store.putVersion('certflow/api', 'v1', { privateKeyPem: 'k', certificatePem: 'c' }, ['PENDING']);
    // Assess
    expect(again.labels).toEqual(['CURRENT']);
    expect(fake.count('PutSecretValue')).toBe(3);
    expect(fake.secrets.get('certflow/api')?.versions.size).toBe(2);
  });

  it('answers a duplicate ClientRequestToken with another value with KEYSTORE.CONFLICT and overwrites nothing', async () => {
    // Prepare
    const { fake, store } = setup();
    await store.putVersion('certflow/api', 'v1', { privateKeyPem: 'k', certificatePem: 'c' }, ['CURRENT']);
    // Act
    const error = await store.putVersion('certflow/api', 'v1', { privateKeyPem: 'other', certificatePem: 'c' }, ['PENDING']).catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ code: 'KEYSTORE.CONFLICT', retryable: false, context: { awsError: 'ResourceExistsException' } });
    expect(JSON.stringify(error)).not.toContain('other');
    expect((await store.getVersion('certflow/api', { label: 'CURRENT' }))?.material.privateKeyPem).toBe('k');
    expect(fake.secrets.get('certflow/api')?.versions.size).toBe(2);
  });

  it('reports throttling as retryable KEYSTORE.UNAVAILABLE and leaves CURRENT untouched', async () => {
    // Prepare
    const { fake, store } = setup();
    await store.putVersion('certflow/api', 'v1', { privateKeyPem: 'k1', certificatePem: 'c1' }, ['CURRENT']);
    await store.putVersion('certflow/api', 'v2', { privateKeyPem: 'k2', certificatePem: 'c2' }, ['PENDING']);
    fake.failNext('UpdateSecretVersionStage', serviceError('ThrottlingException', 'Rate exceeded'));
    // Act
    const error = await store.moveLabel('certflow/api', 'CURRENT', 'v2').catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ code: 'KEYSTORE.UNAVAILABLE', retryable: true, context: { awsError: 'ThrottlingException' } });
    expect((await store.getVersion('certflow/api', { label: 'CURRENT' }))?.versionId).toBe('v1');
    // The retry converges.
    await store.moveLabel('certflow/api', 'CURRENT', 'v2');
    expect((await store.getVersion('certflow/api', { label: 'CURRENT' }))?.versionId).toBe('v2');
  });

  it('reports AccessDenied as KEYSTORE.ACCESS_DENIED, not retryable, and KMS refusals alike', async () => {
    // Prepare
    const { fake, store } = setup();
    fake.failNext('PutSecretValue', serviceError('AccessDeniedException', 'User: arn:aws:sts::1:assumed-role/x is not authorized'));
    // Act
    const denied = await store.putVersion('certflow/api', 'v1', { privateKeyPem: 'k' }, ['RESERVED']).catch((e: unknown) => e);
    // Assess
    expect(denied).toMatchObject({ code: 'KEYSTORE.ACCESS_DENIED', retryable: false, context: { operation: 'PutSecretValue', secretName: 'certflow/api' } });
    expect(fake.secrets.size).toBe(0);
  });

  it('reads an unknown secret, version or stage (ResourceNotFound) as absent', async () => {
    // Prepare
    const { fake, store } = setup();
    fake.failNext('GetSecretValue', new ResourceNotFoundException({ message: 'nope', $metadata: {} }));
    // Act
    const reads = [await store.getVersion('certflow/x', { label: 'CURRENT' }), await store.getVersion('certflow/x', { versionId: 'v1' })];
    // Assess
    expect(reads).toEqual([undefined, undefined]);
    expect(await store.listVersions('certflow/x')).toEqual([]);
  });

  it('drops AWSPENDING, then moves AWSCURRENT in one UpdateSecretVersionStage call naming the version it leaves', async () => {
    // Prepare
    const { fake, store } = setup();
    await store.putVersion('certflow/api', 'v1', { privateKeyPem: 'k1', certificatePem: 'c1' }, ['CURRENT']);
    await store.putVersion('certflow/api', 'v2', { privateKeyPem: 'k2', certificatePem: 'c2' }, ['PENDING']);
    const before = fake.calls.length;
    // Act
    await store.moveLabel('certflow/api', 'CURRENT', 'v2');
    // Assess
    const updates = fake.calls.slice(before).filter((c) => c.operation === 'UpdateSecretVersionStage').map((c) => c.input);
    expect(updates).toEqual([
      { SecretId: 'certflow/api', VersionStage: 'AWSPENDING', RemoveFromVersionId: tokenOf('v2') },
      { SecretId: 'certflow/api', VersionStage: 'AWSCURRENT', MoveToVersionId: tokenOf('v2'), RemoveFromVersionId: tokenOf('v1') },
    ]);
    expect(Object.fromEntries([...(fake.secrets.get('certflow/api')?.versions.values() ?? [])].map((v) => [v.id, [...v.stages].sort()]))).toEqual({
      [INITIAL_TOKEN]: [],
      [tokenOf('v1')]: ['AWSPREVIOUS'],
      [tokenOf('v2')]: ['AWSCURRENT'],
    });
  });
});
