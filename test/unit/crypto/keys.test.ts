import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateKeyPair, generateKeyPairAsync, keyAlgorithmOf, keyIdentifier, privateKeyFromPem, publicKeysEqual, subjectPublicKeyInfo,
} from '../../../src/crypto/keys.js';
import { pemToDer, toPem } from '../../../src/crypto/pem.js';
import type { KeyAlgorithm } from '../../../src/domain/certificate.js';
import { ErrorCodes } from '../../../src/domain/errors/index.js';

const data = Buffer.from('certflow');

describe('generateKeyPair', () => {
  it.each<KeyAlgorithm>(['EC_P256', 'EC_P384', 'RSA_2048'])('makes a usable %s pair whose PEM holds the same key', (algorithm) => {
    // Act
    const pair = generateKeyPair(algorithm);

    // Assess
    const fromPem = createPrivateKey(pair.privateKeyPem);
    expect(keyAlgorithmOf(pair.privateKey)).toBe(algorithm);
    expect(keyAlgorithmOf(pair.publicKey)).toBe(algorithm);
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(publicKeysEqual(fromPem, pair.publicKey)).toBe(true);
    expect(verify('sha256', data, pair.publicKey, sign('sha256', data, fromPem))).toBe(true);
  });

  it('defaults to P-256', () => {
    // Act
    const pair = generateKeyPair();

    // Assess
    expect(keyAlgorithmOf(pair.publicKey)).toBe('EC_P256');
  });

  it('makes a different key every time', () => {
    // Act
    const a = generateKeyPair();
    const b = generateKeyPair();

    // Assess
    expect(publicKeysEqual(a.publicKey, b.publicKey)).toBe(false);
  });

  it('generates asynchronously too', async () => {
    // Act
    const pair = await generateKeyPairAsync('RSA_2048');

    // Assess
    expect(keyAlgorithmOf(pair.privateKey)).toBe('RSA_2048');
    expect(publicKeysEqual(createPrivateKey(pair.privateKeyPem), pair.publicKey)).toBe(true);
  });
});

describe('subjectPublicKeyInfo', () => {
  it.each<KeyAlgorithm>(['EC_P256', 'EC_P384', 'RSA_2048'])('equals the DER OpenSSL writes for %s keys', (algorithm) => {
    // Prepare
    const pair = generateKeyPair(algorithm);
    const fresh = createPublicKey(pair.privateKeyPem);

    // Act
    const spki = subjectPublicKeyInfo(fresh);

    // Assess
    expect(spki.equals(fresh.export({ type: 'spki', format: 'der' }))).toBe(true);
    expect(subjectPublicKeyInfo(pair.publicKey).equals(spki)).toBe(true);
  });

  it('gives a 20-byte key identifier', () => {
    // Act
    const id = keyIdentifier(subjectPublicKeyInfo(generateKeyPair().publicKey));

    // Assess
    expect(id).toHaveLength(20);
  });
});

describe('keyAlgorithmOf', () => {
  it('answers OTHER for keys certflow does not issue', () => {
    // Prepare
    const ed25519 = createPrivateKey({
      key: Buffer.from('302e020100300506032b657004220420' + '11'.repeat(32), 'hex'),
      format: 'der',
      type: 'pkcs8',
    });

    // Act
    const algorithm = keyAlgorithmOf(ed25519);

    // Assess
    expect(algorithm).toBe('OTHER');
  });
});

describe('privateKeyFromPem', () => {
  it.each<KeyAlgorithm>(['EC_P256', 'EC_P384', 'RSA_2048'])('reads back a generated %s key', (algorithm) => {
    // Prepare
    const pair = generateKeyPair(algorithm);

    // Act
    const key = privateKeyFromPem(pair.privateKeyPem);

    // Assess
    expect(key.type).toBe('private');
    expect(publicKeysEqual(key, pair.publicKey)).toBe(true);
  });

  it('derives the public key from the scalar, ignoring a stored point of another key', () => {
    // Prepare
    const [a, b] = [generateKeyPair(), generateKeyPair()];
    const der = pemToDer(a.privateKeyPem, 'PRIVATE KEY');
    der.set(pemToDer(b.privateKeyPem, 'PRIVATE KEY').subarray(-65), der.length - 65);

    // Act
    const key = privateKeyFromPem(toPem('PRIVATE KEY', der));

    // Assess
    expect(publicKeysEqual(key, a.publicKey)).toBe(true);
  });

  it('leaves generation random after deriving a public point', () => {
    // Prepare
    const read = privateKeyFromPem(generateKeyPair().privateKeyPem);

    // Act
    const next = generateKeyPair();

    // Assess
    expect(publicKeysEqual(read, next.publicKey)).toBe(false);
  });

  it('throws INPUT.INVALID for an encrypted key without echoing it', () => {
    // Prepare
    const encrypted = createPrivateKey(generateKeyPair().privateKeyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }) as string;

    // Act
    const act = () => privateKeyFromPem(encrypted);

    // Assess
    expect(act).toThrow(expect.objectContaining({ code: ErrorCodes.INPUT_INVALID, message: 'private key PEM is unreadable or encrypted' }));
  });

  it('reads an OpenSSL-written key without an embedded public point', () => {
    // Prepare
    const pair = generateKeyPair('EC_P256');
    const sec1 = createPrivateKey(pair.privateKeyPem).export({ type: 'sec1', format: 'der' });
    const withoutPublic = createPrivateKey({ key: sec1, format: 'der', type: 'sec1' }).export({ type: 'pkcs8', format: 'pem' }) as string;

    // Act
    const key = privateKeyFromPem(withoutPublic);

    // Assess
    expect(publicKeysEqual(key, pair.publicKey)).toBe(true);
  });
});
