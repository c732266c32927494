import type { AccountSource } from '../ports/account-source.port.js';
import type { Registry } from './registry/descriptor.js';
import { staticAccounts } from './accounts/static-accounts.js';
import { organizationsAccounts } from './aws/organizations-accounts/index.js';

/** Account sources list the AWS accounts and regions discovery covers. */
export const accountSourceRegistry = {
  [staticAccounts.kind]: staticAccounts,
  [organizationsAccounts.kind]: organizationsAccounts,
} satisfies Registry<AccountSource>;
