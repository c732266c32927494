import type { AdapterDescriptor } from '../../registry/descriptor.js';
import type { CertificateIssuer } from '../../../ports/issuer.port.js';
import { optionsSchema } from './local-ca.options.js';

export { LocalCaIssuer, type LocalCaDeps } from './local-ca.issuer.js';
export { optionsSchema, type LocalCaOptions } from './local-ca.options.js';

/** Registry descriptor of the embedded local CA: certflow's first issuer, reached only through the port. */
export const localCaIssuer = {
  kind: 'local-ca',
  summary: 'a CA kept in the data directory, for running without AWS',
  // Its keys live on disk: Lambda has none that lasts.
  runtimes: ['local'],
  optionsSchema,
  async create(deps, { name, options }) {
    const { LocalCaIssuer } = await import('./local-ca.issuer.js');
    return new LocalCaIssuer({ dataDir: deps.dataDir, clock: deps.clock }, name, options);
  },
} as const satisfies AdapterDescriptor<CertificateIssuer, typeof optionsSchema>;
