import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteKeyStore } from '../../../src/adapters/local/sqlite.key-store.js';
import { ErrorCodes } from '../../../src/domain/errors/index.js';
import type { CertflowError } from '../../../src/domain/errors/index.js';
import { fromRolesAnywhere } from '../../../src/roles-anywhere/index.js';
import { pinDirectory } from '../../../src/roles-anywhere/key-material.js';
import { aCa, aLeaf, type TestLeaf } from '../../support/certs.js';
import { startCreateSessionStub, type CreateSessionStub } from '../../support/roles-anywhere-stub.js';

const arns = {
  trustAnchorArn: 'arn:aws:rolesanywhere:eu-west-1:111122223333:trust-anchor/0f1e2d3c-aaaa-bbbb-cccc-123456789012',
  profileArn: 'arn:aws:rolesanywhere:eu-west-1:111122223333:profile/9a8b7c6d-aaaa-bbbb-cccc-123456789012',
  roleArn: 'arn:aws:iam::111122223333:role/workload-a',
};
const root = aCa('Roles Anywhere Test Root');
const issuing = aCa('Roles Anywhere Test Issuing', root);
const aClientCert = (): TestLeaf => aLeaf({ dns: ['workload-a'], issuer: issuing });
const serialOf = (leaf: TestLeaf): string => BigInt(`0x${new X509Certificate(leaf.pem).serialNumber}`).toString();

/** Replaces a file the way certflow's directory destination does: write aside, then rename over. */
function deliver(dir: string, name: string, content: string): void {
  writeFileSync(join(dir, `.${name}.tmp`), content, { mode: 0o600 });
  renameSync(join(dir, `.${name}.tmp`), join(dir, name));
}

