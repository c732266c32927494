import type { TSchema } from '@sinclair/typebox';
import type { Clock } from '../ports/clock.port.js';
import type { CertificateIssuer } from '../ports/issuer.port.js';
import { localCaIssuer } from './local/local-ca/index.js';

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
}

export const issuerRegistry: Readonly<Record<string, IssuerDescriptor>> = {
  [localCaIssuer.kind]: localCaIssuer as IssuerDescriptor,
};
