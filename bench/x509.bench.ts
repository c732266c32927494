/**
 * Leaf issuance throughput of src/crypto against its floor, in the same run, on one core (P-256).
 *   builder: generateKeyPair + createCsr + parseCsr (signature verified) + buildCertificate
 *   floor:   generateKeyPairSync + one crypto.sign (the two operations no issuer can avoid)
 * Run: node --import tsx bench/x509.bench.ts
 */
import { createECDH, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import {
  buildCertificate, createCsr, generateKeyPair, parseCsr, randomSerialNumber, verifyBundle, type CertificateSigner,
} from '../src/crypto/index.js';

const DAY = 86_400_000;
const names = { dns: ['svc.example.com', 'www.example.com'], ip: ['10.0.0.7'], uri: [] };
const now = new Date();

function makeIssuer(): { signer: CertificateSigner; rootPem: string; intermediatePem: string } {
  const root = generateKeyPair('EC_P256');
  const rootPem = buildCertificate({
    subjectPublicKey: root.publicKey, subjectCommonName: 'bench root', issuer: 'self', subjectPrivateKey: root.privateKey,
    serialNumber: randomSerialNumber(), notBefore: now, notAfter: new Date(now.getTime() + 3650 * DAY), names: { dns: [], ip: [], uri: [] }, isCA: true,
  });
  const ca = generateKeyPair('EC_P256');
  const intermediatePem = buildCertificate({
    subjectPublicKey: ca.publicKey, subjectCommonName: 'bench intermediate',
    issuer: { commonName: 'bench root', privateKey: root.privateKey, publicKey: root.publicKey },
    serialNumber: randomSerialNumber(), notBefore: now, notAfter: new Date(now.getTime() + 1825 * DAY), names: { dns: [], ip: [], uri: [] }, isCA: true, pathLength: 0,
  });
  // As LocalCaIssuer does: the CA key is read from its PEM file once (a provider-native key).
  const caKey = createPrivateKey(ca.privateKeyPem);
  return { signer: { commonName: 'bench intermediate', privateKey: caKey, publicKey: createPublicKey(caKey) }, rootPem, intermediatePem };
}

const { signer, rootPem, intermediatePem } = makeIssuer();
const tbsSized = Buffer.alloc(420, 7);

function leaf(csrPem: string): string {
  const csr = parseCsr(csrPem);
  return buildCertificate({
    subjectPublicKey: csr.publicKey, subjectCommonName: 'svc.example.com', issuer: signer, serialNumber: randomSerialNumber(),
    notBefore: new Date(now.getTime() - 60_000), notAfter: new Date(now.getTime() + 90 * DAY), names: csr.names, isCA: false,
  });
}

const builderOnce = () => {
  const key = generateKeyPair('EC_P256');
  leaf(createCsr(key.privateKey, { commonName: 'svc.example.com', names }));
};
const floorOnce = () => {
  generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  sign('sha256', tbsSized, signer.privateKey);
};
// The native calls builderOnce cannot avoid with deadlock-safe keys (see generateEc in src/crypto/keys.ts):
// ECDH keygen + JWK import, the CSR signature and its check, the CA signature. No DER, no PEM.
const ecdh = createECDH('prime256v1');
const primitivesOnce = () => {
  ecdh.generateKeys();
  const point = ecdh.getPublicKey();
  const key = createPrivateKey({
    key: { kty: 'EC', crv: 'P-256', d: ecdh.getPrivateKey('base64url'), x: point.toString('base64url', 1, 33), y: point.toString('base64url', 33) },
    format: 'jwk',
  });
  const signature = sign('sha256', tbsSized, key);
  verify('sha256', tbsSized, createPublicKey(key), signature);
  sign('sha256', tbsSized, signer.privateKey);
};

function rate(fn: () => void, ms: number): number {
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  let t = start;
  while (t < end) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
    t = process.hrtime.bigint();
  }
  return n / (Number(t - start) / 1e9);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

// Warm up, then alternate rounds so both figures see the same machine state.
rate(builderOnce, 300);
rate(floorOnce, 300);
const builderRates: number[] = [];
const floorRates: number[] = [];
for (let round = 0; round < 5; round++) {
  builderRates.push(rate(builderOnce, 600));
  floorRates.push(rate(floorOnce, 600));
}
const leaves = median(builderRates);
const floor = median(floorRates);

// Side figures (not in RESULT): a CSR from another process (no key reuse), and verifyBundle.
const foreign = Array.from({ length: 2100 }, () => createCsr(generateKeyPair('EC_P256').privateKey, { commonName: 'svc.example.com', names }));
const cold = foreign.slice(0, 1000); // evicted from the 1024-entry recent-key cache by the later ones
const coldStart = process.hrtime.bigint();
for (const csr of cold) leaf(csr);
const coldRate = cold.length / (Number(process.hrtime.bigint() - coldStart) / 1e9);

const bundleKey = generateKeyPair('EC_P256');
const bundleCert = leaf(createCsr(bundleKey.privateKey, { commonName: 'svc.example.com', names }));
const verifyOnce = (privateKeyPem: string | typeof bundleKey.privateKey) => () => {
  const result = verifyBundle({ certificatePem: bundleCert, chainPem: intermediatePem, privateKeyPem, trustAnchorsPem: rootPem, expectedNames: names, at: now });
  if (!result.ok) throw new Error(result.reason);
};
const primitivesRate = rate(primitivesOnce, 1000);
const verifyPemRate = rate(verifyOnce(bundleKey.privateKeyPem), 1000);
const verifyKeyRate = rate(verifyOnce(bundleKey.privateKey), 1000);

console.log(`builder rounds: ${builderRates.map(Math.round).join(' ')}  floor rounds: ${floorRates.map(Math.round).join(' ')}`);
console.log(`native calls only (safe keygen + CSR sign + verify + CA sign): ${Math.round(primitivesRate)}/s`);
console.log(`leaf from a foreign CSR (no key reuse): ${Math.round(coldRate)}/s`);
console.log(`verifyBundle: ${Math.round(verifyPemRate)}/s with PKCS#8 PEM, ${Math.round(verifyKeyRate)}/s with a KeyObject`);
console.log(`RESULT x509-builder leaves_per_s=${Math.round(leaves)} floor_per_s=${Math.round(floor)} ratio=${(leaves / floor).toFixed(3)}`);
