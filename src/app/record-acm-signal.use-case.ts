import { discoveredCertificateId } from '../domain/certificate.js';
import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import type { StoredItem } from '../ports/state-store.port.js';
import type { AppDeps } from './deps.js';
import { keys, type CertificateRecord } from './records.js';

/** The signal as kept on the inventory item. */
export type AcmSignal = NonNullable<CertificateRecord['acmSignal']>;

/**
 * What this use case reads of an ACM event. The ACM adapter's `AcmObservation` fits it; the shape
 * is restated here because use cases may not import adapters.
 */
export interface AcmSignalObservation {
  readonly kind: string;
  /** The certificate ARN. */
  readonly locator: string;
  readonly account: string;
  readonly region: string;
  /** ISO 8601 time of the event. */
  readonly observedAt: string;
  readonly daysToExpiry?: number;
  readonly expired?: boolean;
}

/** What one call did: `unchanged` for a duplicate or a signal older than the stored one. */
export interface AcmSignalOutcome {
  readonly certificateId: string;
  readonly outcome: 'created' | 'updated' | 'unchanged';
}

/** Compare-and-set tries before giving up with a retryable STATE.CONFLICT (the event is then redelivered). */
export const ACM_SIGNAL_ATTEMPTS = 5;

/**
 * Folds an ACM signal into the inventory item of the certificate it names, creating the item when
 * the certificate was never seen (facts come later, from ACM discovery). Idempotent and
 * order-independent: signals are ordered by (observedAt, kind), so a duplicate changes nothing and
 * an older signal, delivered late, never overwrites a newer one.
 */
export function recordAcmSignal(deps: Pick<AppDeps, 'state' | 'clock'>) {
  return async (observation: AcmSignalObservation): Promise<AcmSignalOutcome> => {
    const certificateId = discoveredCertificateId('acm', observation.locator);
    const key = keys.certificate(certificateId);
    const signal = toSignal(observation, deps.clock.now());
    let stored = await deps.state.get<CertificateRecord>(key);
    for (let attempt = 0; attempt < ACM_SIGNAL_ATTEMPTS; attempt++) {
      if (stored === undefined) {
        const now = deps.clock.now();
        const record: CertificateRecord = {
          id: certificateId,
          origin: 'acm',
          locator: observation.locator,
          revision: 0,
          firstSeenAt: now,
          lastSeenAt: now,
          acmSignal: signal,
        };
        const created = await deps.state.write({ key, condition: { kind: 'absent' }, data: record });
        if (created.ok) return { certificateId, outcome: 'created' };
        stored = created.current;
        continue;
      }
      if (!isNewer(signal, stored.data.acmSignal, stored.data.lastSeenAt)) return { certificateId, outcome: 'unchanged' };
      const updated = await deps.state.write(casOver(stored, { ...stored.data, acmSignal: signal }));
      if (updated.ok) return { certificateId, outcome: 'updated' };
      // Lost the race: `current` is what won; judge the signal against it on the next turn.
      stored = updated.current;
    }
    throw new CertflowError(ErrorCodes.STATE_CONFLICT, `${key.pk} kept changing while an ACM signal was recorded`, {
      retryable: true,
      context: { certificateId, certificateArn: observation.locator },
    });
  };
}

/** How far ahead of certflow's clock an event's time may be (clock skew between AWS and us). */
export const ACM_SIGNAL_MAX_SKEW_MS = 5 * 60_000;

function toSignal(o: AcmSignalObservation, now: Date): AcmSignal {
  const claimed = new Date(o.observedAt);
  const latest = now.getTime() + ACM_SIGNAL_MAX_SKEW_MS;
  // A time in the future (a bad clock, a forged or replayed event) would outrank every genuine
  // signal until that date: it counts as received now.
  const future = !(claimed.getTime() <= latest);
  return {
    kind: o.kind,
    ...(o.daysToExpiry === undefined ? {} : { daysToExpiry: o.daysToExpiry }),
    ...(o.expired === undefined ? {} : { expired: o.expired }),
    observedAt: future ? new Date(latest) : claimed,
    ...(future && !Number.isNaN(claimed.getTime()) ? { claimedAt: claimed } : {}),
    receivedAt: now,
    account: o.account,
    region: o.region,
  };
}

/**
 * A total order, so two signals with the same time still converge whatever their arrival order.
 * A stored signal written before times were capped (no `receivedAt`) is capped here, at the item's
 * last sighting.
 */
function isNewer(candidate: AcmSignal, current: AcmSignal | undefined, storedAt: Date): boolean {
  if (current === undefined) return true;
  const stored = new Date(current.observedAt).getTime();
  const currentTime = current.receivedAt === undefined ? Math.min(stored, new Date(storedAt).getTime() + ACM_SIGNAL_MAX_SKEW_MS) : stored;
  const byTime = candidate.observedAt.getTime() - currentTime;
  if (byTime !== 0) return byTime > 0;
  return candidate.kind > current.kind;
}

/** A compare-and-set that keeps the item's due time and expiry: a write that omits them clears them. */
function casOver(stored: StoredItem<CertificateRecord>, data: CertificateRecord) {
  return {
    key: { pk: stored.pk, sk: stored.sk },
    condition: { kind: 'version' as const, version: stored.version },
    data,
    ...(stored.dueAt ? { dueAt: stored.dueAt } : {}),
    ...(stored.expiresAt ? { expiresAt: stored.expiresAt } : {}),
  };
}
