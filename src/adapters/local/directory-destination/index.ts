import type { AdapterDescriptor } from '../../registry/descriptor.js';
import type { Destination } from '../../../ports/destination.port.js';
import { optionsSchema } from './directory.options.js';

export { optionsSchema, type DirectoryOptions } from './directory.options.js';

/** Registry descriptor of the directory destination: PEM files and a reload command, like certbot. */
export const directoryDestination = {
  kind: 'directory',
  summary: 'cert.pem, chain.pem, fullchain.pem, key.pem written atomically, then an optional reload command',
  // Lambda has no disk that outlives it.
  runtimes: ['local'],
  optionsSchema,
  async create(deps, { name, options }) {
    const { DirectoryDestination } = await import('./directory.destination.js');
    return new DirectoryDestination({ resolvePath: (p) => deps.resolvePath(p) }, name, options);
  },
} as const satisfies AdapterDescriptor<Destination, typeof optionsSchema>;
