/**
 * Example downstream consumer: reloads a service's TLS certificate when certflow publishes
 * `Certificate Rotated`. Deliveries are at least once and may arrive out of order, so the reload
 * is keyed on (certificateId, revision): a duplicate of the applied revision, or a late delivery
 * of an older one, is acknowledged without reloading. It validates against the published
 * contract (`schemas/certificate-rotated.json`), exactly as a service outside this repo would.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';

/** The fields of a `Certificate Rotated` detail this consumer uses. */
export interface RotatedDetail {
  readonly certificateId: string;
  readonly revision: number;
  readonly secretName: string;
  readonly secretVersionId: string;
  readonly fingerprintSha256: string;
}

/** Where the consumer remembers the highest revision it applied, per certificate (a file, a table…). */
export interface AppliedRevisions {
  get(certificateId: string): Promise<number | undefined>;
  /** Stores `revision` only if it is higher than the stored one; false when it is not. */
  advance(certificateId: string, revision: number): Promise<boolean>;
}

/** In-memory store, enough for one process; a fleet shares one in a database with a conditional write. */
export class InMemoryAppliedRevisions implements AppliedRevisions {
  private readonly applied = new Map<string, number>();

  async get(certificateId: string): Promise<number | undefined> {
    return this.applied.get(certificateId);
  }

  async advance(certificateId: string, revision: number): Promise<boolean> {
    if ((this.applied.get(certificateId) ?? 0) >= revision) return false;
    this.applied.set(certificateId, revision);
    return true;
  }
}

export type ReloadOutcome =
  | { readonly status: 'reloaded' | 'duplicate' | 'stale'; readonly certificateId: string; readonly revision: number }
  | { readonly status: 'ignored'; readonly reason: string };

const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin);
const ajv = new Ajv2020({ allErrors: true });
addFormats(ajv, ['date-time']);
const schema = JSON.parse(readFileSync(new URL('../../schemas/certificate-rotated.json', import.meta.url), 'utf8')) as object;
const isRotatedDetail = ajv.compile<RotatedDetail>(schema);

/**
 * Builds the handler. `reload` fetches `secretName` at `secretVersionId` and swaps the certificate
 * in; if it throws, nothing is recorded and the redelivered event tries again.
 */
export function createRotationHandler(deps: {
  readonly applied: AppliedRevisions;
  readonly reload: (detail: RotatedDetail) => Promise<void>;
}): (event: unknown) => Promise<ReloadOutcome> {
  return async (event) => {
    const envelope = event as { source?: unknown; 'detail-type'?: unknown; detail?: unknown } | null;
    if (envelope?.source !== 'certflow' || envelope['detail-type'] !== 'Certificate Rotated') {
      return { status: 'ignored', reason: 'not a certflow Certificate Rotated event' };
    }
    if (!isRotatedDetail(envelope.detail)) {
      return { status: 'ignored', reason: ajv.errorsText(isRotatedDetail.errors) };
    }
    const { certificateId, revision } = envelope.detail;
    const applied = await deps.applied.get(certificateId);
    if (applied !== undefined && revision <= applied) {
      return { status: revision === applied ? 'duplicate' : 'stale', certificateId, revision };
    }
    await deps.reload(envelope.detail);
    // Two concurrent deliveries of one revision may both reload; reloading is idempotent, so that is harmless.
    await deps.applied.advance(certificateId, revision);
    return { status: 'reloaded', certificateId, revision };
  };
}
