import { Type } from '@sinclair/typebox';
import type { AdapterDescriptor } from '../registry/descriptor.js';
import type { AccountRef, AccountSource } from '../../ports/account-source.port.js';

const Region = Type.String({ pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' });
const optionsSchema = Type.Object(
  {
    accounts: Type.Array(
      Type.Object(
        {
          accountId: Type.String({ pattern: '^\\d{12}$' }),
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          regions: Type.Array(Region, { minItems: 1, maxItems: 40, uniqueItems: true }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);

/** Accounts listed in the configuration, in the order given. */
export const staticAccounts = {
  kind: 'static',
  summary: 'a fixed list of accounts and regions',
  runtimes: ['local', 'aws'],
  optionsSchema,
  create(_deps, { name, options }) {
    const accounts: AccountRef[] = options.accounts.map((a) => ({ accountId: a.accountId, regions: a.regions, ...(a.name ? { name: a.name } : {}) }));
    return Promise.resolve({ name, listAccounts: () => Promise.resolve(accounts.map((a) => ({ ...a }))) });
  },
} as const satisfies AdapterDescriptor<AccountSource, typeof optionsSchema>;
