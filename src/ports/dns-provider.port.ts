/**
 * Publishes DNS records an issuer needs proven (ACME DNS-01 TXT records). Waiting is the caller's:
 * `publish` returns a change to ask about later, never sleeps; every call is idempotent.
 */
export interface DnsRecord {
  /** Fully qualified, e.g. `_acme-challenge.api.example.com`. */
  readonly name: string;
  readonly value: string;
}

export interface DnsChange {
  readonly id: string;
}

export interface DnsProvider {
  readonly kind: string;
  readonly name: string;
  /** Publishes every record of one order in one change. */
  publish(records: readonly DnsRecord[]): Promise<DnsChange>;
  /** True once the change is visible to the validating party. */
  isPropagated(change: DnsChange): Promise<boolean>;
  /** Removes the records; removing absent ones is fine. */
  remove(records: readonly DnsRecord[]): Promise<void>;
}
