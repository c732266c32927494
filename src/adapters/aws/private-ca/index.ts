import type { AdapterDescriptor } from '../../registry/descriptor.js';
import type { CertificateIssuer } from '../../../ports/issuer.port.js';
import { checkCertificate, optionsSchema } from './private-ca.options.js';

export { optionsSchema, type PrivateCaOptions } from './private-ca.options.js';

/** Registry descriptor of the AWS Private CA issuer. */
export const privateCaIssuer = {
  kind: 'aws-private-ca',
  summary: 'AWS Private CA (IssueCertificate / GetCertificate), pending until the CA has signed',
  runtimes: ['local', 'aws'],
  optionsSchema,
  checkCertificate,
  async create(deps, { name, options }) {
    const [{ ACMPCAClient }, { PrivateCaIssuer }] = await Promise.all([import('@aws-sdk/client-acm-pca'), import('./private-ca.issuer.js')]);
    const region = options.certificateAuthorityArn.split(':')[3];
    return new PrivateCaIssuer({ client: deps.aws.client(ACMPCAClient, region ? { region } : {}), clock: deps.clock }, name, options);
  },
} as const satisfies AdapterDescriptor<CertificateIssuer, typeof optionsSchema>;
