import type { DnsChange, TxtRecord } from '../../ports/dns-provider.port.js';
import type { AcmeProblem } from './acme.errors.js';

/** RFC 8555 resources as certflow reads them (§7.1.3 order, §7.1.4 authorization, §8 challenge). */
export interface AcmeOrder {
  readonly status: 'pending' | 'ready' | 'processing' | 'valid' | 'invalid';
  readonly authorizations: readonly string[];
  readonly finalize: string;
  readonly certificate?: string;
  readonly error?: AcmeProblem;
}
export interface AcmeChallenge {
  readonly type: string;
  readonly url: string;
  readonly token: string;
  readonly status: 'pending' | 'processing' | 'valid' | 'invalid';
  readonly error?: AcmeProblem;
}
export interface AcmeAuthorization {
  readonly identifier: { readonly type: string; readonly value: string };
  readonly status: 'pending' | 'valid' | 'invalid' | 'deactivated' | 'expired' | 'revoked';
  readonly challenges: readonly AcmeChallenge[];
  readonly wildcard?: boolean;
}

/**
 * The issuer handle: everything a later process needs to continue this order, plain JSON.
 * `stage` matters only while the order is `pending`; past that the order's own status decides.
 */
export interface AcmeHandle {
  readonly orderUrl: string;
  readonly stage: 'authorize' | 'propagating' | 'validating';
  readonly change?: DnsChange;
  readonly records?: readonly TxtRecord[];
  readonly polls: number;
  readonly transient: number;
}
