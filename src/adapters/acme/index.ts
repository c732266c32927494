import type { AdapterDescriptor } from '../registry/descriptor.js';
import type { CertificateIssuer } from '../../ports/issuer.port.js';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import { optionsSchema } from './acme.options.js';

export { AcmeIssuer, type AcmeDeps, type AcmeHandle } from './acme.issuer.js';
export type { RenewalInfo } from '../../ports/issuer.port.js';
export { optionsSchema, type AcmeOptions } from './acme.options.js';
export { ariCertId } from './ari.js';

/**
 * Registry descriptor of the ACME issuer. acme-client is imported only when the issuer first
 * talks to its CA, so a bundle or process that never uses ACME never loads it.
 */
export const acmeIssuer = {
  kind: 'acme',
  summary: 'any RFC 8555 CA: Let\'s Encrypt, EAB CAs, ACM\'s ACME endpoints (DNS-01 through a DNS provider)',
  runtimes: ['local', 'aws'],
  optionsSchema,
  checkCertificate(_options, certificate) {
    // Public CAs no longer sign clientAuth (Let's Encrypt dropped the TLS Client Authentication EKU
    // in 2026, after Chrome's root program split server and client PKIs): such an order can only fail.
    const problems: string[] = [];
    if (certificate.usage !== 'server') {
      problems.push(`usage: a ${certificate.usage} certificate needs the clientAuth extended key usage, which public ACME CAs no longer issue; use a private issuer (local-ca, aws-private-ca)`);
    }
    // RFC 8555 orders carry DNS and IP identifiers; no ACME CA certflow talks to validates a mailbox
    // (RFC 8823's email-reply-00 is for S/MIME CAs it does not support), so such an order can only fail.
    if ((certificate.names.email?.length ?? 0) > 0) {
      problems.push('emailAddresses: an ACME CA validates DNS names and IP addresses only and cannot vouch for an email address; use a private issuer (local-ca, aws-private-ca)');
    }
    return problems;
  },
  async create(deps, { name, options }) {
    if (!deps.keys) throw new CertflowError(ErrorCodes.CONFIG_INVALID, `ACME issuer ${name} needs a key store for its account key`, { context: { issuer: name } });
    const { AcmeIssuer } = await import('./acme.issuer.js');
    return new AcmeIssuer({ clock: deps.clock, keys: deps.keys, ...(deps.dnsProviders ? { dnsProviders: deps.dnsProviders } : {}), state: deps.state }, name, options);
  },
} as const satisfies AdapterDescriptor<CertificateIssuer, typeof optionsSchema>;
