import type { AdapterDescriptor } from '../../registry/descriptor.js';
import type { Destination } from '../../../ports/destination.port.js';
import { optionsSchema } from './acm.options.js';

export { optionsSchema, type AcmOptions } from './acm.options.js';

/** Registry descriptor of the ACM destination: import, then re-import into the same ARN. */
export const acmDestination = {
  kind: 'acm',
  summary: 'imports into AWS Certificate Manager, then re-imports into the same ARN on every renewal',
  runtimes: ['local', 'aws'],
  optionsSchema,
  async create(deps, { name, options }) {
    const [{ ACMClient }, { AcmDestination }] = await Promise.all([import('@aws-sdk/client-acm'), import('./acm.destination.js')]);
    const client = deps.aws.client(ACMClient, options.region ? { region: options.region } : {});
    const region = options.region ?? (await client.config.region());
    return new AcmDestination({ client, region }, name, options);
  },
} as const satisfies AdapterDescriptor<Destination, typeof optionsSchema>;
