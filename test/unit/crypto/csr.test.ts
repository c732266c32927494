import { describe, expect, it } from 'vitest';
import { createCsr, csrPublicKeyDigest, parseCsr } from '../../../src/crypto/csr.js';
import { generateKeyPair, publicKeysEqual } from '../../../src/crypto/keys.js';
import { pemToDer, toPem } from '../../../src/crypto/pem.js';
import type { KeyAlgorithm } from '../../../src/domain/certificate.js';
import { ErrorCodes } from '../../../src/domain/errors/index.js';
import { thrown } from '../../support/thrown.js';

const names = { dns: ['www.example.com', 'api.example.com'], ip: ['10.0.0.1', '2001:db8::1'], uri: ['spiffe://example.com/api'] };

describe('createCsr and parseCsr', () => {
  it.each<KeyAlgorithm>(['EC_P256', 'EC_P384', 'RSA_2048'])('round-trip the subject, names and %s key', (algorithm) => {
    // Prepare
    const key = generateKeyPair(algorithm);

    // Act
    const csr = parseCsr(createCsr(key.privateKey, { commonName: 'www.example.com', names }));

    // Assess
    expect(csr.commonName).toBe('www.example.com');
    expect(csr.names).toEqual({ dns: ['api.example.com', 'www.example.com'], ip: ['10.0.0.1', '2001:db8::1'], uri: ['spiffe://example.com/api'] });
    expect(csr.keyAlgorithm).toBe(algorithm);
    expect(publicKeysEqual(csr.publicKey, key.publicKey)).toBe(true);
  });

  it('parses a CSR made by another process (no shared key object)', () => {
    // Prepare
    const key = generateKeyPair();
    const pem = createCsr(key.privateKey, { commonName: 'www.example.com', names });
    const reencoded = toPem('NEW CERTIFICATE REQUEST', pemToDer(pem, 'CERTIFICATE REQUEST'));

    // Act
    const csr = parseCsr(reencoded);

    // Assess
    expect(publicKeysEqual(csr.publicKey, key.publicKey)).toBe(true);
  });

  it('omits the CN when the common name is empty', () => {
    // Prepare
    const key = generateKeyPair();

    // Act
    const csr = parseCsr(createCsr(key.privateKey, { commonName: '', names }));

    // Assess
    expect(csr.commonName).toBeUndefined();
  });

  it('refuses DNS names that are not ASCII', () => {
    // Prepare
    const key = generateKeyPair();

    // Act
    const error = thrown(() => createCsr(key.privateKey, { commonName: 'x', names: { dns: ['bücher.example'], ip: [], uri: [] } }));

    // Assess
    expect(error.code).toBe(ErrorCodes.INPUT_INVALID);
  });

  it('digests the public key without verifying the CSR', () => {
    // Prepare
    const key = generateKeyPair();
    const first = createCsr(key.privateKey, { commonName: 'a', names });
    const second = createCsr(key.privateKey, { commonName: 'b', names });

    // Act
    const digests = [csrPublicKeyDigest(first), csrPublicKeyDigest(second)];

    // Assess
    expect(digests[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(digests[0]).toBe(digests[1]);
  });
});

describe('parseCsr failures', () => {
  it('rejects a tampered CSR with CSR.SIGNATURE_INVALID', () => {
    // Prepare
    const key = generateKeyPair();
    const der = pemToDer(createCsr(key.privateKey, { commonName: 'www.example.com', names }), 'CERTIFICATE REQUEST');
    const at = der.indexOf(Buffer.from('www.example.com'));
    der[at] = 'x'.charCodeAt(0);
    const tampered = toPem('CERTIFICATE REQUEST', der);

    // Act
    const error = thrown(() => parseCsr(tampered));

    // Assess
    expect(error.code).toBe(ErrorCodes.CSR_SIGNATURE_INVALID);
    expect(error.message).not.toContain('BEGIN');
    expect(error.message).not.toContain(tampered.split('\n')[1]!.slice(0, 20));
  });

  it('rejects a CSR signed by another key with CSR.SIGNATURE_INVALID', () => {
    // Prepare
    const [a, b] = [generateKeyPair(), generateKeyPair()];
    const derA = pemToDer(createCsr(a.privateKey, { commonName: 'x', names }), 'CERTIFICATE REQUEST');
    const derB = pemToDer(createCsr(b.privateKey, { commonName: 'x', names }), 'CERTIFICATE REQUEST');
    const spkiA = derA.indexOf(Buffer.from([0x04]), derA.indexOf(Buffer.from('2a8648ce3d030107', 'hex')));
    const spkiB = derB.indexOf(Buffer.from([0x04]), derB.indexOf(Buffer.from('2a8648ce3d030107', 'hex')));
    derB.set(derA.subarray(spkiA, spkiA + 65), spkiB);

    // Act
    const error = thrown(() => parseCsr(toPem('CERTIFICATE REQUEST', derB)));

    // Assess
    expect(error.code).toBe(ErrorCodes.CSR_SIGNATURE_INVALID);
  });

  it.each([
    ['text that is not PEM', 'not a csr at all'],
    ['a PEM that is not a CSR', toPem('CERTIFICATE REQUEST', Buffer.from('3003020101', 'hex'))],
    ['a CSR with garbage DER', toPem('CERTIFICATE REQUEST', Buffer.from('deadbeefcafe', 'hex'))],
    ['a private key', generateKeyPair().privateKeyPem],
  ])('rejects %s with CSR.MALFORMED and no input in the message', (_, pem) => {
    // Act
    const error = thrown(() => parseCsr(pem));

    // Assess
    expect(error.code).toBe(ErrorCodes.CSR_MALFORMED);
    expect(error.message).not.toContain('BEGIN');
    expect(error.message).not.toContain('not a csr');
    expect(JSON.stringify(error)).not.toContain('PRIVATE KEY');
  });
});
