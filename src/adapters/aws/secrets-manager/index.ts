import type { AdapterDescriptor } from '../../registry/descriptor.js';
import type { KeyStore } from '../../../ports/key-store.port.js';
import { optionsSchema } from './secrets-manager.options.js';

export { optionsSchema, type SecretsManagerOptions } from './secrets-manager.options.js';

/** Registry descriptor of the Secrets Manager key store: a secret per certificate, labels as staging labels. */
export const secretsManagerKeyStore = {
  kind: 'secrets-manager',
  summary: 'one AWS Secrets Manager secret per certificate; CURRENT/PENDING/PREVIOUS as AWSCURRENT/AWSPENDING/AWSPREVIOUS',
  runtimes: ['local', 'aws'],
  optionsSchema,
  async create(deps, { options }) {
    const [{ SecretsManagerClient }, { SecretsManagerKeyStore }] = await Promise.all([import('@aws-sdk/client-secrets-manager'), import('./secrets-manager.key-store.js')]);
    return new SecretsManagerKeyStore({
      client: deps.aws.client(SecretsManagerClient, options.region ? { region: options.region } : {}),
      ...(options.namePrefix ? { namePrefix: options.namePrefix } : {}),
      ...(options.kmsKeyId ? { kmsKeyId: options.kmsKeyId } : {}),
      ...(options.tags ? { tags: options.tags } : {}),
      ...(options.reservedStage ? { reservedStage: options.reservedStage } : {}),
    });
  },
} as const satisfies AdapterDescriptor<KeyStore, typeof optionsSchema>;
