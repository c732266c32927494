import type { CertificateSource } from '../ports/certificate-source.port.js';
import type { Registry } from './registry/descriptor.js';
import { pemFolderSource } from './local/pem-folder.descriptor.js';
import { acmSource } from './aws/acm-source/index.js';
import { tlsEndpointSource } from './tls-endpoint/index.js';

/** Sources find certificates certflow watches but does not manage. */
export const sourceRegistry = {
  [pemFolderSource.kind]: pemFolderSource,
  [acmSource.kind]: acmSource,
  [tlsEndpointSource.kind]: tlsEndpointSource,
} satisfies Registry<CertificateSource>;
