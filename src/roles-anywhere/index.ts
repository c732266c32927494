/**
 * `certflow/roles-anywhere`: temporary AWS credentials for a workload outside AWS, from the client
 * certificate certflow issues and rotates. No SDK, SQLite or CLI code behind this entry: Node's
 * crypto and fetch only (test/integration/roles-anywhere/package-entry.test.ts keeps it so).
 *
 * ```ts
 * import { fromRolesAnywhere } from 'certflow/roles-anywhere';
 * const s3 = new S3Client({ credentials: fromRolesAnywhere({ certificate: '/etc/app/cert.pem', privateKey: '/etc/app/key.pem',
 *   trustAnchorArn, profileArn, roleArn }) });
 * ```
 */
export {
  fromRolesAnywhere,
  type RolesAnywhereCredentialProvider,
  type RolesAnywhereCredentials,
  type RolesAnywhereOptions,
} from './provider.js';
export type { KeySource } from './key-material.js';
export { CertflowError, ErrorCodes, isCertflowError, type ErrorCode } from '../domain/errors/index.js';
export type { KeyMaterial, KeyStore, KeyVersion } from '../ports/key-store.port.js';
export type { Clock } from '../ports/clock.port.js';
