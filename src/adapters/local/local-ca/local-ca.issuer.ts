import { createHash } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { allNames, describeValidity, isClientUsage, sameNames, usageOf, validityHoursOf, validityMsOf, type CertificateSpec, type SubjectNames } from '../../../domain/certificate.js';
import { CertflowError, ErrorCodes, isCertflowError, type ErrorContext } from '../../../domain/errors/index.js';
import type { Clock } from '../../../ports/clock.port.js';
import type { CertificateIssuer, IssuanceOrder, IssuerStep, RevocationRequest, TrustAnchor } from '../../../ports/issuer.port.js';
import {
  buildCertificate, canonicalIp, canonicalNames, csrPublicKeyDigest, parseCsr, pemToDer, randomSerialNumber, serialNumberHex, type ParsedCsr,
} from '../../../crypto/index.js';
import type { ExtendedKeyUsage, KeyUsage } from '../../../crypto/certificate-builder.js';
import { openAuthority, rotateIntermediate, type Authority, type AuthoritySettings } from './authority.js';
import { parseCertificateDer } from '../../../crypto/certificate-parser.js';
import { buildCrlPem } from './crl.js';
import { IssuanceLedger, type LedgerEntry } from './ledger.js';
import { rejected, toIssuerError } from './local-ca.errors.js';
import { optionsSchema, type LocalCaOptions } from './local-ca.options.js';

/** What a local CA needs from its surroundings. */
export interface LocalCaDeps {
  /** certflow's data directory; the CA lives in `<dataDir>/ca/<name>/`. */
  readonly dataDir: string;
  readonly clock: Clock;
}

const DAY_MS = 86_400_000;
/** The root's end is announced this long before it: replacing a root means redistributing trust. */
const ROOT_WARNING_MS = 365 * DAY_MS;
const CRL_VALIDITY_MS = 7 * DAY_MS;
const CLOCK_SKEW_MS = 60_000;
const MAX_CN_LENGTH = 64;
/** Config names are lower-case, digits and dashes; this only insists on a path-safe directory name. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

const issued = (entry: LedgerEntry): IssuerStep => ({
  status: 'issued',
  certificate: { certificatePem: entry.certificatePem, chainPem: entry.chainPem },
});
const failed = (error: CertflowError): IssuerStep => ({ status: 'failed', error });
const orderContext = (order: IssuanceOrder): ErrorContext => ({ certificateId: order.certificateId, orderId: order.orderId });

/**
 * CN of a server certificate = the spec's common name when it is one of the names; else the first
 * DNS name; else none. A client certificate's CN is the workload's name, as written: verifiers
 * (IAM Roles Anywhere: the session's source identity) read it, and a CSR asking for another is refused.
 */
function leafCommonName(spec: CertificateSpec, names: SubjectNames): string | undefined {
  if (isClientUsage(usageOf(spec))) return spec.commonName;
  const { commonName } = spec;
  const fits = (value: string | undefined) => value !== undefined && value.length <= MAX_CN_LENGTH;
  const wanted = commonName.trim().toLowerCase();
  if (fits(wanted) && (names.dns.includes(wanted) || names.ip.includes(canonicalIp(wanted)))) return wanted;
  return names.dns.find(fits);
}

/**
 * Key usages by certificate usage, as AWS Private CA's EndEntity*Certificate templates set them:
 * a client key only signs (TLS client auth, Roles Anywhere's CreateSession), so it gets
 * digitalSignature alone; a server's RSA key may still do RSA key exchange.
 */
function leafUsages(spec: CertificateSpec, rsa: boolean): { keyUsage: KeyUsage[]; extendedKeyUsage: ExtendedKeyUsage[] } {
  const usage = usageOf(spec);
  const keyUsage: KeyUsage[] = rsa && usage !== 'client' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'];
  const extendedKeyUsage: ExtendedKeyUsage[] = usage === 'server' ? ['serverAuth'] : usage === 'client' ? ['clientAuth'] : ['serverAuth', 'clientAuth'];
  return { keyUsage, extendedKeyUsage };
}

/**
 * The embedded default issuer: a private root and intermediate kept under the data directory.
 * It is an ordinary `CertificateIssuer`; nothing outside this folder treats it specially.
 */
export class LocalCaIssuer implements CertificateIssuer {
  readonly kind = 'local-ca';
  readonly needsPrivateKey = false;
  private readonly directory: string;
  private state: { authority: Authority; ledger: IssuanceLedger } | undefined;

