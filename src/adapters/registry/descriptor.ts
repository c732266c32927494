import type { Static, TSchema } from '@sinclair/typebox';
import type { CertificateUsage } from '../../domain/certificate.js';
import type { Clock } from '../../ports/clock.port.js';
import type { KeyStore } from '../../ports/key-store.port.js';
import type { StateStore } from '../../ports/state-store.port.js';
import type { DnsProvider } from '../../ports/dns-provider.port.js';
import type { AccountSource } from '../../ports/account-source.port.js';
import type { AwsClientFactory } from '../aws/client-factory.js';

/** Where an adapter can run. Lambda has no durable disk, so local-only kinds are refused there at configuration time. */
export type RuntimeName = 'local' | 'aws';

/** Looks built adapters up by the name configuration gives them. */
export interface Directory<T> {
  get(name: string): T;
  names(): readonly string[];
}

/**
 * What every adapter factory may use. Wide on purpose: the families to come (ACME, Private CA,
 * Secrets Manager, Route 53, discovery) reach the world only through these, so adding one never
 * changes a composition root.
 */
export interface AdapterFactoryDeps {
  readonly runtime: RuntimeName;
  readonly clock: Clock;
  /** The local default's data directory (0700); in Lambda a scratch folder under /tmp. */
  readonly dataDir: string;
  /** Resolves a path written in the configuration against the configuration file's folder. */
  resolvePath(path: string): string;
  /** AWS SDK clients, built once per region and credentials and shared by every adapter. */
  readonly aws: AwsClientFactory;
  readonly state: StateStore;
  /** Built before every other family: issuers keep account keys in it, destinations read from it. */
  readonly keys?: KeyStore;
  /** Built before issuers (ACME's DNS-01 uses them). */
  readonly dnsProviders?: Directory<DnsProvider>;
  /** Built before sources (the ACM source looks into the accounts they list). */
  readonly accountSources?: Directory<AccountSource>;
}

/** What configuration asks of an adapter for one certificate, checked before anything runs. */
export interface CertificateUse {
  readonly id: string;
  /** `server`, `client` or `both` (see CertificateUsage): an issuer that cannot sign clientAuth refuses the last two. */
  readonly usage: CertificateUsage;
  /** The validity as configured: exactly one of days or hours, so a problem can name the field. */
  readonly validityDays?: number;
  readonly validityHours?: number;
  /** `email` is absent when the certificate has no email address. */
  readonly names: { readonly dns: readonly string[]; readonly ip: readonly string[]; readonly uri: readonly string[]; readonly email?: readonly string[] };
}

/** What configuration says of one adapter: a name, a kind, and the kind's options. */
export interface AdapterSettings<O = Readonly<Record<string, unknown>>> {
  readonly name: string;
  readonly kind: string;
  readonly options: O;
}

/**
 * One kind of one adapter family. `optionsSchema` is checked when configuration is loaded, before
 * anything is built; `create` imports its implementation lazily so a bundle or a process that does
 * not use a kind never loads it (nor the SDK client it needs).
 */
export interface AdapterDescriptor<T, S extends TSchema = TSchema> {
  readonly kind: string;
  /** One line for `--help` and error messages. */
  readonly summary: string;
  readonly runtimes: readonly RuntimeName[];
  readonly optionsSchema: S;
  /**
   * Checks one certificate that names this adapter, when configuration loads (e.g. a short-lived
   * Private CA refuses more than 7 days): each problem a line, none when it fits.
   */
  checkCertificate?(options: Static<S>, certificate: CertificateUse): string[];
  create(deps: AdapterFactoryDeps, settings: AdapterSettings<Static<S>>): Promise<T>;
}

/** A family's kinds by name. Extending one is a spread: `{ ...issuerRegistry, [mine.kind]: mine }`. */
export type Registry<T> = Readonly<Record<string, AdapterDescriptor<T>>>;
