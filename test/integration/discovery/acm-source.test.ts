import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ACMClient,
  DescribeCertificateCommand,
  GetCertificateCommand,
  ListCertificatesCommand,
  type CertificateSummary,
} from '@aws-sdk/client-acm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { AcmSource } from '../../../src/adapters/aws/acm-source/acm.source.js';
import { ACM_KEY_PAIR_ORIGINS, ACM_KEY_TYPES } from '../../../src/adapters/aws/acm-source/acm-enums.js';
import { AssumedRoles } from '../../../src/adapters/aws/assume-role.js';
import { awsClientFactory } from '../../../src/adapters/aws/client-factory.js';
import { ACM_QUOTAS, RateLimits, type Ticker } from '../../../src/adapters/aws/token-bucket.js';
import { SqliteStateStore } from '../../../src/adapters/local/sqlite.state-store.js';
import { discoverCertificates } from '../../../src/app/discover-certificates.use-case.js';
import type { AccountRef } from '../../../src/ports/account-source.port.js';
import type { KnownCertificate, ScanContext } from '../../../src/ports/certificate-source.port.js';
import { aCa, aLeaf } from '../../support/certs.js';

const acm = mockClient(ACMClient);
const sts = mockClient(STSClient);
const NOW = new Date('2026-11-01T00:00:00Z');
const ca = aCa('Test Root', undefined, NOW);
const leaf = aLeaf({ dns: ['shop.example.com'], issuer: ca, now: NOW });

/** Sleeps that return at once but are recorded, so backoff and pacing cost no wall time. */
function instantTicker(): Ticker & { slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return { slept, now: () => t, sleep: async (ms) => { slept.push(ms); t += ms; } };
}

const arn = (account: string, region: string, n: number) => `arn:aws:acm:${region}:${account}:certificate/00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;

function summary(a: string, overrides: Partial<CertificateSummary> = {}): CertificateSummary {
  return {
    CertificateArn: a,
    DomainName: 'shop.example.com',
    Status: 'ISSUED',
    Type: 'IMPORTED',
    KeyAlgorithm: 'EC_prime256v1',
    InUse: true,
    NotBefore: new Date('2026-10-01T00:00:00Z'),
    NotAfter: new Date('2027-01-01T00:00:00Z'),
    ImportedAt: new Date('2026-10-01T00:00:00Z'),
    ...overrides,
  };
}

function sourceFor(accounts: AccountRef[], ticker = instantTicker()) {
  const aws = awsClientFactory({ region: 'eu-west-1' });
  const roles = new AssumedRoles({ aws, now: () => NOW.getTime() });
  const source = new AcmSource({
    name: 'acm',
    aws,
    roles,
    accounts: [{ name: 'static', listAccounts: async () => accounts }],
    limits: new RateLimits(ACM_QUOTAS, 0.75, ticker),
    ticker,
  });
  return { source, roles };
}

function describeAndGetResolve() {
  acm.on(DescribeCertificateCommand).callsFake((input: { CertificateArn: string }) => ({ Certificate: { CertificateArn: input.CertificateArn, Status: 'ISSUED', InUseBy: ['arn:aws:elasticloadbalancing:...'] } }));
  acm.on(GetCertificateCommand).resolves({ Certificate: leaf.pem, CertificateChain: ca.pem });
}

beforeEach(() => {
  acm.reset();
  sts.reset();
  sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => ({
    Credentials: { AccessKeyId: `ASIA${input.RoleArn.split(':')[4] ?? ''}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(NOW.getTime() + 3600_000) },
  }));
});

afterEach(() => {
  acm.reset();
  sts.reset();
});

