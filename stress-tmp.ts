import { buildCertificate, createCsr, generateKeyPair, parseCsr, randomSerialNumber, keyAlgorithmOf, subjectPublicKeyInfo } from '/work/main/src/crypto/index.js';
const names = { dns: ['svc.example.com'], ip: ['10.0.0.7'], uri: [] };
const ca = generateKeyPair('EC_P256');
const signer = { commonName: 'ca', privateKey: ca.privateKey, publicKey: ca.publicKey };
const now = new Date();
const s = Date.now();
for (let i = 0; i < 200000; i++) {
  const key = generateKeyPair('EC_P256');
  keyAlgorithmOf(key.privateKey); subjectPublicKeyInfo(key.publicKey); key.privateKey.export({format:'jwk'});
  const csr = parseCsr(createCsr(key.privateKey, { commonName: 'svc.example.com', names }));
  buildCertificate({ subjectPublicKey: csr.publicKey, subjectCommonName: 'svc.example.com', issuer: signer, serialNumber: randomSerialNumber(), notBefore: now, notAfter: new Date(now.getTime() + 1e9), names: csr.names, isCA: false });
  if (i % 50000 === 0) console.log(i, Date.now() - s);
}
console.log('done', (Date.now() - s) / 200000 * 1000, 'us/leaf');
