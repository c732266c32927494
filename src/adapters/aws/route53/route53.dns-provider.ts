import { resolveCname } from 'node:dns/promises';
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListHostedZonesCommand,
  Route53Client,
  type Change,
  type HostedZone,
} from '@aws-sdk/client-route-53';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { Value } from '@sinclair/typebox/value';
import { CertflowError, ErrorCodes, isCertflowError, type ErrorContext } from '../../../domain/errors/index.js';
import type { DnsChange, DnsProvider, TxtRecord } from '../../../ports/dns-provider.port.js';
import { optionsSchema, type Route53Options } from './route53.options.js';

export interface Route53Deps {
  readonly route53: Route53Client;
  /** CNAME lookups for `_acme-challenge` delegation; the system resolver by default. */
  readonly resolveCname?: (name: string) => Promise<string[]>;
}

const MAX_CNAME_HOPS = 4;
const ZONE_PAGES = 50;
const RETRYABLE = new Set(['Throttling', 'ThrottlingException', 'PriorRequestNotComplete', 'ServiceUnavailable', 'InternalFailure', 'RequestTimeout']);

/** Maps an SDK error to a certflow error by its name only (SDK messages may quote request data). */
export function toDnsError(error: unknown, what: string, context: ErrorContext): CertflowError {
  if (isCertflowError(error)) return error;
  const name = (error as { name?: unknown } | undefined)?.name;
  const code = typeof name === 'string' ? name : 'unknown';
  const retryable = RETRYABLE.has(code) || (error as { $retryable?: unknown } | undefined)?.$retryable !== undefined || code === 'TimeoutError';
  return new CertflowError(retryable ? ErrorCodes.DNS_UNAVAILABLE : ErrorCodes.DNS_REJECTED, `Route 53 ${what} failed (${code})`, { retryable, context, cause: error });
}

/**
 * Credentials of a role in the DNS account, cached until five minutes before they expire. The
 * ExternalId guards against the confused deputy: the role trusts certflow's account only with it.
 */
export function assumeRoleCredentials(sts: STSClient, role: NonNullable<Route53Options['assumeRole']>) {
  let cached: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date } | undefined;
  return async () => {
    if (cached && cached.expiration.getTime() - Date.now() > 300_000) return cached;
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: role.roleArn,
        RoleSessionName: role.sessionName ?? 'certflow-dns01',
        ...(role.externalId ? { ExternalId: role.externalId } : {}),
        DurationSeconds: 900,
      }),
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new CertflowError(ErrorCodes.DNS_REJECTED, 'AssumeRole returned no credentials', { context: { roleArn: role.roleArn } });
    }
    cached = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    return cached;
  };
}

const fqdn = (name: string) => `${name.toLowerCase().replace(/\.$/, '')}.`;
const quoted = (value: string) => `"${value}"`;

/**
 * DNS-01 on Route 53: the hosted zone of each name is the one with the longest matching suffix
 * (public zones before private ones); the values of one order go in one change batch per zone
 * (UPSERT, one record set per name); propagation is GetChange reaching INSYNC; DELETE afterwards.
 */
export class Route53DnsProvider implements DnsProvider {
  readonly kind = 'route53';
  private zones: Promise<HostedZone[]> | undefined;

  constructor(
    private readonly deps: Route53Deps,
    readonly name: string,
    private readonly options: Route53Options = {},
  ) {
    if (!Value.Check(optionsSchema, options)) {
      throw new CertflowError(ErrorCodes.CONFIG_INVALID, `invalid options for DNS provider ${name}`, { context: { dnsProvider: name } });
    }
  }

