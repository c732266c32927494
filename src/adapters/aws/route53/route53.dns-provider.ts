import { resolveCname } from 'node:dns/promises';
import type { Change, HostedZone, Route53Client } from '@aws-sdk/client-route-53';
import type { STSClient } from '@aws-sdk/client-sts';
import { Value } from '@sinclair/typebox/value';
import { CertflowError, ErrorCodes, isCertflowError, type ErrorContext } from '../../../domain/errors/index.js';
import type { DnsChange, DnsProvider, TxtRecord } from '../../../ports/dns-provider.port.js';
import { optionsSchema, type Route53Options } from './route53.options.js';

/*
 * The SDK is imported on first use, not at module load: bundles (the CLI, Lambdas) that never
 * publish DNS-01 records never load it, and esbuild keeps a dynamic import of a package dynamic.
 */
const route53Sdk = () => import('@aws-sdk/client-route-53');
const stsSdk = () => import('@aws-sdk/client-sts');

export interface Route53Deps {
  /** The Route 53 client (in the DNS account when a role is configured), made on first use. */
  readonly route53: () => Promise<Route53Client>;
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
    const { AssumeRoleCommand } = await stsSdk();
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
 * (one record set per name); propagation is GetChange reaching INSYNC. Two orders may validate one
 * name at once, so a record set is read first: publishing UPSERTs the union with the values there,
 * removing UPSERTs what remains of the others' or DELETEs the set when none remain. Changes from
 * this process are serialized; Route 53 has no conditional write, so two processes changing one
 * name in the same instant can still lose a value (the validation then fails and is retried).
 */
export class Route53DnsProvider implements DnsProvider {
  readonly kind = 'route53';
  private zones: Promise<HostedZone[]> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: Route53Deps,
    readonly name: string,
    private readonly options: Route53Options = {},
  ) {
    if (!Value.Check(optionsSchema, options)) {
      throw new CertflowError(ErrorCodes.CONFIG_INVALID, `invalid options for DNS provider ${name}`, { context: { dnsProvider: name } });
    }
  }

  publish(records: readonly TxtRecord[]): Promise<DnsChange> {
    return this.serialized(async () => {
      const [{ ChangeResourceRecordSetsCommand }, client] = await Promise.all([route53Sdk(), this.deps.route53()]);
      const ids: string[] = [];
      for (const [zoneId, wanted] of await this.byZone(records)) {
        const changes: Change[] = [];
        for (const [name, values] of wanted) {
          const existing = await this.existing(zoneId, name);
          changes.push(this.change('UPSERT', name, [...new Set([...existing, ...values])]));
        }
        const out = await this.send('change', () =>
          client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Comment: 'certflow dns-01', Changes: changes } })),
        );
        if (out.ChangeInfo?.Id) ids.push(out.ChangeInfo.Id);
      }
      return { provider: this.name, ids };
    });
  }

  async isPropagated(change: DnsChange): Promise<boolean> {
    if (change.ids.length === 0) return true;
    const [{ GetChangeCommand }, client] = await Promise.all([route53Sdk(), this.deps.route53()]);
    for (const id of change.ids) {
      const out = await this.send('GetChange', () => client.send(new GetChangeCommand({ Id: id })));
      if (out.ChangeInfo?.Status !== 'INSYNC') return false;
    }
    return true;
  }

  remove(records: readonly TxtRecord[]): Promise<void> {
    return this.serialized(async () => {
      const [{ ChangeResourceRecordSetsCommand }, client] = await Promise.all([route53Sdk(), this.deps.route53()]);
      for (const [zoneId, unwanted] of await this.byZone(records)) {
        const changes: Change[] = [];
        for (const [name, values] of unwanted) {
          const existing = await this.existing(zoneId, name);
          if (existing.length === 0) continue;
          const remaining = existing.filter((v) => !values.includes(v));
          changes.push(remaining.length > 0 ? this.change('UPSERT', name, remaining) : this.change('DELETE', name, existing));
        }
        if (changes.length === 0) continue;
        await this.send('change', () => client.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: changes } })));
      }
    });
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private change(action: 'UPSERT' | 'DELETE', name: string, values: readonly string[]): Change {
    return { Action: action, ResourceRecordSet: { Name: name, Type: 'TXT', TTL: this.options.ttl ?? 60, ResourceRecords: values.map((v) => ({ Value: quoted(v) })) } };
  }

  /** The TXT values at `name` now (unquoted), empty when there is no such record set. */
  private async existing(zoneId: string, name: string): Promise<string[]> {
    const [{ ListResourceRecordSetsCommand }, client] = await Promise.all([route53Sdk(), this.deps.route53()]);
    const out = await this.send('ListResourceRecordSets', () =>
      client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: name, StartRecordType: 'TXT', MaxItems: 1 })),
    );
    const set = out.ResourceRecordSets?.[0];
    if (!set || set.Type !== 'TXT' || fqdn(set.Name ?? '') !== name) return [];
    return (set.ResourceRecords ?? []).map((r) => (r.Value ?? '').replace(/^"|"$/g, ''));
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

  /** Values per (delegated) name, grouped by hosted zone. */
  private async byZone(records: readonly TxtRecord[]): Promise<Map<string, Map<string, string[]>>> {
    const byZone = new Map<string, Map<string, string[]>>();
    for (const record of records) {
      const name = await this.delegated(record.name);
      const zoneId = await this.zoneOf(name);
      const names = byZone.get(zoneId) ?? new Map<string, string[]>();
      const values = names.get(name) ?? [];
      if (!values.includes(record.value)) values.push(record.value);
      names.set(name, values);
      byZone.set(zoneId, names);
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
    const [{ ListHostedZonesCommand }, client] = await Promise.all([route53Sdk(), this.deps.route53()]);
    const zones: HostedZone[] = [];
    let marker: string | undefined;
    for (let page = 0; page < ZONE_PAGES; page++) {
      const out = await this.send('ListHostedZones', () => client.send(new ListHostedZonesCommand(marker ? { Marker: marker } : {})));
      zones.push(...(out.HostedZones ?? []));
      if (!out.IsTruncated || !out.NextMarker) break;
      marker = out.NextMarker;
    }
    return zones;
  }
}

/** The Route 53 client, in the DNS account when a role is configured. */
export async function buildRoute53Client(options: Route53Options, sts?: STSClient): Promise<Route53Client> {
  const region = options.region ?? 'us-east-1';
  const { Route53Client } = await route53Sdk();
  if (!options.assumeRole) return new Route53Client({ region });
  const stsClient = sts ?? new (await stsSdk()).STSClient({ region });
  return new Route53Client({ region, credentials: assumeRoleCredentials(stsClient, options.assumeRole) });
}
