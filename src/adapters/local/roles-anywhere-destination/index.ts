import type { AdapterDescriptor } from '../../registry/descriptor.js';
import type { Destination } from '../../../ports/destination.port.js';
import { optionsSchema } from './roles-anywhere.options.js';

export { optionsSchema, type RolesAnywhereOptions } from './roles-anywhere.options.js';

/**
 * Registry descriptor of the rolesanywhere destination: certificate, chain and key for IAM Roles
 * Anywhere's signing helper, and an AWS config profile that runs it. Local files only (the ARNs are
 * strings in a profile; no AWS SDK is used), so it lives with the local adapters.
 */
export const rolesAnywhereDestination = {
  kind: 'rolesanywhere',
  summary: 'certificate, chain and key for aws_signing_helper, swapped atomically, and an AWS config profile (credential_process)',
  // Lambda has no disk that outlives it, and a Lambda function has an IAM role already.
  runtimes: ['local'],
  optionsSchema,
  checkCertificate(_options, certificate) {
    // The helper signs CreateSession as the certificate's CN: a server certificate names a host
    // (its CN lower-cased, policy never granted it as a workload identity) and carries no clientAuth.
    if (certificate.usage !== 'server') return [];
    return ['usage: a server certificate cannot identify a workload to IAM Roles Anywhere; set usage: client (or both) and commonName to the workload\'s name'];
  },
  async create(deps, { name, options }) {
    const { RolesAnywhereDestination } = await import('./roles-anywhere.destination.js');
    return new RolesAnywhereDestination({ resolvePath: (p) => deps.resolvePath(p) }, name, options);
  },
} as const satisfies AdapterDescriptor<Destination, typeof optionsSchema>;
