import type { CertificateSource } from '../ports/certificate-source.port.js';
import type { Registry } from './registry/descriptor.js';
import { pemFolderSource } from './local/pem-folder.descriptor.js';

/** Sources find certificates certflow watches but does not manage. */
export const sourceRegistry = {
  [pemFolderSource.kind]: pemFolderSource,
} satisfies Registry<CertificateSource>;
