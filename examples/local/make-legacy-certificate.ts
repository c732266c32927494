/**
 * Writes a self-signed certificate issued 85 days ago and expiring in 5: the kind of hand-made
 * certificate the demo's discovery should find and alert on. Its key is discarded.
 *
 *   node --import tsx examples/local/make-legacy-certificate.ts OUT.pem
 */
import { writeFileSync } from 'node:fs';
import { buildCertificate, generateKeyPair, randomSerialNumber } from '../../src/crypto/index.js';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: make-legacy-certificate.ts OUT.pem\n');
  process.exit(2);
}
const DAY = 86_400_000;
const now = Date.now();
const { privateKey, publicKey } = generateKeyPair('EC_P256');
const pem = buildCertificate({
  subjectPublicKey: publicKey,
  subjectPrivateKey: privateKey,
  subjectCommonName: 'legacy.example.com',
  issuer: 'self',
  serialNumber: randomSerialNumber(),
  notBefore: new Date(now - 85 * DAY),
  notAfter: new Date(now + 5 * DAY),
  names: { dns: ['legacy.example.com'], ip: [], uri: [] },
  isCA: false,
});
writeFileSync(out, pem);
