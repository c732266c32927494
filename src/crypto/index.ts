/**
 * certflow's X.509 toolkit: a hand-rolled DER encoder over node:crypto signing, fast enough for
 * thousands of issuances per second on one core. No I/O; usable by use cases and adapters alike.
 */
export { parsePemBlocks, pemToDer, splitPemChain, toPem, type PemBlock } from './pem.js';
export {
  generateKeyPair, generateKeyPairAsync, keyAlgorithmOf, keyIdentifier, privateKeyFromPem, publicKeysEqual, subjectPublicKeyInfo,
  type GeneratedKeyPair,
} from './keys.js';
export { createCsr, csrPublicKeyDigest, parseCsr, type CsrSubject, type ParsedCsr } from './csr.js';
export {
  buildCertificate, buildCertificateDer, randomSerialNumber, serialNumberHex,
  type CertificateSigner, type CertificateTemplate, type ExtendedKeyUsage, type KeyUsage,
} from './certificate-builder.js';
export { parseCertificate, readCertificateFacts, verifyBundle, type BundleToVerify, type BundleVerification } from './inspect.js';
export { bytesToIp, canonicalIp, canonicalNames, ipToBytes, parseSubjectAltName } from './names.js';
export { certificateSubjectAttributes, type NameAttributes } from './x509-name.js';