  constructor(
    private readonly deps: LocalCaDeps,
    readonly name: string,
    private readonly options: LocalCaOptions = {},
  ) {
    if (!NAME.test(name)) {
      throw new CertflowError(ErrorCodes.CONFIG_INVALID, 'local CA name must be 1-63 letters, digits, ".", "_" or "-", not starting with a dot', {
        context: { issuer: name },
      });
    }
    if (!Value.Check(optionsSchema, options)) {
      const details = [...Value.Errors(optionsSchema, options)].map((e) => `${e.path || '/'}: ${e.message}`);
      throw new CertflowError(ErrorCodes.CONFIG_INVALID, `invalid options for local CA ${name}`, { context: { issuer: name }, details });
    }
    this.directory = join(deps.dataDir, 'ca', name);
  }

  async submit(order: IssuanceOrder): Promise<IssuerStep> {
    try {
      const { ledger } = this.open(true);
      const previous = ledger.find(order.orderId);
      return previous ? this.replay(previous, order) : await this.issue(order);
    } catch (error) {
      return failed(toIssuerError(error, orderContext(order)));
    }
  }

  /** The local CA answers at once, so there is never a pending order: resume only replays. */
  async resume(order: IssuanceOrder, _handle: Readonly<Record<string, unknown>>): Promise<IssuerStep> {
    try {
      const previous = this.open(false).ledger.find(order.orderId);
      if (!previous) return failed(rejected('the local CA has no issuance for this order', orderContext(order)));
      return this.replay(previous, order);
    } catch (error) {
      return failed(toIssuerError(error, orderContext(order)));
    }
  }

  /**
   * Records the revocation in the ledger and publishes a new CRL (`crl.pem` in the CA's directory,
   * signed by the intermediate, next update in 7 days), written whole by rename.
   */
  async revoke(request: RevocationRequest): Promise<void> {
    const context: ErrorContext = { certificateId: request.certificateId, issuer: this.name };
    const serialNumber = parseCertificateDer(pemToDer(request.certificatePem, 'CERTIFICATE')).facts.serialNumber;
    const { authority, ledger } = this.open(false);
    if (!ledger.issuedSerial(serialNumber)) throw rejected(`the local CA ${this.name} did not issue serial ${serialNumber}`, context);
    try {
      const now = this.deps.clock.now();
      const revocations = ledger.revoke({ serialNumber, reason: request.reason, revokedAt: now });
      const crl = buildCrlPem(authority.signer, revocations, now, new Date(now.getTime() + CRL_VALIDITY_MS), revocations.length);
      const tmp = `${this.crlPath()}.${process.pid.toString()}.tmp`;
      await writeFile(tmp, crl, { mode: 0o644 });
      await rename(tmp, this.crlPath());
    } catch (error) {
      throw toIssuerError(error, context);
    }
  }

  /** Where the CA publishes its CRL (PEM). */
  crlPath(): string {
    return join(this.directory, 'crl.pem');
  }

  /** The root; never creates a CA (ISSUER.CA_MISSING when there is none): only a first issuance does. */
  async trustAnchorsPem(): Promise<string> {
    return this.open(false).authority.rootPem;
  }

  /**
   * The root, alone: a trust anchor is one CA certificate, and the root outlives every intermediate
   * (which rotates when it can no longer cover a full validity). Workloads send the intermediate
   * with each request (the chain certflow delivers), so a rotation never touches the anchor.
   */
  async trustAnchor(): Promise<TrustAnchor> {
    const { authority } = this.open(false);
    return {
      kind: 'certificate',
      certificatePem: authority.rootPem,
      note: `the root of local CA '${this.name}', valid until ${authority.rootNotAfter.toISOString()}; register it as an external trust anchor (a certificate bundle) and have workloads send the intermediate (chain.pem) with their certificate`,
    };
  }

  /** Closes the ledger; the issuer reopens it on next use. */
  close(): void {
    this.state?.ledger.close();
    this.state = undefined;
  }

  /**
   * What an operator must hear of before it breaks: the root ends within a year (every
   * certificate of this CA then needs a new trust anchor). Never creates a CA.
   */
  async warnings(): Promise<readonly string[]> {
    const { authority } = this.open(false);
    const left = authority.rootNotAfter.getTime() - this.deps.clock.now().getTime();
    if (left > ROOT_WARNING_MS) return [];
    return [`the root of local CA '${this.name}' expires ${authority.rootNotAfter.toISOString()}; plan a new CA and distribute its root before then (${this.directory})`];
  }

  private settings(): AuthoritySettings {
    return { name: this.name, keyAlgorithm: this.options.keyAlgorithm ?? 'EC_P256', organization: this.options.organization ?? 'certflow' };
  }

