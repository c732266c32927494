/**
 * Where DNS-01 challenge records are published. One call publishes every TXT record of one ACME
 * order in one change (Route 53: one change batch per hosted zone), so one propagation check covers
 * them all.
 *
 * Semantics:
 * - `publish` is idempotent: publishing the same records again is an UPSERT, never a duplicate.
 *   Several values for one name (a wildcard and its base name) are one record set.
 * - Propagation is never waited for inside a call: `publish` returns a `DnsChange` the caller
 *   persists and later hands to `isPropagated`; `false` means "ask again later" (the issuer answers
 *   `pending` with a `resumeAfter`), not an error.
 * - `remove` is idempotent: removing records that are already gone succeeds.
 * - Failures are `CertflowError`s: `DNS.UNAVAILABLE` (retryable: throttling, network) or
 *   `DNS.ZONE_NOT_FOUND` / `DNS.REJECTED` (terminal: configuration).
 */
export interface DnsProvider {
  readonly kind: string;
  readonly name: string;
  publish(records: readonly TxtRecord[]): Promise<DnsChange>;
  isPropagated(change: DnsChange): Promise<boolean>;
  remove(records: readonly TxtRecord[]): Promise<void>;
}

/** A TXT value to serve at `name` (a fully qualified name without the trailing dot, e.g. `_acme-challenge.example.com`). */
export interface TxtRecord {
  readonly name: string;
  readonly value: string;
}

/** What a caller keeps to ask about propagation later: plain JSON, persisted in the issuer handle. */
export interface DnsChange {
  readonly provider: string;
  /** Provider change ids (Route 53: one per hosted zone touched); empty when there is nothing to wait for. */
  readonly ids: readonly string[];
}

/** Looks DNS providers up by the name configuration gives them. */
export interface DnsProviderDirectory {
  get(name: string): DnsProvider;
}
