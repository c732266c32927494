import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CertflowError, ErrorCodes, isCertflowError } from '../../domain/errors/index.js';
import type { AcmeDeps } from './acme.issuer.js';
import type { AcmeOptions } from './acme.options.js';
import { AcmeSession, type AcmeModule } from './acme.session.js';

const ACCOUNT_VERSION = 'account-v1';
const ACCOUNT_LABEL = 'CURRENT';

/**
 * The sessions one ACME issuer holds on its directory: its registered account (the account key
 * created once and kept in the key store, EAB when configured), a certificate's own key (for
 * revocation), and an anonymous one (renewal information is an unauthenticated GET).
 */
export class AcmeSessions {
  private accountSession: Promise<AcmeSession> | undefined;
  private anonymousSession: Promise<AcmeSession> | undefined;
  private readonly accountSecret: string;

  constructor(
    private readonly deps: Pick<AcmeDeps, 'clock' | 'keys' | 'loadAcme'>,
    private readonly name: string,
    private readonly options: AcmeOptions,
  ) {
    this.accountSecret = `acme-account/${name}`;
  }

  /** The registered account, once per issuer; a failed opening is tried again next time. */
  account(): Promise<AcmeSession> {
    this.accountSession ??= this.openAccount().catch((error: unknown) => {
      this.accountSession = undefined;
      throw error;
    });
    return this.accountSession;
  }

  /** The account URL once registered (for logs and tests; not a secret). */
  async accountUrl(): Promise<string> {
    return (await this.account()).accountUrl;
  }

  /** A session that signs with a certificate's key and registers no account. */
  async withKey(privateKeyPem: string): Promise<AcmeSession> {
    const [mod, caPem] = await Promise.all([this.loadAcme(), this.caPem()]);
    return AcmeSession.withoutAccount(mod, {
      directoryUrl: this.options.directoryUrl,
      accountKeyPem: privateKeyPem,
      ...(caPem ? { caPem } : {}),
      now: () => this.deps.clock.now(),
      context: { issuer: this.name },
    });
  }

  /**
   * A session on the directory with a throwaway key and no account: renewal information is an
   * unauthenticated GET, so a planner that may not read the key store (the AWS planner) can ask.
   */
  anonymous(): Promise<AcmeSession> {
    this.anonymousSession ??= this.withKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()).catch((error: unknown) => {
      this.anonymousSession = undefined;
      throw error;
    });
    return this.anonymousSession;
  }

  private loadAcme(): Promise<AcmeModule> {
    return this.deps.loadAcme ? this.deps.loadAcme() : import('acme-client').then((m) => (m as unknown as { default: AcmeModule }).default);
  }

  private caPem(): Promise<string | undefined> {
    return this.options.caFile ? readFile(this.options.caFile, 'utf8') : Promise.resolve(undefined);
  }

  private async openAccount(): Promise<AcmeSession> {
    const [mod, accountKeyPem, eab, caPem] = await Promise.all([this.loadAcme(), this.accountKey(), this.eab(), this.caPem()]);
    return AcmeSession.open(mod, {
      directoryUrl: this.options.directoryUrl,
      accountKeyPem,
      ...(eab ? { eab } : {}),
      ...(this.options.contact ? { contact: this.options.contact } : {}),
      termsOfServiceAgreed: this.options.termsOfServiceAgreed ?? true,
      ...(caPem ? { caPem } : {}),
      now: () => this.deps.clock.now(),
      context: { issuer: this.name, directoryUrl: this.options.directoryUrl },
    });
  }

  /** Created once per issuer and kept in the key store; a concurrent creator's key wins. */
  private async accountKey(): Promise<string> {
    const existing = await this.deps.keys.getVersion(this.accountSecret, { label: ACCOUNT_LABEL });
    if (existing) return existing.material.privateKeyPem;
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    try {
      return (await this.deps.keys.putVersion(this.accountSecret, ACCOUNT_VERSION, { privateKeyPem: pem }, [ACCOUNT_LABEL])).material.privateKeyPem;
    } catch (error) {
      if (!isCertflowError(error) || error.code !== ErrorCodes.KEYSTORE_CONFLICT) throw error;
      const stored = await this.deps.keys.getVersion(this.accountSecret, { versionId: ACCOUNT_VERSION });
      if (!stored) throw error;
      return stored.material.privateKeyPem;
    }
  }

  /** The EAB HMAC key, read from its reference; it appears in no message, context or handle. */
  private async eab(): Promise<{ kid: string; hmacKey: string } | undefined> {
    const eab = this.options.eab;
    if (!eab) return undefined;
    const context = { issuer: this.name };
    let value: string | undefined;
    if (eab.hmacKey.startsWith('keystore:')) {
      const secretName = eab.hmacKey.slice('keystore:'.length);
      value = (await this.deps.keys.getVersion(secretName, { label: 'CURRENT' }))?.material.privateKeyPem;
      if (!value) throw new CertflowError(ErrorCodes.CONFIG_INVALID, `EAB HMAC key secret ${secretName} has no CURRENT version`, { context });
    } else {
      const path = eab.hmacKey.slice('file:'.length);
      value = await readFile(path, 'utf8').catch((cause: unknown) => {
        throw new CertflowError(ErrorCodes.CONFIG_INVALID, `EAB HMAC key file ${path} is unreadable`, { context, cause });
      });
    }
    return { kid: eab.kid, hmacKey: value.trim() };
  }
}
