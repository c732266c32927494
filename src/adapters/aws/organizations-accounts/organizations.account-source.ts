import type {
  OrganizationsClient,
  Account,
  ListAccountsCommandOutput,
  ListAccountsForParentCommandOutput,
  ListOrganizationalUnitsForParentCommandOutput,
  ListTagsForResourceCommandOutput,
} from '@aws-sdk/client-organizations';
import { CertflowError, ErrorCodes, isCertflowError } from '../../../domain/errors/index.js';
import type { AccountRef, AccountSource } from '../../../ports/account-source.port.js';
import type { AwsClientFactory } from '../client-factory.js';
import { roleArnFor } from '../partition.js';

// Imported on first listing, so a bundle that never lists an organization never loads its SDK.
const orgSdk = () => import('@aws-sdk/client-organizations');
type OrgSdk = Awaited<ReturnType<typeof orgSdk>>;

/** Far past any organization's page count (ListAccounts pages hold up to 20). */
const MAX_PAGES = 1_000;
/** OUs nest at most five deep under the root. */
const MAX_OU_DEPTH = 5;

export interface OrganizationsAccountsOptions {
  readonly name: string;
  readonly aws: AwsClientFactory;
  readonly now: () => number;
  readonly regions: readonly string[];
  readonly roleName: string;
  readonly externalId?: string;
  /** Only accounts under these OUs (ids `ou-...` or `r-...`), at any depth. */
  readonly organizationalUnits?: readonly string[];
  /** Only accounts carrying every one of these tags. */
  readonly tags?: Readonly<Record<string, string>>;
  readonly excludeAccounts?: readonly string[];
  readonly cacheSeconds: number;
  /** Region of the Organizations endpoint (us-east-1 in the commercial partition). */
  readonly region?: string;
}

/**
 * The active accounts of the organization, optionally narrowed by OU and tags, each reached through
 * the same discovery role. The list is cached: the organization changes rarely and its API is
 * slow and tightly limited.
 */
export class OrganizationsAccountSource implements AccountSource {
  readonly name: string;
  private cached?: { at: number; accounts: AccountRef[] };

  constructor(private readonly options: OrganizationsAccountsOptions) {
    this.name = options.name;
  }

  async listAccounts(): Promise<AccountRef[]> {
    const now = this.options.now();
    if (this.cached && now - this.cached.at < this.options.cacheSeconds * 1000) return this.cached.accounts.map((a) => ({ ...a }));
    let accounts: Account[];
    try {
      this.sdk ??= await orgSdk();
      accounts = await this.candidates();
      if (this.options.tags && Object.keys(this.options.tags).length > 0) accounts = await this.withTags(accounts, this.options.tags);
    } catch (error) {
      if (isCertflowError(error)) throw error;
      throw new CertflowError(ErrorCodes.SOURCE_ACCOUNTS_UNAVAILABLE, 'cannot list the organization\'s accounts', { retryable: true, cause: error });
    }
    const excluded = new Set(this.options.excludeAccounts ?? []);
    const refs = accounts
      .filter((a) => a.Id && !excluded.has(a.Id) && isActive(a))
      .map((a): AccountRef => ({
        accountId: a.Id as string,
        ...(a.Name ? { name: a.Name } : {}),
        regions: [...this.options.regions],
        roleArn: roleArnFor(a.Id as string, this.options.roleName, this.options.regions[0]),
        ...(this.options.externalId === undefined ? {} : { externalId: this.options.externalId }),
      }))
      .sort((x, y) => x.accountId.localeCompare(y.accountId));
    this.cached = { at: now, accounts: refs };
    return refs.map((a) => ({ ...a }));
  }

  private sdk?: OrgSdk;

  private client(): OrganizationsClient {
    return this.options.aws.client((this.sdk as OrgSdk).OrganizationsClient, this.options.region ? { region: this.options.region } : {});
  }

  /** Always a promise, whatever the client (or a test double of it) returns. */
  private async send<O>(command: object): Promise<O> {
    return (await (this.client() as unknown as { send(c: object): unknown }).send(command)) as O;
  }

  private async candidates(): Promise<Account[]> {
    const ous = this.options.organizationalUnits;
    if (!ous || ous.length === 0) return this.paged((NextToken) => this.send<ListAccountsCommandOutput>(new (this.sdk as OrgSdk).ListAccountsCommand({ ...(NextToken ? { NextToken } : {}) })).then((o) => ({ items: o.Accounts ?? [], next: o.NextToken })));
    const byId = new Map<string, Account>();
    for (const ou of ous) for (const account of await this.underOu(ou, 0)) if (account.Id) byId.set(account.Id, account);
    return [...byId.values()];
  }

  private async underOu(parentId: string, depth: number): Promise<Account[]> {
    const accounts = await this.paged((NextToken) =>
      this.send<ListAccountsForParentCommandOutput>(new (this.sdk as OrgSdk).ListAccountsForParentCommand({ ParentId: parentId, ...(NextToken ? { NextToken } : {}) })).then((o) => ({ items: o.Accounts ?? [], next: o.NextToken })),
    );
    if (depth >= MAX_OU_DEPTH) return accounts;
    const children = await this.paged((NextToken) =>
      this.send<ListOrganizationalUnitsForParentCommandOutput>(new (this.sdk as OrgSdk).ListOrganizationalUnitsForParentCommand({ ParentId: parentId, ...(NextToken ? { NextToken } : {}) }))
        .then((o) => ({ items: o.OrganizationalUnits ?? [], next: o.NextToken })),
    );
    for (const child of children) if (child.Id) accounts.push(...(await this.underOu(child.Id, depth + 1)));
    return accounts;
  }

  private async withTags(accounts: Account[], wanted: Readonly<Record<string, string>>): Promise<Account[]> {
    const kept: Account[] = [];
    for (const account of accounts) {
      if (!account.Id) continue;
      const id = account.Id;
      const tags = await this.paged((NextToken) =>
        this.send<ListTagsForResourceCommandOutput>(new (this.sdk as OrgSdk).ListTagsForResourceCommand({ ResourceId: id, ...(NextToken ? { NextToken } : {}) })).then((o) => ({ items: o.Tags ?? [], next: o.NextToken })),
      );
      const have = new Map(tags.map((t) => [t.Key, t.Value]));
      if (Object.entries(wanted).every(([k, v]) => have.get(k) === v)) kept.push(account);
    }
    return kept;
  }

  private async paged<T>(page: (next: string | undefined) => Promise<{ items: T[]; next: string | undefined }>): Promise<T[]> {
    const all: T[] = [];
    let next: string | undefined;
    for (let i = 0; i < MAX_PAGES; i++) {
      const out = await page(next);
      all.push(...out.items);
      if (!out.next) return all;
      next = out.next;
    }
    throw new CertflowError(ErrorCodes.SOURCE_ACCOUNTS_UNAVAILABLE, `listing did not end after ${MAX_PAGES.toString()} pages`, { retryable: false });
  }
}

function isActive(a: Account): boolean {
  const state = (a as { State?: string }).State;
  if (state !== undefined) return state === 'ACTIVE';
  return a.Status === undefined || a.Status === 'ACTIVE';
}
