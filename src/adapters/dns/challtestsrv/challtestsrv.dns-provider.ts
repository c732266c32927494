import { Value } from '@sinclair/typebox/value';
import { CertflowError, ErrorCodes } from '../../../domain/errors/index.js';
import type { DnsChange, DnsProvider, TxtRecord } from '../../../ports/dns-provider.port.js';
import { optionsSchema, type ChalltestsrvOptions } from './challtestsrv.options.js';

const TIMEOUT_MS = 5_000;

/**
 * DNS-01 through pebble-challtestsrv's management API (`/set-txt`, `/clear-txt`). It serves a
 * record as soon as it is set, so a change has always propagated.
 */
export class ChalltestsrvDnsProvider implements DnsProvider {
  readonly kind = 'challtestsrv';
  private readonly base: string;

  constructor(
    readonly name: string,
    options: ChalltestsrvOptions,
  ) {
    if (!Value.Check(optionsSchema, options)) {
      throw new CertflowError(ErrorCodes.CONFIG_INVALID, `invalid options for DNS provider ${name}`, { context: { dnsProvider: name } });
    }
    this.base = options.managementUrl.replace(/\/+$/, '');
  }

  async publish(records: readonly TxtRecord[]): Promise<DnsChange> {
    // set-txt appends a value; clearing first makes a repeated publish an UPSERT of the whole set.
    const byName = groupByName(records);
    for (const [name, values] of byName) {
      await this.post('/clear-txt', { host: `${name}.` });
      for (const value of values) await this.post('/set-txt', { host: `${name}.`, value });
    }
    return { provider: this.name, ids: [] };
  }

  isPropagated(_change: DnsChange): Promise<boolean> {
    return Promise.resolve(true);
  }

  async remove(records: readonly TxtRecord[]): Promise<void> {
    for (const name of groupByName(records).keys()) await this.post('/clear-txt', { host: `${name}.` });
  }

  private async post(path: string, body: Record<string, string>): Promise<void> {
    let status: number;
    try {
      const response = await fetch(`${this.base}${path}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
      status = response.status;
      await response.arrayBuffer();
    } catch (cause) {
      throw new CertflowError(ErrorCodes.DNS_UNAVAILABLE, `challtestsrv ${this.name} is unreachable`, { retryable: true, cause, context: { dnsProvider: this.name } });
    }
    if (status !== 200) {
      throw new CertflowError(ErrorCodes.DNS_UNAVAILABLE, `challtestsrv ${this.name} answered HTTP ${status.toString()} on ${path}`, {
        retryable: true,
        context: { dnsProvider: this.name },
      });
    }
  }
}

export function groupByName(records: readonly TxtRecord[]): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const r of records) {
    const name = r.name.toLowerCase().replace(/\.$/, '');
    const values = byName.get(name) ?? [];
    if (!values.includes(r.value)) values.push(r.value);
    byName.set(name, values);
  }
  return byName;
}