describe('fromRolesAnywhere across a rotation', () => {
  let stub: CreateSessionStub;
  let dir: string;
  let now: number;
  const clock = { now: () => new Date(now) };
  beforeEach(async () => {
    stub = await startCreateSessionStub({ anchors: [root.pem], trustAnchorArn: arns.trustAnchorArn, region: 'eu-west-1', credentialTtlMs: 15 * 60_000 });
    dir = mkdtempSync(join(tmpdir(), 'certflow-ra-'));
    now = Date.now();
  });
  afterEach(async () => {
    await stub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the new certificate from replaced files at the next refresh', async () => {
    // Prepare
    const before = aClientCert();
    const after = aClientCert();
    deliver(dir, 'cert.pem', before.pem);
    deliver(dir, 'key.pem', before.privateKeyPem);
    deliver(dir, 'chain.pem', issuing.pem);
    const provider = fromRolesAnywhere({
      certificate: join(dir, 'cert.pem'), privateKey: join(dir, 'key.pem'), chain: join(dir, 'chain.pem'),
      ...arns, endpoint: stub.endpoint, clock, refreshBeforeExpiryMs: 60_000,
    });
    const first = await provider();

    // Act
    deliver(dir, 'key.pem', after.privateKeyPem);
    deliver(dir, 'cert.pem', after.pem);
    const stillCached = await provider();
    now = first.expiration.getTime() - 30_000;
    const second = await provider();

    // Assess
    expect(stillCached).toBe(first);
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(stub.acceptedSerials).toEqual([serialOf(before), serialOf(after)]);
  });

  it('reads a leaf followed by its intermediates from one file', async () => {
    // Prepare
    const leaf = aClientCert();
    deliver(dir, 'fullchain.pem', `${leaf.pem}${issuing.pem}`);
    deliver(dir, 'key.pem', leaf.privateKeyPem);
    const provider = fromRolesAnywhere({ certificate: join(dir, 'fullchain.pem'), privateKey: join(dir, 'key.pem'), ...arns, endpoint: stub.endpoint });

    // Act
    await provider();

    // Assess
    expect(stub.refusals).toEqual([]);
    expect(stub.acceptedSerials).toEqual([serialOf(leaf)]);
  });

  it('sends nothing while the files hold a certificate and a key of different versions', async () => {
    // Prepare: a rotation caught half-way (new certificate, old key).
    deliver(dir, 'cert.pem', aClientCert().pem);
    deliver(dir, 'key.pem', aClientCert().privateKeyPem);
    const provider = fromRolesAnywhere({ certificate: join(dir, 'cert.pem'), privateKey: join(dir, 'key.pem'), ...arns, endpoint: stub.endpoint });

    // Act
    const error = await provider().then(
      () => undefined,
      (e: unknown) => e as CertflowError,
    );

    // Assess
    expect(error?.code).toBe(ErrorCodes.ROLES_ANYWHERE_KEY_MISMATCH);
    expect(error?.retryable).toBe(true);
    expect(stub.acceptedSerials).toEqual([]);
    expect(stub.refusals).toEqual([]);
  });

  it('sends the certificate of the key store version that became CURRENT', async () => {
    // Prepare
    const keys = SqliteKeyStore.open(':memory:');
    const before = aClientCert();
    const after = aClientCert();
    await keys.putVersion('workload-a', 'v1', { certificatePem: before.pem, privateKeyPem: before.privateKeyPem, chainPem: issuing.pem }, ['CURRENT']);
    const provider = fromRolesAnywhere({ keyStore: keys, secretName: 'workload-a', ...arns, endpoint: stub.endpoint, clock, refreshBeforeExpiryMs: 60_000 });
    const first = await provider();

    // Act
    await keys.putVersion('workload-a', 'v2', { certificatePem: after.pem, privateKeyPem: after.privateKeyPem, chainPem: issuing.pem }, ['CURRENT']);
    now = first.expiration.getTime() - 30_000;
    await provider();

    // Assess
    expect(stub.refusals).toEqual([]);
    expect(stub.acceptedSerials).toEqual([serialOf(before), serialOf(after)]);
  });

  it('reports a key store without a CURRENT version as KEYSTORE.CURRENT_MISSING', async () => {
    // Prepare
    const keys = SqliteKeyStore.open(':memory:');
    const provider = fromRolesAnywhere({ keyStore: keys, secretName: 'nobody', ...arns, endpoint: stub.endpoint });

    // Act
    const error = await provider().then(
      () => undefined,
      (e: unknown) => e as CertflowError,
    );

    // Assess
    expect(error?.code).toBe(ErrorCodes.KEYSTORE_CURRENT_MISSING);
    expect(stub.acceptedSerials).toEqual([]);
  });
});

describe('pinDirectory (reads of one rotation version)', () => {
  it('reads certificate and key from the version a swapped symlink pointed at when the read began', async () => {
    // Prepare: current -> v1, as the rolesanywhere destination publishes it
    const base = mkdtempSync(join(tmpdir(), 'certflow-ra-pin-'));
    const [v1, v2] = [aClientCert(), aClientCert()];
    for (const [name, leaf] of [['v1', v1], ['v2', v2]] as const) {
      mkdirSync(join(base, name));
      writeFileSync(join(base, name, 'cert.pem'), leaf.pem);
      writeFileSync(join(base, name, 'key.pem'), leaf.privateKeyPem);
    }
    symlinkSync('v1', join(base, 'current'));
    const given = [join(base, 'current', 'cert.pem'), join(base, 'current', 'key.pem'), undefined];

    // Act: the paths are pinned, then the rotation swaps current -> v2 before the files are read
    const [cert, key, chain] = await pinDirectory(given);
    symlinkSync('v2', join(base, 'current.next'));
    renameSync(join(base, 'current.next'), join(base, 'current'));

    // Assess
    expect(chain).toBeUndefined();
    expect(readFileSync(cert ?? '', 'utf8')).toBe(v1.pem);
    expect(readFileSync(key ?? '', 'utf8')).toBe(v1.privateKeyPem);
    expect(await pinDirectory([v1.pem, join(base, 'current', 'key.pem')])).toEqual([v1.pem, join(base, 'current', 'key.pem')]);
    rmSync(base, { recursive: true, force: true });
  });
});
