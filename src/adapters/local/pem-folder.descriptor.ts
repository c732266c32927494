import { Type } from '@sinclair/typebox';
import type { AdapterDescriptor } from '../registry/descriptor.js';
import type { CertificateSource } from '../../ports/certificate-source.port.js';

const optionsSchema = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'The folder of *.pem / *.crt files; relative to the config file.' }),
    owner: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);

/** Certificates someone left in a folder: watched, never managed. */
export const pemFolderSource = {
  kind: 'pem-folder',
  summary: 'certificates in a folder of PEM files',
  runtimes: ['local'],
  optionsSchema,
  async create(deps, { name, options }) {
    const { PemFolderSource } = await import('./pem-folder.source.js');
    return new PemFolderSource({ name, path: deps.resolvePath(options.path), ...(options.owner ? { owner: options.owner } : {}) });
  },
} as const satisfies AdapterDescriptor<CertificateSource, typeof optionsSchema>;
