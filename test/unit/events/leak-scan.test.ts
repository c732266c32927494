import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../scripts/lib/schema-files.js';
import { findKeyMaterial } from '../../support/leak-scan.js';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const pemBody = (pem: string) => pem.split('\n').filter((l) => l !== '' && !l.startsWith('-----')).join('\n');

describe('findKeyMaterial', () => {
  it.each([
    ['a PKCS#8 PEM', ec.export({ type: 'pkcs8', format: 'pem' }) as string, 'PEM block'],
    ['a PEM inside a JSON string', JSON.stringify({ cert: ec.export({ type: 'pkcs8', format: 'pem' }) }), 'PEM block'],
    ['a truncated PEM header', 'key: -----BEGIN EC PRIVATE KEY-----\nMHcCAQEE', 'PEM block'],
    ['base64 DER of a PKCS#8 EC key', (ec.export({ type: 'pkcs8', format: 'der' }) as Buffer).toString('base64'), 'base64 DER'],
    ['base64 DER of a SEC1 EC key', (ec.export({ type: 'sec1', format: 'der' }) as Buffer).toString('base64'), 'base64 DER'],
    ['base64 DER of a PKCS#1 RSA key', (rsa.export({ type: 'pkcs1', format: 'der' }) as Buffer).toString('base64'), 'base64 DER'],
    ['a PEM body without its armour, wrapped', pemBody(rsa.export({ type: 'pkcs1', format: 'pem' }) as string), 'base64 DER'],
    ['a private JWK', JSON.stringify(ec.export({ format: 'jwk' })), 'JWK private member "d"'],
    ['a private JWK escaped inside JSON', JSON.stringify({ jwk: JSON.stringify(ec.export({ format: 'jwk' })) }), 'JWK private member "d"'],
    ['a Slack bot token', 'token=xoxb-123456789012-abcdefABCDEF', 'Slack token'],
    ['a Slack user token', '"xoxp-1-2-3-abcdef0123"', 'Slack token'],
    ['a Slack signature', 'X-Slack-Signature: v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503', 'Slack request signature'],
  ])('finds %s', (_name, text, kind) => {
    // Prepare: text holding the secret
    // Act
    const findings = findKeyMaterial(text);
    // Assess
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.some((f) => f.startsWith(kind))).toBe(true);
  });

  it('never repeats the secret in a finding', () => {
    // Prepare
    const der = (ec.export({ type: 'pkcs8', format: 'der' }) as Buffer).toString('base64');
    // Act
    const findings = findKeyMaterial(`${der} xoxb-123456789012-secretsecret`);
    // Assess
    expect(findings.join(' ')).not.toContain(der.slice(4, 40));
    expect(findings.join(' ')).not.toContain('secretsecret');
  });

  it.each([
    ['a fingerprint', '9F:86:D0:81:88:4C:7D:65:9A:2F:EA:A0:C5:5A:D0:15:A3:BF:4F:1B:2B:0B:82:2C:D1:5D:6C:15:B0:F0:0A:08'],
    ['a serial number and a hash', '05B2C3D4E5F60718293A4B5C6D7E8F90 sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae'],
    ['a short base64 value starting with MI', 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49'],
    ['a JWK public key', JSON.stringify({ kty: 'EC', crv: 'P-256', x: 'abc', y: 'def' })],
    ['a secret ARN and a version id', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:certflow/web-AbCdEf v-0b7e3c1a-2'],
    ['a field named "id"', '{"id":"abc","detail":{}}'],
  ])('finds nothing in %s', (_name, text) => {
    // Prepare
    // Act
    const findings = findKeyMaterial(text);
    // Assess
    expect(findings).toEqual([]);
  });

  it('finds nothing in the published schemas', () => {
    // Prepare
    const text = readFileSync(join(REPO_ROOT, 'schemas/certificate-rotated.json'), 'utf8');
    // Act
    const findings = findKeyMaterial(text);
    // Assess
    expect(findings).toEqual([]);
  });
});
