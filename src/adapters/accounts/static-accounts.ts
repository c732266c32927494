import { Type } from '@sinclair/typebox';
import type { AdapterDescriptor } from '../registry/descriptor.js';
import type { AccountRef, AccountSource } from '../../ports/account-source.port.js';
import { roleArnFor } from '../aws/partition.js';

const Region = Type.String({ pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' });
const optionsSchema = Type.Object(
  {
    accounts: Type.Array(
      Type.Object(
        {
          accountId: Type.String({ pattern: '^\\d{12}$' }),
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          regions: Type.Array(Region, { minItems: 1, maxItems: 40, uniqueItems: true }),
          /** A role other than `roleName`'s in this account (or none: omit both to use certflow's own credentials). */
          roleArn: Type.Optional(Type.String({ pattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$' })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
    /** The discovery role assumed in every listed account (deploy/member-discovery-role.yml). */
    roleName: Type.Optional(Type.String({ pattern: '^[\\w+=,.@-]{1,64}$' })),
    externalId: Type.Optional(Type.String({ pattern: '^[\\w+=,.@:/-]{2,1224}$' })),
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
    const accounts: AccountRef[] = options.accounts.map((a) => {
      const roleArn = a.roleArn ?? (options.roleName ? roleArnFor(a.accountId, options.roleName, a.regions[0]) : undefined);
      return {
        accountId: a.accountId,
        regions: a.regions,
        ...(a.name ? { name: a.name } : {}),
        ...(roleArn ? { roleArn } : {}),
        ...(roleArn && options.externalId ? { externalId: options.externalId } : {}),
      };
    });
    return Promise.resolve({ name, listAccounts: () => Promise.resolve(accounts.map((a) => ({ ...a }))) });
  },
} as const satisfies AdapterDescriptor<AccountSource, typeof optionsSchema>;
