import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { KeyAlgorithm } from '../../../domain/certificate.js';
import { CertflowError, ErrorCodes } from '../../../domain/errors/index.js';
import {
  buildCertificate, certificateSubjectAttributes, generateKeyPair, pemToDer, randomSerialNumber, type CertificateSigner,
} from '../../../crypto/index.js';
import { fsyncDirectory } from '../durable-fs.js';

/** The CA as the issuer uses it: what it signs with and what it hands out. */
export interface Authority {
  readonly rootPem: string;
  readonly intermediatePem: string;
  readonly signer: CertificateSigner;
  /** Leaves never outlive the intermediate that signs them. */
  readonly intermediateNotAfter: Date;
  /** Nothing the root signs may outlive it: an intermediate is never minted past this. */
  readonly rootNotAfter: Date;
}

export interface AuthoritySettings {
  readonly name: string;
  readonly keyAlgorithm: KeyAlgorithm;
  readonly organization: string;
}

export const AUTHORITY_FILES = {
  rootCertificate: 'root.pem',
  rootKey: 'root.key.pem',
  intermediateCertificate: 'intermediate.pem',
  intermediateKey: 'intermediate.key.pem',
  /**
   * A rotated intermediate: certificate and key in one file, replaced by one rename so a reader
   * never pairs a certificate with the other key. Takes precedence over the two files above.
   */
  intermediateBundle: 'intermediate.bundle.pem',
} as const;

const DAY_MS = 86_400_000;
const ROOT_DAYS = 3650;
const INTERMEDIATE_DAYS = 1825;
const CLOCK_SKEW_MS = 60_000;
const noNames = { dns: [], ip: [], uri: [] };

interface AuthorityPems {
  readonly rootPem: string;
  readonly rootKeyPem: string;
  readonly intermediatePem: string;
  readonly intermediateKeyPem: string;
}

function mint(settings: AuthoritySettings, now: Date): AuthorityPems {
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  const root = generateKeyPair(settings.keyAlgorithm);
  // CN has an upper bound of 64 characters (RFC 5280); issuer names may be 63.
  const label = settings.name.slice(0, 40);
  const rootName = { commonName: `${label} Root CA`, organization: settings.organization };
  const rootPem = buildCertificate({
    subjectPublicKey: root.publicKey, subjectCommonName: rootName.commonName, subjectOrganization: rootName.organization,
    issuer: 'self', subjectPrivateKey: root.privateKey, serialNumber: randomSerialNumber(),
    notBefore, notAfter: new Date(now.getTime() + ROOT_DAYS * DAY_MS), names: noNames, isCA: true,
  });
  const rootNotAfter = new Date(now.getTime() + ROOT_DAYS * DAY_MS);
  const intermediate = mintIntermediate(settings, { ...rootName, privateKey: root.privateKey, publicKey: root.publicKey }, now, rootNotAfter);
  return { rootPem, rootKeyPem: root.privateKeyPem, ...intermediate };
}

/** An intermediate under the root, valid 5 years but never past the root. */
function mintIntermediate(settings: AuthoritySettings, root: CertificateSigner, now: Date, rootNotAfter: Date): { intermediatePem: string; intermediateKeyPem: string } {
  const label = settings.name.slice(0, 40);
  const intermediate = generateKeyPair(settings.keyAlgorithm);
  const notAfter = Math.min(now.getTime() + INTERMEDIATE_DAYS * DAY_MS, rootNotAfter.getTime());
  const intermediatePem = buildCertificate({
    subjectPublicKey: intermediate.publicKey, subjectCommonName: `${label} Intermediate CA`, subjectOrganization: settings.organization,
    issuer: root, serialNumber: randomSerialNumber(),
    notBefore: new Date(now.getTime() - CLOCK_SKEW_MS), notAfter: new Date(notAfter), names: noNames, isCA: true, pathLength: 0,
  });
  return { intermediatePem, intermediateKeyPem: intermediate.privateKeyPem };
}

function writePrivateFile(path: string, content: string): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates the CA in a private temporary directory, then renames that directory into place.
 * rename(2) refuses to replace a non-empty directory, so when two processes race, exactly one
 * CA wins and the loser discards its own: no lock file to go stale after a crash.
 */
