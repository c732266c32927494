import type { CertificateIssuer } from '../ports/issuer.port.js';
import type { Registry } from './registry/descriptor.js';
import { localCaIssuer } from './local/local-ca/index.js';
import { acmeIssuer } from './acme/index.js';
import { privateCaIssuer } from './aws/private-ca/index.js';

/** Issuers make certificates. Adding one: a folder like local-ca/ and one line here. */
export const issuerRegistry = {
  [localCaIssuer.kind]: localCaIssuer,
  [acmeIssuer.kind]: acmeIssuer,
  [privateCaIssuer.kind]: privateCaIssuer,
} satisfies Registry<CertificateIssuer>;