  async publish(records: readonly TxtRecord[]): Promise<DnsChange> {
    const batches = await this.batches(records, 'UPSERT');
    const ids: string[] = [];
    for (const [zoneId, changes] of batches) {
      const out = await this.send('change', () =>
        this.deps.route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Comment: 'certflow dns-01', Changes: changes } })),
      );
      if (out.ChangeInfo?.Id) ids.push(out.ChangeInfo.Id);
    }
    return { provider: this.name, ids };
  }

  async isPropagated(change: DnsChange): Promise<boolean> {
    for (const id of change.ids) {
      const out = await this.send('GetChange', () => this.deps.route53.send(new GetChangeCommand({ Id: id })));
      if (out.ChangeInfo?.Status !== 'INSYNC') return false;
    }
    return true;
  }

  async remove(records: readonly TxtRecord[]): Promise<void> {
    for (const [zoneId, changes] of await this.batches(records, 'DELETE')) {
      try {
        await this.deps.route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } }));
      } catch (error) {
        if (!isNotFound(error)) throw toDnsError(error, 'delete', this.context());
        // One record set already gone fails the whole batch: delete the others one by one.
        for (const single of changes) {
          await this.deps.route53
            .send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: [single] } }))
            .catch((e: unknown) => {
              if (!isNotFound(e)) throw toDnsError(e, 'delete', this.context());
            });
        }
      }
    }
  }

  private context(): ErrorContext {
    return { dnsProvider: this.name };
  }

  private async send<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toDnsError(error, what, this.context());
    }
  }

  /** Change batches per hosted zone: one record set per (delegated) name with all its values. */
  private async batches(records: readonly TxtRecord[], action: 'UPSERT' | 'DELETE'): Promise<Map<string, Change[]>> {
    const byName = new Map<string, string[]>();
    for (const record of records) {
      const target = await this.delegated(record.name);
      const values = byName.get(target) ?? [];
      if (!values.includes(record.value)) values.push(record.value);
      byName.set(target, values);
    }
    const byZone = new Map<string, Change[]>();
    for (const [name, values] of byName) {
      const zoneId = await this.zoneOf(name);
      const changes = byZone.get(zoneId) ?? [];
      changes.push({
        Action: action,
        ResourceRecordSet: { Name: name, Type: 'TXT', TTL: this.options.ttl ?? 60, ResourceRecords: values.map((v) => ({ Value: quoted(v) })) },
      });
      byZone.set(zoneId, changes);
    }
    return byZone;
  }

  /** Follows `_acme-challenge` CNAMEs (delegation to a validation zone), up to a few hops. */
  private async delegated(name: string): Promise<string> {
    let current = fqdn(name);
    if (this.options.followCnames === false) return current;
    const lookup = this.deps.resolveCname ?? resolveCname;
    for (let hop = 0; hop < MAX_CNAME_HOPS; hop++) {
      const targets = await lookup(current.slice(0, -1)).catch(() => []);
      if (targets.length === 0) return current;
      current = fqdn(targets[0] ?? current);
    }
    return current;
  }

  private async zoneOf(name: string): Promise<string> {
    if (this.options.hostedZoneId) return this.options.hostedZoneId;
    this.zones ??= this.listZones().catch((error: unknown) => {
      this.zones = undefined;
      throw error;
    });
    const candidates = (await this.zones)
      .filter((z) => z.Name && (name === z.Name.toLowerCase() || name.endsWith(`.${z.Name.toLowerCase()}`)))
      .sort((a, b) => (b.Name?.length ?? 0) - (a.Name?.length ?? 0) || Number(a.Config?.PrivateZone ?? false) - Number(b.Config?.PrivateZone ?? false));
    const zone = candidates[0];
    if (!zone?.Id) throw new CertflowError(ErrorCodes.DNS_ZONE_NOT_FOUND, `no Route 53 hosted zone holds ${name}`, { context: { ...this.context(), name } });
    return zone.Id.replace(/^\/hostedzone\//, '');
  }

  private async listZones(): Promise<HostedZone[]> {
    const zones: HostedZone[] = [];
    let marker: string | undefined;
    for (let page = 0; page < ZONE_PAGES; page++) {
      const out = await this.send('ListHostedZones', () => this.deps.route53.send(new ListHostedZonesCommand(marker ? { Marker: marker } : {})));
      zones.push(...(out.HostedZones ?? []));
      if (!out.IsTruncated || !out.NextMarker) break;
      marker = out.NextMarker;
    }
    return zones;
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; message?: string } | undefined;
  return e?.name === 'InvalidChangeBatch' && /not found/i.test(e.message ?? '');
}

/** The Route 53 client, in the DNS account when a role is configured. */
export function buildRoute53Client(options: Route53Options, sts?: STSClient): Route53Client {
  const region = options.region ?? 'us-east-1';
  if (!options.assumeRole) return new Route53Client({ region });
  return new Route53Client({ region, credentials: assumeRoleCredentials(sts ?? new STSClient({ region }), options.assumeRole) });
}
