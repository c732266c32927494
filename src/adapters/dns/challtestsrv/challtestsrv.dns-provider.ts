import { Value } from '@sinclair/typebox/value';
import { CertflowError, ErrorCodes } from '../../../domain/errors/index.js';
import type { DnsChange, DnsProvider, TxtRecord } from '../../../ports/dns-provider.port.js';
import { optionsSchema, type ChalltestsrvOptions } from './challtestsrv.options.js';

const TIMEOUT_MS = 5_000;

/**
 * DNS-01 through pebble-challtestsrv's management API (`/set-txt` appends a value, `/clear-txt`
 * drops every value of a name). It serves a record as soon as it is set, so a change has always
 * propagated. Two orders may validate the same name at once, each with its own value: this
 * process keeps the values it published per name and clears a name only when no order of its
 * own still needs it (challtestsrv cannot delete one value). Test and demo use only.
 */
export class ChalltestsrvDnsProvider implements DnsProvider {
  readonly kind = 'challtestsrv';
  private readonly base: string;
  private readonly published = new Map<string, Set<string>>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly name: string,
    options: ChalltestsrvOptions,
  ) {
    if (!Value.Check(optionsSchema, options)) {
      throw new CertflowError(ErrorCodes.CONFIG_INVALID, `invalid options for DNS provider ${name}`, { context: { dnsProvider: name } });
    }
    this.base = options.managementUrl.replace(/\/+$/, '');
  }

  publish(records: readonly TxtRecord[]): Promise<DnsChange> {
    return this.serialized(async () => {
      for (const [name, values] of groupByName(records)) {
        const held = this.published.get(name) ?? new Set<string>();
        this.published.set(name, held);
        for (const value of values) {
          if (held.has(value)) continue;
          await this.post('/set-txt', { host: `${name}.`, value });
          held.add(value);
        }
      }
      return { provider: this.name, ids: [] };
    });
  }

  isPropagated(_change: DnsChange): Promise<boolean> {
    return Promise.resolve(true);
  }

  remove(records: readonly TxtRecord[]): Promise<void> {
    return this.serialized(async () => {
      for (const [name, values] of groupByName(records)) {
        const held = this.published.get(name) ?? new Set<string>();
        for (const value of values) held.delete(value);
        // Values of other orders still wait for validation: keep the name as it is (clearing and
        // re-adding would leave a moment with no record); the last one out clears it.
        if (held.size > 0) continue;
        await this.post('/clear-txt', { host: `${name}.` });
        this.published.delete(name);
      }
    });
  }

  /** One change at a time: a removal re-adding others' values must not interleave with a publish. */
  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
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