function create(directory: string, settings: AuthoritySettings, now: Date): void {
  const parent = dirname(directory);
  mkdirSync(parent, { recursive: true, mode: 0o700 });
  const staging = mkdtempSync(join(parent, `.${basename(directory)}-`));
  try {
    const pems = mint(settings, now);
    writePrivateFile(join(staging, AUTHORITY_FILES.rootCertificate), pems.rootPem);
    writePrivateFile(join(staging, AUTHORITY_FILES.rootKey), pems.rootKeyPem);
    writePrivateFile(join(staging, AUTHORITY_FILES.intermediateCertificate), pems.intermediatePem);
    writePrivateFile(join(staging, AUTHORITY_FILES.intermediateKey), pems.intermediateKeyPem);
    fsyncDirectory(staging);
    try {
      renameSync(staging, directory);
      fsyncDirectory(parent);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function incomplete(directory: string, problem: string, cause?: unknown): CertflowError {
  return new CertflowError(ErrorCodes.ISSUER_UNAVAILABLE, `local CA files are unusable: ${problem}`, {
    retryable: false,
    context: { path: directory },
    cause,
  });
}

function load(directory: string): Authority {
  const read = (file: string) => readFileSync(join(directory, file), 'utf8');
  let pems: Omit<AuthorityPems, 'rootKeyPem'>;
  try {
    const bundle = existsSync(join(directory, AUTHORITY_FILES.intermediateBundle)) ? read(AUTHORITY_FILES.intermediateBundle) : undefined;
    pems = {
      rootPem: read(AUTHORITY_FILES.rootCertificate),
      intermediatePem: bundle === undefined ? read(AUTHORITY_FILES.intermediateCertificate) : pemBlock(bundle, 'CERTIFICATE'),
      intermediateKeyPem: bundle === undefined ? read(AUTHORITY_FILES.intermediateKey) : pemBlock(bundle, 'PRIVATE KEY'),
    };
  } catch (error) {
    throw incomplete(directory, `cannot read the CA files (${(error as { code?: string }).code ?? 'unknown'})`, error);
  }
  try {
    const root = new X509Certificate(pems.rootPem);
    const intermediate = new X509Certificate(pems.intermediatePem);
    // Parsing the PEM key yields a provider-native key: the fastest to sign with under OpenSSL 3.
    const privateKey = createPrivateKey(pems.intermediateKeyPem);
    if (!intermediate.checkPrivateKey(privateKey)) throw incomplete(directory, 'the intermediate key does not match its certificate');
    if (!intermediate.checkIssued(root) || !intermediate.verify(root.publicKey)) throw incomplete(directory, 'the intermediate is not signed by the root');
    const subject = certificateSubjectAttributes(pemToDer(pems.intermediatePem, 'CERTIFICATE'));
    return {
      rootPem: pems.rootPem,
      intermediatePem: pems.intermediatePem,
      signer: { commonName: subject.commonName ?? '', organization: subject.organization, privateKey, publicKey: createPublicKey(privateKey) },
      intermediateNotAfter: new Date(intermediate.validTo),
      rootNotAfter: new Date(root.validTo),
    };
  } catch (error) {
    if (error instanceof CertflowError) throw error;
    throw incomplete(directory, 'a CA file is malformed', error);
  }
}

function pemBlock(text: string, label: string): string {
  const match = new RegExp(`-----BEGIN ${label}-----[\\s\\S]*?-----END ${label}-----\\n?`).exec(text);
  return match ? match[0] : '';
}

/**
 * Replaces the intermediate with a new one under the same root (certificate and key in one
 * file, written 0600, fsynced, renamed into place), and returns the CA as now loaded. Two
 * processes rotating at once each sign with their own new intermediate; every certificate
 * carries its intermediate in its chain, so both verify against the one root.
 */
export function rotateIntermediate(directory: string, settings: AuthoritySettings, now: Date): Authority {
  let rootPems: { rootPem: string; rootKeyPem: string };
  try {
    rootPems = {
      rootPem: readFileSync(join(directory, AUTHORITY_FILES.rootCertificate), 'utf8'),
      rootKeyPem: readFileSync(join(directory, AUTHORITY_FILES.rootKey), 'utf8'),
    };
  } catch (error) {
    throw incomplete(directory, `cannot read the root to rotate the intermediate (${(error as { code?: string }).code ?? 'unknown'})`, error);
  }
  const root = new X509Certificate(rootPems.rootPem);
  const rootKey = createPrivateKey(rootPems.rootKeyPem);
  const rootSubject = certificateSubjectAttributes(pemToDer(rootPems.rootPem, 'CERTIFICATE'));
  const signer: CertificateSigner = { commonName: rootSubject.commonName ?? '', organization: rootSubject.organization, privateKey: rootKey, publicKey: createPublicKey(rootKey) };
  const { intermediatePem, intermediateKeyPem } = mintIntermediate(settings, signer, now, new Date(root.validTo));
  const staging = join(directory, `.${AUTHORITY_FILES.intermediateBundle}.${process.pid.toString()}.${Date.now().toString(36)}.tmp`);
  try {
    writePrivateFile(staging, `${intermediatePem.trimEnd()}\n${intermediateKeyPem.trimEnd()}\n`);
    renameSync(staging, join(directory, AUTHORITY_FILES.intermediateBundle));
    fsyncDirectory(directory);
  } finally {
    rmSync(staging, { force: true });
  }
  return load(directory);
}

/**
 * The CA in `directory` (`<dataDir>/ca/<name>`). With `create`, made when missing: a root (10
 * years) and an intermediate (5 years), directory 0700, files 0600. Later runs and other
 * processes reuse it; settings apply only at creation. Without `create` a missing CA is
 * ISSUER.CA_MISSING naming the directory: only a first issuance may make one, since a new CA
 * silently replacing a lost one would hand out a root that verifies none of the current certificates.
 */
export function openAuthority(directory: string, settings: AuthoritySettings, now: Date, options: { create: boolean }): Authority {
  if (!existsSync(join(directory, AUTHORITY_FILES.rootCertificate))) {
    if (!options.create) {
      throw new CertflowError(ErrorCodes.ISSUER_CA_MISSING, `the local CA '${settings.name}' is missing: ${directory} has no ${AUTHORITY_FILES.rootCertificate}; restore the directory from a backup`, {
        context: { path: directory, issuer: settings.name },
      });
    }
    create(directory, settings, now);
  }
  return load(directory);
}