  private open(create: boolean): { authority: Authority; ledger: IssuanceLedger } {
    if (this.state) return this.state;
    const authority = openAuthority(this.directory, this.settings(), this.deps.clock.now(), { create });
    this.state = { authority, ledger: new IssuanceLedger(join(this.directory, 'ledger.db')) };
    return this.state;
  }

  /** Same order id, same certificate; but never for a different key than it was issued to. */
  private replay(previous: LedgerEntry, order: IssuanceOrder): IssuerStep {
    if (csrPublicKeyDigest(order.csrPem) !== previous.publicKeyDigest) {
      return failed(rejected('this order was already issued for a different public key', orderContext(order)));
    }
    return issued(previous);
  }

  private checkOrder(order: IssuanceOrder, csr: ParsedCsr): CertflowError | undefined {
    const context = orderContext(order);
    const hours = validityHoursOf(order.spec);
    if (!Number.isInteger(hours) || hours < 1) return rejected(`${order.spec.validityHours === undefined ? 'validityDays' : 'validityHours'} must be a positive whole number`, context);
    const max = this.options.maxValidityDays;
    if (max !== undefined && hours > max * 24) return rejected(`validity of ${describeValidity(order.spec)} exceeds this CA's maximum of ${max}`, context);
    if (csr.keyAlgorithm === 'OTHER') return rejected('the CSR key algorithm is not supported', context);
    if (csr.keyAlgorithm !== order.spec.keyAlgorithm) {
      return rejected(`the CSR key is ${csr.keyAlgorithm} but the certificate spec asks for ${order.spec.keyAlgorithm}`, context);
    }
    const wanted = canonicalNames(order.spec.names);
    const client = isClientUsage(usageOf(order.spec));
    // A client certificate may name only its workload (the CN); a server certificate needs a SAN.
    if (allNames(wanted).length === 0 && !client) return rejected('the certificate spec lists no names', context);
    if (client && (order.spec.commonName === '' || csr.commonName !== order.spec.commonName)) {
      return rejected('the CSR common name differs from the client certificate spec common name', context);
    }
    if (!sameNames(csr.names, wanted)) return rejected('the CSR names differ from the certificate spec names', context);
    return undefined;
  }

  private async issue(order: IssuanceOrder): Promise<IssuerStep> {
    let csr: ParsedCsr;
    try {
      csr = parseCsr(order.csrPem);
    } catch (error) {
      if (isCertflowError(error)) return failed(new CertflowError(error.code, error.message, { context: orderContext(order), cause: error }));
      throw error;
    }
    const rejection = this.checkOrder(order, csr);
    if (rejection) return failed(rejection);
    const opened = this.open(true);
    const { ledger } = opened;
    let { authority } = opened;
    const now = this.deps.clock.now().getTime();
    // The full validity or nothing: a certificate silently shorter than asked would renew off schedule.
    const notAfter = now + validityMsOf(order.spec);
    if (notAfter > authority.rootNotAfter.getTime()) {
      return failed(
        new CertflowError(ErrorCodes.ISSUER_CA_EXPIRING, `the root of local CA '${this.name}' expires ${authority.rootNotAfter.toISOString()}, before a ${describeValidity(order.spec).replace(/s$/, '').replace(' ', '-')} certificate would; create a new CA (${this.directory})`, {
          retryable: false,
          context: orderContext(order),
        }),
      );
    }
    if (notAfter > authority.intermediateNotAfter.getTime()) {
      // Rotated before it can no longer cover a full validity; the new intermediate goes out in the chain.
      authority = rotateIntermediate(this.directory, this.settings(), this.deps.clock.now());
      this.state = { authority, ledger };
    }
    const serialNumber = randomSerialNumber();
    const certificatePem = buildCertificate({
      subjectPublicKey: csr.publicKey,
      subjectCommonName: leafCommonName(order.spec, csr.names),
      issuer: authority.signer,
      serialNumber,
      notBefore: new Date(now - CLOCK_SKEW_MS),
      notAfter: new Date(notAfter),
      names: csr.names,
      isCA: false,
      ...leafUsages(order.spec, csr.publicKey.asymmetricKeyType === 'rsa'),
    });
    const entry = await ledger.record({
      orderId: order.orderId,
      certificateId: order.certificateId,
      revision: order.revision,
      serialNumber: serialNumberHex(serialNumber),
      publicKeyDigest: createHash('sha256').update(csr.subjectPublicKeyInfo).digest('hex'),
      certificatePem,
      chainPem: authority.intermediatePem,
      issuedAt: new Date(now),
    });
    return issued(entry);
  }
}
