import { factoryDeps } from '../../support/factory-deps.js';
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  PriorRequestNotComplete,
  Route53Client,
  ThrottlingException,
} from '@aws-sdk/client-route-53';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Route53DnsProvider, buildRoute53Client } from '../../../src/adapters/aws/route53/route53.dns-provider.js';
import { route53DnsProvider } from '../../../src/adapters/aws/route53/index.js';
import { isCertflowError } from '../../../src/domain/errors/index.js';

const route53 = mockClient(Route53Client);
const sts = mockClient(STSClient);

const ZONES = [
  { Id: '/hostedzone/ZROOT', Name: 'example.com.', CallerReference: 'a', Config: { PrivateZone: false } },
  { Id: '/hostedzone/ZSUBPRIVATE', Name: 'sub.example.com.', CallerReference: 'b', Config: { PrivateZone: true } },
  { Id: '/hostedzone/ZSUB', Name: 'sub.example.com.', CallerReference: 'c', Config: { PrivateZone: false } },
  { Id: '/hostedzone/ZVALIDATION', Name: 'validation.example.net.', CallerReference: 'd', Config: { PrivateZone: false } },
];

function provider(cnames: Record<string, string> = {}): Route53DnsProvider {
  const client = new Route53Client({ region: 'us-east-1' });
  return new Route53DnsProvider({ route53: () => Promise.resolve(client), resolveCname: (name) => Promise.resolve(cnames[name] ? [cnames[name]] : []) }, 'r53', {});
}

const changeCalls = () => route53.commandCalls(ChangeResourceRecordSetsCommand).map((c) => c.args[0].input);

