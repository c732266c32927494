import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
  type Account,
} from '@aws-sdk/client-organizations';
import { OrganizationsAccountSource, type OrganizationsAccountsOptions } from '../../../src/adapters/aws/organizations-accounts/organizations.account-source.js';
import { organizationsAccounts } from '../../../src/adapters/aws/organizations-accounts/index.js';
import { staticAccounts } from '../../../src/adapters/accounts/static-accounts.js';
import { awsClientFactory } from '../../../src/adapters/aws/client-factory.js';
import { factoryDeps } from '../../support/factory-deps.js';

const orgs = mockClient(OrganizationsClient);
const account = (id: string, state = 'ACTIVE'): Account => ({ Id: id, Name: `acct-${id.slice(-2)}`, Status: state === 'ACTIVE' ? 'ACTIVE' : 'SUSPENDED' });

function source(overrides: Partial<OrganizationsAccountsOptions> = {}, now = () => 0) {
  return new OrganizationsAccountSource({
    name: 'org',
    aws: awsClientFactory({ region: 'us-east-1' }),
    now,
    regions: ['eu-west-1', 'us-east-1'],
    roleName: 'certflow-discovery',
    externalId: 'x-123',
    cacheSeconds: 600,
    ...overrides,
  });
}

beforeEach(() => orgs.reset());
afterEach(() => orgs.reset());

describe('OrganizationsAccountSource', () => {
  it('pages ListAccounts, keeps active accounts and gives each the discovery role and ExternalId', async () => {
    // Prepare
    orgs.on(ListAccountsCommand).callsFake((input: { NextToken?: string }) =>
      input.NextToken === undefined
        ? { Accounts: [account('111111111111'), account('222222222222', 'SUSPENDED')], NextToken: 'p2' }
        : { Accounts: [account('333333333333')] },
    );
    // Act
    const accounts = await source().listAccounts();
    // Assess
    expect(orgs.commandCalls(ListAccountsCommand)).toHaveLength(2);
    expect(accounts).toEqual([
      { accountId: '111111111111', name: 'acct-11', regions: ['eu-west-1', 'us-east-1'], roleArn: 'arn:aws:iam::111111111111:role/certflow-discovery', externalId: 'x-123' },
      { accountId: '333333333333', name: 'acct-33', regions: ['eu-west-1', 'us-east-1'], roleArn: 'arn:aws:iam::333333333333:role/certflow-discovery', externalId: 'x-123' },
    ]);
  });

  it('lists only accounts under the given OUs, at any depth', async () => {
    // Prepare
    orgs.on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-aaaaaaaa' }).resolves({ Accounts: [account('111111111111')] });
    orgs.on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-bbbbbbbb' }).resolves({ Accounts: [account('444444444444')] });
    orgs.on(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-ab12-aaaaaaaa' }).resolves({ OrganizationalUnits: [{ Id: 'ou-ab12-bbbbbbbb' }] });
    orgs.on(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-ab12-bbbbbbbb' }).resolves({ OrganizationalUnits: [] });
    // Act
    const accounts = await source({ organizationalUnits: ['ou-ab12-aaaaaaaa'] }).listAccounts();
    // Assess
    expect(accounts.map((a) => a.accountId)).toEqual(['111111111111', '444444444444']);
    expect(orgs.commandCalls(ListAccountsCommand)).toHaveLength(0);
  });

  it('keeps only accounts carrying every wanted tag', async () => {
    // Prepare
    orgs.on(ListAccountsCommand).resolves({ Accounts: [account('111111111111'), account('222222222222')] });
    orgs.on(ListTagsForResourceCommand, { ResourceId: '111111111111' }).resolves({ Tags: [{ Key: 'certflow', Value: 'watch' }, { Key: 'env', Value: 'prod' }] });
    orgs.on(ListTagsForResourceCommand, { ResourceId: '222222222222' }).resolves({ Tags: [{ Key: 'certflow', Value: 'watch' }] });
    // Act
    const accounts = await source({ tags: { certflow: 'watch', env: 'prod' } }).listAccounts();
    // Assess
    expect(accounts.map((a) => a.accountId)).toEqual(['111111111111']);
  });

  it('answers from its cache until it is older than cacheSeconds', async () => {
    // Prepare
    let t = 0;
    orgs.on(ListAccountsCommand).resolves({ Accounts: [account('111111111111')] });
    const org = source({ cacheSeconds: 600 }, () => t);
    // Act
    await org.listAccounts();
    t = 599_000;
    await org.listAccounts();
    const cachedCalls = orgs.commandCalls(ListAccountsCommand).length;
    t = 601_000;
    await org.listAccounts();
    // Assess
    expect(cachedCalls).toBe(1);
    expect(orgs.commandCalls(ListAccountsCommand)).toHaveLength(2);
  });

  it('fails with SOURCE.ACCOUNTS_UNAVAILABLE when Organizations cannot be listed', async () => {
    // Prepare
    orgs.on(ListAccountsCommand).rejects(Object.assign(new Error('no'), { name: 'AWSOrganizationsNotInUseException' }));
    // Act
    const error = await source().listAccounts().catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ code: 'SOURCE.ACCOUNTS_UNAVAILABLE', retryable: true });
  });

  it('is built by its descriptor, as is a static list with a role in every account', async () => {
    // Prepare
    const deps = factoryDeps('/tmp', { now: () => new Date(0) });
    // Act
    const org = await organizationsAccounts.create(deps, { name: 'org', kind: 'organizations', options: { regions: ['eu-west-1'], roleName: 'r', cacheSeconds: 60 } });
    const fixed = await staticAccounts.create(deps, { name: 'fixed', kind: 'static', options: { accounts: [{ accountId: '111111111111', regions: ['cn-north-1'] }], roleName: 'certflow-discovery', externalId: 'x-1' } });
    // Assess
    expect(org.name).toBe('org');
    expect(await fixed.listAccounts()).toEqual([
      { accountId: '111111111111', regions: ['cn-north-1'], roleArn: 'arn:aws-cn:iam::111111111111:role/certflow-discovery', externalId: 'x-1' },
    ]);
  });
});
