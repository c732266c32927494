import type { TSchema } from '@sinclair/typebox';
import type { Clock } from '../ports/clock.port.js';
import type { CertificateIssuer } from '../ports/issuer.port.js';
import type { DnsProviderDirectory } from '../ports/dns-provider.port.js';
import type { KeyStore } from '../ports/key-store.port.js';
import type { StateStore } from '../ports/state-store.port.js';
import { localCaIssuer } from './local/local-ca/index.js';
import { acmeIssuer } from './acme/index.js';

/** What every issuer family provides: adding one is a folder plus one line below. */
export interface IssuerDescriptor {
  readonly kind: string;
  readonly optionsSchema: TSchema;
  readonly needsPrivateKey: boolean;
  create(deps: IssuerFactoryDeps, name: string, options: Readonly<Record<string, unknown>>): CertificateIssuer;
}

export interface IssuerFactoryDeps {
  readonly dataDir: string;
  readonly clock: Clock;
  /** For issuers that keep secrets of their own (the ACME account key, EAB HMAC keys). */
  readonly keys?: KeyStore;
  /** For issuers that publish DNS-01 records. */
  readonly dnsProviders?: DnsProviderDirectory;
  /** For issuers that keep shared counters (ACME rate-limit budgets). */
  readonly state?: StateStore;
}

export const issuerRegistry: Readonly<Record<string, IssuerDescriptor>> = {
  [localCaIssuer.kind]: localCaIssuer as IssuerDescriptor,
  [acmeIssuer.kind]: acmeIssuer as IssuerDescriptor,
};
