import type { KeyStore } from '../ports/key-store.port.js';
import type { Registry } from './registry/descriptor.js';
import { sqliteKeyStore } from './local/sqlite-key-store.descriptor.js';
import { secretsManagerKeyStore } from './aws/secrets-manager/index.js';

/** Key stores hold certificates with their keys, as labelled versions. */
export const keyStoreRegistry = {
  [sqliteKeyStore.kind]: sqliteKeyStore,
  [secretsManagerKeyStore.kind]: secretsManagerKeyStore,
} satisfies Registry<KeyStore>;
