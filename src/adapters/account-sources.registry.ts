import type { AccountSource } from '../ports/account-source.port.js';
import type { Registry } from './registry/descriptor.js';
import { staticAccounts } from './accounts/static-accounts.js';

/** Account sources list the AWS accounts and regions discovery covers. */
export const accountSourceRegistry = {
  [staticAccounts.kind]: staticAccounts,
} satisfies Registry<AccountSource>;
