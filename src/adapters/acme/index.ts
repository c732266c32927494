import type { Clock } from '../../ports/clock.port.js';
import type { DnsProviderDirectory } from '../../ports/dns-provider.port.js';
import type { KeyStore } from '../../ports/key-store.port.js';
import type { StateStore } from '../../ports/state-store.port.js';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import { AcmeIssuer } from './acme.issuer.js';
import { optionsSchema, type AcmeOptions } from './acme.options.js';

export { AcmeIssuer, type AcmeDeps, type AcmeHandle, type RenewalInfo } from './acme.issuer.js';
export { optionsSchema, type AcmeOptions } from './acme.options.js';
export { ariCertId } from './ari.js';

/**
 * Registry descriptor of the ACME issuer. acme-client is imported only when the issuer first
 * talks to its CA, so a bundle or process that never uses ACME never loads it.
 */
export const acmeIssuer = {
  kind: 'acme',
  needsPrivateKey: false,
  optionsSchema,
  create(
    deps: { readonly dataDir: string; readonly clock: Clock; readonly keys?: KeyStore; readonly dnsProviders?: DnsProviderDirectory; readonly state?: StateStore },
    name: string,
    options: AcmeOptions,
  ): AcmeIssuer {
    if (!deps.keys) throw new CertflowError(ErrorCodes.CONFIG_INVALID, `ACME issuer ${name} needs a key store for its account key`, { context: { issuer: name } });
    return new AcmeIssuer(
      { clock: deps.clock, keys: deps.keys, ...(deps.dnsProviders ? { dnsProviders: deps.dnsProviders } : {}), ...(deps.state ? { state: deps.state } : {}) },
      name,
      options,
    );
  },
} as const;