describe('Route53DnsProvider', () => {
  beforeEach(() => {
    route53.reset();
    sts.reset();
    // Two pages of zones: the lookup follows NextMarker.
    route53.on(ListHostedZonesCommand, {}).resolves({ HostedZones: ZONES.slice(0, 2), IsTruncated: true, NextMarker: 'm2', MaxItems: 2 });
    route53.on(ListHostedZonesCommand, { Marker: 'm2' }).resolves({ HostedZones: ZONES.slice(2), IsTruncated: false, MaxItems: 2 });
    route53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [], IsTruncated: false, MaxItems: 1 });
    route53.on(ChangeResourceRecordSetsCommand).resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } });
  });

  it('publishes into the public hosted zone with the longest matching suffix', async () => {
    // Act
    const change = await provider().publish([{ name: '_acme-challenge.a.sub.example.com', value: 'v1' }]);

    // Assess
    expect(changeCalls().map((c) => c.HostedZoneId)).toEqual(['ZSUB']);
    expect(change).toEqual({ provider: 'r53', ids: ['/change/C1'] });
  });

  it('upserts every value of one order in one change batch per zone, one record set per name, quoted', async () => {
    // Act: a wildcard and its base name share one name; a second name in the same zone; one in another zone.
    await provider().publish([
      { name: '_acme-challenge.example.com', value: 'wild' },
      { name: '_acme-challenge.example.com', value: 'base' },
      { name: '_acme-challenge.www.example.com', value: 'www' },
      { name: '_acme-challenge.x.sub.example.com', value: 'x' },
    ]);

    // Assess
    const calls = changeCalls();
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      HostedZoneId: 'ZROOT',
      ChangeBatch: {
        Changes: [
          { Action: 'UPSERT', ResourceRecordSet: { Name: '_acme-challenge.example.com.', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"wild"' }, { Value: '"base"' }] } },
          { Action: 'UPSERT', ResourceRecordSet: { Name: '_acme-challenge.www.example.com.', ResourceRecords: [{ Value: '"www"' }] } },
        ],
      },
    });
    expect(calls[1]?.HostedZoneId).toBe('ZSUB');
  });

  it('keeps the values another order published on the same name, and deletes only its own', async () => {
    // Prepare: another order's value is already there.
    route53
      .on(ListResourceRecordSetsCommand)
      .resolves({ ResourceRecordSets: [{ Name: '_acme-challenge.example.com.', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"other"' }, { Value: '"mine"' }] }], IsTruncated: false, MaxItems: 1 });
    const dns = provider();

    // Act
    await dns.publish([{ name: '_acme-challenge.example.com', value: 'mine' }]);
    await dns.remove([{ name: '_acme-challenge.example.com', value: 'mine' }]);

    // Assess
    const [upsert, removal] = changeCalls();
    expect(upsert?.ChangeBatch?.Changes?.[0]?.ResourceRecordSet?.ResourceRecords).toEqual([{ Value: '"other"' }, { Value: '"mine"' }]);
    expect(removal?.ChangeBatch?.Changes?.[0]).toMatchObject({ Action: 'UPSERT', ResourceRecordSet: { ResourceRecords: [{ Value: '"other"' }] } });
  });

  it('deletes the record set with its exact values when no other value remains, and removing twice is a no-op', async () => {
    // Prepare
    route53
      .on(ListResourceRecordSetsCommand)
      .resolvesOnce({ ResourceRecordSets: [{ Name: '_acme-challenge.example.com.', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"mine"' }] }], IsTruncated: false, MaxItems: 1 })
      // Route 53 lists from StartRecordName on: the next set is another name, so this one is gone.
      .resolves({ ResourceRecordSets: [{ Name: 'zzz.example.com.', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"x"' }] }], IsTruncated: false, MaxItems: 1 });
    const dns = provider();

    // Act
    await dns.remove([{ name: '_acme-challenge.example.com', value: 'mine' }]);
    await dns.remove([{ name: '_acme-challenge.example.com', value: 'mine' }]);

    // Assess
    expect(changeCalls()).toHaveLength(1);
    expect(changeCalls()[0]?.ChangeBatch?.Changes?.[0]).toMatchObject({ Action: 'DELETE', ResourceRecordSet: { TTL: 60, ResourceRecords: [{ Value: '"mine"' }] } });
  });

  it('reports propagation only when every change of the order is INSYNC', async () => {
    // Prepare
    route53.on(GetChangeCommand, { Id: '/change/A' }).resolves({ ChangeInfo: { Id: '/change/A', Status: 'INSYNC', SubmittedAt: new Date() } });
    route53
      .on(GetChangeCommand, { Id: '/change/B' })
      .resolvesOnce({ ChangeInfo: { Id: '/change/B', Status: 'PENDING', SubmittedAt: new Date() } })
      .resolves({ ChangeInfo: { Id: '/change/B', Status: 'INSYNC', SubmittedAt: new Date() } });
    const dns = provider();

    // Act
    const first = await dns.isPropagated({ provider: 'r53', ids: ['/change/A', '/change/B'] });
    const second = await dns.isPropagated({ provider: 'r53', ids: ['/change/A', '/change/B'] });

    // Assess
    expect([first, second]).toEqual([false, true]);
  });

  it('turns throttling and a prior request in flight into retryable DNS.UNAVAILABLE, a missing zone into terminal DNS.ZONE_NOT_FOUND', async () => {
    // Prepare
    route53.on(ChangeResourceRecordSetsCommand).rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
    route53.on(GetChangeCommand).rejects(new PriorRequestNotComplete({ message: 'busy', $metadata: {} }));
    const dns = provider();

    // Act
    const rejection = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
    const throttled = await rejection(dns.publish([{ name: '_acme-challenge.example.com', value: 'v' }]));
    const busy = await rejection(dns.isPropagated({ provider: 'r53', ids: ['/change/A'] }));
    const nowhere = await rejection(dns.publish([{ name: '_acme-challenge.example.org', value: 'v' }]));

    // Assess
    for (const e of [throttled, busy]) expect(isCertflowError(e) && { code: e.code, retryable: e.retryable }).toEqual({ code: 'DNS.UNAVAILABLE', retryable: true });
    expect(isCertflowError(nowhere) && { code: nowhere.code, retryable: nowhere.retryable }).toEqual({ code: 'DNS.ZONE_NOT_FOUND', retryable: false });
  });

  it('follows an _acme-challenge CNAME into the zone it delegates to', async () => {
    // Act
    await provider({ '_acme-challenge.www.example.com': '_acme-challenge.www.example.com.validation.example.net' }).publish([
      { name: '_acme-challenge.www.example.com', value: 'v' },
    ]);

    // Assess
    expect(changeCalls()[0]).toMatchObject({
      HostedZoneId: 'ZVALIDATION',
      ChangeBatch: { Changes: [{ ResourceRecordSet: { Name: '_acme-challenge.www.example.com.validation.example.net.' } }] },
    });
  });

  it('reaches zones in the DNS account with AssumeRole and its ExternalId', async () => {
    // Prepare
    const expiration = new Date(Date.now() + 3_600_000);
    sts.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: expiration } });
    const role = { roleArn: 'arn:aws:iam::111122223333:role/certflow-dns', externalId: 'certflow-prod' };

    // Act
    const client = await buildRoute53Client({ assumeRole: role }, new STSClient({ region: 'us-east-1' }));
    const credentials = await client.config.credentials();
    await client.config.credentials();

    // Assess
    expect(credentials).toMatchObject({ accessKeyId: 'ASIAEXAMPLE', sessionToken: 'token' });
    const calls = sts.commandCalls(AssumeRoleCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toMatchObject({ RoleArn: role.roleArn, ExternalId: 'certflow-prod' });
  });

  it('loads the SDK only when the provider is first used (registry descriptor)', async () => {
    // Act
    const dns = await route53DnsProvider.create(factoryDeps('/tmp', { now: () => new Date() }), { name: 'lazy', kind: 'route53', options: { region: 'us-east-1' } });
    const change = await dns.publish([{ name: '_acme-challenge.example.com', value: 'v' }]);

    // Assess
    expect(change.ids).toEqual(['/change/C1']);
  });
});
