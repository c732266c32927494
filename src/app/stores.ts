import type { CertificateRequest } from '../domain/request.js';
import type { StateStore, StoredItem } from '../ports/state-store.port.js';
import { CERT_PREFIX, REQUEST_PREFIX, keys, type CertificateRecord, type RevisionRecord } from './records.js';

const PAGE = 500;
/** Bounds a listing: 1,000 pages of 500 is far past any inventory certflow is meant for. */
const MAX_PAGES = 1_000;

/**
 * The inventory, named for the domain: certificates (managed and discovered) with their revisions.
 * The single table's key layout stays in records.ts; callers never spell `CERT#`.
 */
export class Inventory {
  constructor(private readonly state: StateStore) {}

  get(certificateId: string): Promise<StoredItem<CertificateRecord> | undefined> {
    return this.state.get<CertificateRecord>(keys.certificate(certificateId));
  }

  /** Every certificate id, in order, page by page. */
  async *ids(): AsyncGenerator<string> {
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const pks = await this.state.listPartitions(CERT_PREFIX, { limit: PAGE, ...(after ? { after } : {}) });
      for (const pk of pks) yield pk.slice(CERT_PREFIX.length);
      if (pks.length < PAGE) return;
      after = pks[pks.length - 1];
    }
  }

  /** Every certificate record, in id order. */
  async *records(): AsyncGenerator<CertificateRecord> {
    for await (const id of this.ids()) {
      const item = await this.get(id);
      if (item) yield item.data;
    }
  }

  async revisions(certificateId: string): Promise<RevisionRecord[]> {
    return (await this.state.query<RevisionRecord>(keys.certificate(certificateId).pk, { skPrefix: 'REV#' })).map((i) => i.data);
  }
}

/** Certificate requests, named for the domain; see {@link Inventory}. */
export class Requests {
  constructor(private readonly state: StateStore) {}

  get(requestId: string): Promise<StoredItem<CertificateRequest> | undefined> {
    return this.state.get<CertificateRequest>(keys.request(requestId));
  }

  /** Requests whose due time has come (to work, resume, retry or expire), earliest first. */
  due(until: Date, limit: number): Promise<StoredItem<CertificateRequest>[]> {
    return this.state.queryDue<CertificateRequest>(until, { pkPrefix: REQUEST_PREFIX, limit });
  }

  /** Every request, in id order. */
  async *all(): AsyncGenerator<CertificateRequest> {
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const pks = await this.state.listPartitions(REQUEST_PREFIX, { limit: PAGE, ...(after ? { after } : {}) });
      for (const pk of pks) {
        const item = await this.get(pk.slice(REQUEST_PREFIX.length));
        if (item) yield item.data;
      }
      if (pks.length < PAGE) return;
      after = pks[pks.length - 1];
    }
  }
}
