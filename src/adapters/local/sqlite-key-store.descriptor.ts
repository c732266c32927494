import { Type } from '@sinclair/typebox';
import { join } from 'node:path';
import type { AdapterDescriptor } from '../registry/descriptor.js';
import type { KeyStore } from '../../ports/key-store.port.js';

const optionsSchema = Type.Object(
  {
    path: Type.Optional(Type.String({ minLength: 1, description: 'The database file (default: keys.db in the data directory); relative to the config file.' })),
  },
  { additionalProperties: false },
);

/** The local default's key store: versions and labels in SQLite (0600, synchronous=FULL). */
export const sqliteKeyStore = {
  kind: 'sqlite',
  summary: 'versions and staging labels in a SQLite file (0600)',
  runtimes: ['local'],
  optionsSchema,
  async create(deps, { options }) {
    const [{ SqliteKeyStore }, { LazyKeyStore }] = await Promise.all([import('./sqlite.key-store.js'), import('./lazy.key-store.js')]);
    // Opened on first use: commands that read only the state never open (or create) keys.db.
    return new LazyKeyStore(() => SqliteKeyStore.open(options.path ? deps.resolvePath(options.path) : join(deps.dataDir, 'keys.db')));
  },
} as const satisfies AdapterDescriptor<KeyStore, typeof optionsSchema>;
