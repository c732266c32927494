import { describe, expect, it } from 'vitest';
import { createHash, verify, X509Certificate } from 'node:crypto';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { ErrorCodes } from '../../../src/domain/errors/index.js';
import { fromRolesAnywhere } from '../../../src/roles-anywhere/index.js';
import { loadIdentity } from '../../../src/roles-anywhere/key-material.js';
import { signRequest } from '../../../src/roles-anywhere/sign-request.js';
import { aCa, aLeaf } from '../../support/certs.js';
import { thrown } from '../../support/thrown.js';

const root = aCa('Sign Test Root');
const issuing = aCa('Sign Test Issuing', root);
const arns = {
  trustAnchorArn: 'arn:aws:rolesanywhere:us-east-1:111122223333:trust-anchor/ta-1',
  profileArn: 'arn:aws:rolesanywhere:us-east-1:111122223333:profile/p-1',
  roleArn: 'arn:aws:iam::111122223333:role/r',
};
const request = { origin: new URL('https://rolesanywhere.us-east-1.amazonaws.com'), path: '/sessions', body: '{"a":1}', contentType: 'application/json' };

describe('signRequest', () => {
  it('writes the Authorization header with the decimal serial, the scope and the signed header names', async () => {
    // Prepare
    const leaf = aLeaf({ dns: ['w'], issuer: issuing });
    const identity = await loadIdentity({ certificate: leaf.pem, privateKey: leaf.privateKeyPem, chain: issuing.pem });
    const serial = BigInt(`0x${new X509Certificate(leaf.pem).serialNumber}`).toString(10);

    // Act
    const headers = signRequest(identity, request, 'us-east-1', new Date('2026-03-04T05:06:07.890Z'));

    // Assess
    expect(headers['x-amz-date']).toBe('20260304T050607Z');
    expect(headers.host).toBe('rolesanywhere.us-east-1.amazonaws.com');
    expect(headers['x-amz-x509']).toBe(new X509Certificate(leaf.pem).raw.toString('base64'));
    expect(headers['x-amz-x509-chain']).toBe(new X509Certificate(issuing.pem).raw.toString('base64'));
    expect(headers.authorization).toMatch(
      new RegExp(
        `^AWS4-X509-ECDSA-SHA256 Credential=${serial}/20260304/us-east-1/rolesanywhere/aws4_request, ` +
          'SignedHeaders=content-type;host;x-amz-date;x-amz-x509;x-amz-x509-chain, Signature=[0-9a-f]+$',
      ),
    );
  });

  it('signs the SHA-256 of the string to sign with PKCS#1 v1.5 for an RSA key', async () => {
    // Prepare: the string to sign written out by hand for this request.
    const leaf = aLeaf({ dns: ['w'], issuer: issuing, keyAlgorithm: 'RSA_2048' });
    const identity = await loadIdentity({ certificate: leaf.pem, privateKey: leaf.privateKeyPem });
    const x509 = new X509Certificate(leaf.pem).raw.toString('base64');
    const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
    const canonical =
      `POST\n/sessions\n\ncontent-type:application/json\nhost:rolesanywhere.us-east-1.amazonaws.com\nx-amz-date:20260304T050607Z\n` +
      `x-amz-x509:${x509}\n\ncontent-type;host;x-amz-date;x-amz-x509\n${sha('{"a":1}')}`;
    const stringToSign = `AWS4-X509-RSA-SHA256\n20260304T050607Z\n20260304/us-east-1/rolesanywhere/aws4_request\n${sha(canonical)}`;

    // Act
    const headers = signRequest(identity, request, 'us-east-1', new Date('2026-03-04T05:06:07Z'));

    // Assess
    const signature = Buffer.from(/Signature=([0-9a-f]+)$/.exec(headers.authorization ?? '')?.[1] ?? '', 'hex');
    expect(headers.authorization).toMatch(/^AWS4-X509-RSA-SHA256 /);
    expect(verify('sha256', Buffer.from(stringToSign), new X509Certificate(leaf.pem).publicKey, signature)).toBe(true);
  });
});

describe('fromRolesAnywhere options', () => {
  it('is an AWS SDK v3 credential identity provider', () => {
    // Prepare
    const leaf = aLeaf({ dns: ['w'], issuer: issuing });

    // Act
    const provider: AwsCredentialIdentityProvider = fromRolesAnywhere({ certificate: leaf.pem, privateKey: leaf.privateKeyPem, ...arns });

    // Assess
    expect(typeof provider).toBe('function');
  });

  it('reports every problem at once as CONFIG.INVALID, naming no key material', () => {
    // Prepare
    const leaf = aLeaf({ dns: ['w'], issuer: issuing });

    // Act
    const error = thrown(() =>
      fromRolesAnywhere({
        certificate: leaf.pem,
        privateKey: leaf.privateKeyPem,
        trustAnchorArn: 'arn:aws:iam::111122223333:role/not-an-anchor',
        profileArn: arns.profileArn,
        roleArn: 'role-name',
        durationSeconds: 60,
        endpoint: 'https://example.test/prefix',
      }),
    );

    // Assess
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.details).toEqual([
      '/trustAnchorArn is not an ARN of rolesanywhere',
      '/roleArn is not an ARN of iam',
      '/region is missing or not a region name',
      '/durationSeconds must be an integer from 900 to 43200',
      '/endpoint must be http(s)://host[:port] only',
    ]);
    expect(JSON.stringify(error)).not.toContain('PRIVATE KEY');
  });

  it('refuses both a key store and files, or neither', () => {
    // Prepare
    const leaf = aLeaf({ dns: ['w'], issuer: issuing });
    const keyStore = { getVersion: () => Promise.resolve(undefined) } as never;

    // Act
    const neither = thrown(() => fromRolesAnywhere({ ...arns } as never));
    const both = thrown(() => fromRolesAnywhere({ ...arns, certificate: leaf.pem, privateKey: leaf.privateKeyPem, keyStore, secretName: 's' } as never));

    // Assess
    expect(neither.details).toContain('/ give either certificate and privateKey, or keyStore and secretName');
    expect(both.details).toContain('/ give either certificate and privateKey, or keyStore and secretName, not both');
  });

  it('refuses an Ed25519 key with ROLES_ANYWHERE.KEY_UNSUPPORTED', async () => {
    // Prepare
    const { generateKeyPairSync } = await import('node:crypto');
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const leaf = aLeaf({ dns: ['w'], issuer: issuing });

    // Act
    const error = await loadIdentity({ certificate: leaf.pem, privateKey: ed }).then(
      () => undefined,
      (e: unknown) => e as { code: string },
    );

    // Assess
    expect(error?.code).toBe(ErrorCodes.ROLES_ANYWHERE_KEY_UNSUPPORTED);
  });
});