describe('AcmSource', () => {
  it('pages through ListCertificates naming every key type and key-pair origin on every page', async () => {
    // Prepare
    const a = '111111111111';
    acm.on(ListCertificatesCommand).callsFake((input: { NextToken?: string }) => {
      const page = input.NextToken === undefined ? 0 : Number(input.NextToken);
      const items = [1, 2].map((i) => summary(arn(a, 'eu-west-1', page * 2 + i)));
      return { CertificateSummaryList: items, ...(page < 2 ? { NextToken: String(page + 1) } : {}) };
    });
    describeAndGetResolve();
    const { source } = sourceFor([{ accountId: a, regions: ['eu-west-1'] }]);
    const [scope] = await source.listScopes();
    // Act
    const scan = await source.scan(scope!);
    // Assess
    expect(scan.ok && scan.certificates.length).toBe(6);
    const calls = acm.commandCalls(ListCertificatesCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.NextToken)).toEqual([undefined, '1', '2']);
    for (const input of calls) {
      expect(input.Includes?.keyTypes).toEqual([...ACM_KEY_TYPES]);
      expect(input.Includes?.keyTypes).toEqual(expect.arrayContaining(['EC_prime256v1', 'EC_secp384r1', 'RSA_3072', 'RSA_4096']));
      expect(input.CertificateKeyPairOrigins).toEqual([...ACM_KEY_PAIR_ORIGINS]);
      expect(input.MaxItems).toBe(1000);
    }
  });

  it('describes only certificates that are new or whose summary changed since the last sweep', async () => {
    // Prepare: a first sweep reads three certificates and the inventory keeps what it returned
    const a = '111111111111';
    const list = [1, 2, 3].map((i) => summary(arn(a, 'eu-west-1', i)));
    acm.on(ListCertificatesCommand).callsFake(() => ({ CertificateSummaryList: list }));
    describeAndGetResolve();
    const { source } = sourceFor([{ accountId: a, regions: ['eu-west-1'] }]);
    const [scope] = await source.listScopes();
    const first = await source.scan(scope!);
    const stored = new Map<string, KnownCertificate>();
    if (first.ok) for (const c of first.certificates) stored.set(c.locator, { changeTag: c.changeTag!, facts: c.facts });
    const context: ScanContext = { known: async (_origin, locator) => stored.get(locator) };
    // One certificate is re-imported (new NotAfter, ImportedAt), one is new
    list[1] = summary(arn(a, 'eu-west-1', 2), { NotAfter: new Date('2027-06-01T00:00:00Z'), ImportedAt: new Date('2026-10-20T00:00:00Z') });
    list.push(summary(arn(a, 'eu-west-1', 4)));
    acm.resetHistory();
    // Act
    const second = await source.scan(scope!, context);
    // Assess
    expect(second.ok && second.certificates.length).toBe(4);
    const described = acm.commandCalls(DescribeCertificateCommand).map((c) => c.args[0].input.CertificateArn).sort();
    expect(described).toEqual([arn(a, 'eu-west-1', 2), arn(a, 'eu-west-1', 4)]);
  });

  it('reads summary timestamps given as epoch seconds, as they travel on the wire', async () => {
    // Prepare: 1798761600 is 2027-01-01T00:00:00Z
    const a = '111111111111';
    const wire = summary(arn(a, 'eu-west-1', 1), { NotAfter: 1798761600 as unknown as Date, ImportedAt: 1790000000 as unknown as Date });
    const asDates = summary(arn(a, 'eu-west-1', 1), { NotAfter: new Date('2027-01-01T00:00:00Z'), ImportedAt: new Date(1790000000 * 1000) });
    const { changeTag } = await import('../../../src/adapters/aws/acm-source/acm.source.js');
    // Act / Assess
    expect(changeTag(wire)).toBe(changeTag(asDates));
  });

  it('assumes each account\'s role once with its ExternalId and reuses the credentials across regions', async () => {
    // Prepare
    const accounts: AccountRef[] = ['111111111111', '222222222222'].map((id) => ({
      accountId: id,
      regions: ['eu-west-1', 'us-east-1', 'ap-southeast-2'],
      roleArn: `arn:aws:iam::${id}:role/certflow-discovery`,
      externalId: 'certflow-7f3a',
    }));
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [] });
    const { source, roles } = sourceFor(accounts);
    const scopes = await source.listScopes();
    // Act
    const scans = await Promise.all(scopes.map((s) => source.scan(s)));
    // Assess
    expect(scopes).toHaveLength(6);
    expect(scans.every((s) => s.ok)).toBe(true);
    const calls = sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(roles.calls).toBe(2);
    expect(calls.map((c) => c.RoleArn).sort()).toEqual(accounts.map((a) => a.roleArn));
    for (const c of calls) expect(c.ExternalId).toBe('certflow-7f3a');
  });

  it('refreshes assumed credentials shortly before they expire', async () => {
    // Prepare
    let now = NOW.getTime();
    const aws = awsClientFactory({ region: 'eu-west-1' });
    const roles = new AssumedRoles({ aws, now: () => now, refreshBeforeMs: 300_000 });
    const role = 'arn:aws:iam::111111111111:role/certflow-discovery';
    await roles.credentials(role, 'x1');
    // Act: 54 minutes later the one-hour credentials are still good; at 56 minutes they are refreshed
    now += 54 * 60_000;
    await roles.credentials(role, 'x1');
    const before = roles.calls;
    now += 2 * 60_000;
    await roles.credentials(role, 'x1');
    // Assess
    expect(before).toBe(1);
    expect(roles.calls).toBe(2);
  });

  it('absorbs throttling: the scan succeeds, paced and retried, and nothing is surfaced', async () => {
    // Prepare: ACM throttles the first two list calls and every third describe
    const a = '111111111111';
    const throttle = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    let lists = 0;
    acm.on(ListCertificatesCommand).callsFake(() => {
      if (++lists <= 2) throw throttle();
      return { CertificateSummaryList: [1, 2, 3, 4, 5, 6].map((i) => summary(arn(a, 'eu-west-1', i))) };
    });
    let describes = 0;
    acm.on(DescribeCertificateCommand).callsFake((input: { CertificateArn: string }) => {
      if (++describes % 3 === 0) throw throttle();
      return { Certificate: { CertificateArn: input.CertificateArn, Status: 'ISSUED' } };
    });
    acm.on(GetCertificateCommand).resolves({ Certificate: leaf.pem });
    const ticker = instantTicker();
    const { source } = sourceFor([{ accountId: a, regions: ['eu-west-1'] }], ticker);
    const [scope] = await source.listScopes();
    // Act
    const scan = await source.scan(scope!);
    // Assess
    expect(scan.ok).toBe(true);
    expect(scan.ok && scan.certificates).toHaveLength(6);
    expect(source.stats.throttled).toBeGreaterThanOrEqual(4);
    expect(source.stats.surfaced).toBe(0);
    expect(ticker.slept.length).toBeGreaterThan(0);
  });

  it('fails one account whose role cannot be assumed and discovers the others', async () => {
    // Prepare
    const good = '111111111111';
    const bad = '222222222222';
    sts.on(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${bad}:role/certflow-discovery` }).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [summary(arn(good, 'eu-west-1', 1))] });
    describeAndGetResolve();
    const accounts: AccountRef[] = [good, bad].map((id) => ({ accountId: id, regions: ['eu-west-1', 'us-east-1'], roleArn: `arn:aws:iam::${id}:role/certflow-discovery`, externalId: 'x-1' }));
    const { source } = sourceFor(accounts);
    const state = SqliteStateStore.open(':memory:');
    // Act
    const reports = await discoverCertificates({ state, sources: [source], clock: { now: () => NOW } })();
    await state.close();
    // Assess
    const byScope = Object.fromEntries(reports.map((r) => [r.scope, r]));
    expect(byScope[`acm:${good}:eu-west-1`]).toMatchObject({ ok: true, seen: 1, added: 1 });
    expect(byScope[`acm:${good}:us-east-1`]).toMatchObject({ ok: true });
    expect(byScope[`acm:${bad}:eu-west-1`]).toMatchObject({ ok: false, account: bad });
    expect(byScope[`acm:${bad}:eu-west-1`]?.problems[0]).toMatch(/^SOURCE\.ACCESS_DENIED: /);
    expect(byScope[`acm:${bad}:us-east-1`]?.ok).toBe(false);
  });

  it('is built from configuration that spells key types either way, and lists those', async () => {
    // Prepare
    const { acmSource } = await import('../../../src/adapters/aws/acm-source/index.js');
    const { factoryDeps } = await import('../../support/factory-deps.js');
    const accounts = [{ accountId: '111111111111', regions: ['eu-west-1'] }];
    const deps = factoryDeps('/tmp', { now: () => NOW }, {
      aws: awsClientFactory({ region: 'eu-west-1' }),
      accountSources: { get: () => ({ name: 'fixed', listAccounts: async () => accounts }), names: () => ['fixed'] },
    });
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [] });
    const source = await acmSource.create(deps, { name: 'acm', kind: 'acm', options: { accounts: ['fixed'], quotaShare: 0.75, describeConcurrency: 4, sessionSeconds: 3600, keyTypes: ['RSA-2048', 'EC_prime256v1', 'EC-secp384r1'] } });
    const bad = await acmSource.create(deps, { name: 'acm', kind: 'acm', options: { accounts: ['fixed'], quotaShare: 0.75, describeConcurrency: 4, sessionSeconds: 3600, keyTypes: ['DSA-1024'] } }).catch((e: unknown) => e);
    // Act
    const [scope] = await source.listScopes();
    await source.scan(scope!);
    // Assess
    expect(acm.commandCalls(ListCertificatesCommand)[0]?.args[0].input.Includes?.keyTypes).toEqual(['RSA_2048', 'EC_prime256v1', 'EC_secp384r1']);
    expect(bad).toMatchObject({ code: 'CONFIG.INVALID' });
  });

  it('skips certificates that have no certificate yet (pending validation)', async () => {
    // Prepare
    const a = '111111111111';
    acm.on(ListCertificatesCommand).resolves({
      CertificateSummaryList: [summary(arn(a, 'eu-west-1', 1)), summary(arn(a, 'eu-west-1', 2), { Status: 'PENDING_VALIDATION', NotAfter: undefined })],
    });
    describeAndGetResolve();
    const { source } = sourceFor([{ accountId: a, regions: ['eu-west-1'] }]);
    const [scope] = await source.listScopes();
    // Act
    const scan = await source.scan(scope!);
    // Assess
    expect(scan.ok && scan.certificates.map((c) => c.locator)).toEqual([arn(a, 'eu-west-1', 1)]);
    expect(acm.commandCalls(DescribeCertificateCommand)).toHaveLength(1);
  });
});
