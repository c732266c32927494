import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../../src/adapters/local/sqlite.state-store.js';
import { ACM_SIGNAL_ATTEMPTS, ACM_SIGNAL_MAX_SKEW_MS, recordAcmSignal, type AcmSignalObservation } from '../../../src/app/record-acm-signal.use-case.js';
import { keys, type CertificateRecord } from '../../../src/app/records.js';
import { discoveredCertificateId } from '../../../src/domain/certificate.js';
import type { CertflowError } from '../../../src/domain/errors/index.js';
import type { StateStore } from '../../../src/ports/state-store.port.js';
import { T0 } from '../../support/builders.js';

const ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/61f50cd4-45b9-4259-b049-d0a53682fa4b';
const ID = discoveredCertificateId('acm', ARN);
/** After every signal below: ACM's events report the past. */
const NOW = new Date('2026-12-31T00:00:00Z');
const clock = { now: () => NOW };

function anObservation(overrides: Partial<AcmSignalObservation> = {}): AcmSignalObservation {
  return {
    kind: 'ACM Certificate Approaching Expiration',
    locator: ARN,
    account: '123456789012',
    region: 'eu-west-1',
    observedAt: '2026-11-01T06:00:00Z',
    daysToExpiry: 31,
    ...overrides,
  };
}

let state: SqliteStateStore;
const stored = () => state.get<CertificateRecord>(keys.certificate(ID));

/** The store with its `write` replaced, to stage a concurrent writer. */
function withWrite(inner: StateStore, write: StateStore['write']): StateStore {
  return { get: inner.get.bind(inner), write, query: inner.query.bind(inner), queryDue: inner.queryDue.bind(inner), listPartitions: inner.listPartitions.bind(inner) };
}

beforeEach(() => {
  state = SqliteStateStore.open(':memory:');
});

afterEach(async () => {
  await state.close();
});

describe('recordAcmSignal', () => {
  it('creates an ACM inventory item without facts when the certificate is new', async () => {
    // Prepare
    const record = recordAcmSignal({ state, clock });
    // Act
    const outcome = await record(anObservation());
    // Assess
    expect(outcome).toEqual({ certificateId: ID, outcome: 'created' });
    const item = await stored();
    expect(item?.version).toBe(1);
    expect(item?.data).toEqual({
      id: ID,
      origin: 'acm',
      locator: ARN,
      revision: 0,
      firstSeenAt: NOW,
      lastSeenAt: NOW,
      acmSignal: {
        kind: 'ACM Certificate Approaching Expiration',
        daysToExpiry: 31,
        observedAt: new Date('2026-11-01T06:00:00Z'),
        receivedAt: NOW,
        account: '123456789012',
        region: 'eu-west-1',
      },
    });
    expect(item?.data.current).toBeUndefined();
  });

  it('changes nothing when the same signal arrives twice', async () => {
    // Prepare
    const record = recordAcmSignal({ state, clock });
    await record(anObservation());
    // Act
    const outcome = await record(anObservation());
    // Assess
    expect(outcome.outcome).toBe('unchanged');
    expect((await stored())?.version).toBe(1);
  });

  it('replaces the signal with a newer one and keeps the rest of the item', async () => {
    // Prepare: discovery already knows the certificate and planned it
    const dueAt = new Date('2026-11-20T00:00:00Z');
    const facts = { serialNumber: '0A0B', fingerprintSha256: 'AB:CD' } as unknown as CertificateRecord['current'];
    const known: CertificateRecord = { id: ID, origin: 'acm', locator: ARN, revision: 0, firstSeenAt: T0, lastSeenAt: T0, current: facts!, owner: 'team-web' };
    await state.write({ key: keys.certificate(ID), condition: { kind: 'absent' }, data: known, dueAt });
    const record = recordAcmSignal({ state, clock });
    await record(anObservation());
    // Act
    const outcome = await record(anObservation({ kind: 'ACM Certificate Expired', observedAt: '2026-12-01T06:00:00Z', daysToExpiry: 0, expired: true }));
    // Assess
    expect(outcome.outcome).toBe('updated');
    const item = await stored();
    expect(item?.data.acmSignal).toMatchObject({ kind: 'ACM Certificate Expired', expired: true, daysToExpiry: 0 });
    expect(item?.data.current).toEqual(facts);
    expect(item?.data.owner).toBe('team-web');
    expect(item?.dueAt).toEqual(dueAt);
  });

  it('never lets an older signal overwrite a newer one delivered first', async () => {
    // Prepare
    const record = recordAcmSignal({ state, clock });
    await record(anObservation({ kind: 'ACM Certificate Available', observedAt: '2026-11-02T00:00:00Z', expired: false }));
    // Act
    const outcome = await record(anObservation({ observedAt: '2026-11-01T00:00:00Z' }));
    // Assess
    expect(outcome.outcome).toBe('unchanged');
    expect((await stored())?.data.acmSignal?.kind).toBe('ACM Certificate Available');
  });

  it('converges on the same signal whatever the order of two signals with the same time', async () => {
    // Prepare
    const a = anObservation({ kind: 'ACM Certificate Available', expired: false });
    const b = anObservation({ kind: 'ACM Certificate Renewal Action Required' });
    const other = SqliteStateStore.open(':memory:');
    // Act
    await recordAcmSignal({ state, clock })(a);
    await recordAcmSignal({ state, clock })(b);
    await recordAcmSignal({ state: other, clock })(b);
    await recordAcmSignal({ state: other, clock })(a);
    // Assess
    const first = (await stored())?.data.acmSignal;
    const second = (await other.get<CertificateRecord>(keys.certificate(ID)))?.data.acmSignal;
    await other.close();
    expect(first).toEqual(second);
  });

  it('retries its compare-and-set when another writer changes the item in between', async () => {
    // Prepare: a concurrent writer bumps the item just before our first compare-and-set
    await recordAcmSignal({ state, clock })(anObservation());
    let interfered = false;
    const racing = withWrite(state, async (write) => {
      if (!interfered && write.condition.kind === 'version') {
        interfered = true;
        const current = (await stored())!;
        await state.write({ key: keys.certificate(ID), condition: { kind: 'version', version: current.version }, data: { ...current.data, owner: 'team-web' } });
      }
      return state.write(write);
    });
    // Act
    const outcome = await recordAcmSignal({ state: racing, clock })(anObservation({ observedAt: '2026-11-05T00:00:00Z', daysToExpiry: 27 }));
    // Assess
    expect(outcome.outcome).toBe('updated');
    const item = await stored();
    expect(item?.version).toBe(3);
    expect(item?.data.owner).toBe('team-web');
    expect(item?.data.acmSignal?.daysToExpiry).toBe(27);
  });

  it('gives up with a retryable STATE.CONFLICT after a bounded number of lost races', async () => {
    // Prepare: every compare-and-set loses to a writer that keeps moving the item on
    await recordAcmSignal({ state, clock })(anObservation());
    let attempts = 0;
    const busy = withWrite(state, async (write) => {
      attempts++;
      const current = (await stored())!;
      await state.write({ key: keys.certificate(ID), condition: { kind: 'version', version: current.version }, data: current.data });
      return state.write(write);
    });
    // Act
    const error = (await recordAcmSignal({ state: busy, clock })(anObservation({ observedAt: '2026-11-05T00:00:00Z' })).catch((e: unknown) => e)) as CertflowError;
    // Assess
    expect({ code: error.code, retryable: error.retryable, context: error.context }).toMatchObject({ code: 'STATE.CONFLICT', retryable: true, context: { certificateId: ID } });
    expect(attempts).toBe(ACM_SIGNAL_ATTEMPTS);
  });

  it('lets a genuine later Expired replace a signal dated in the year 9999', async () => {
    // Prepare: a signal claiming a far-future time is recorded first (the defect made it outrank everything)
    let now = new Date('2026-11-01T00:00:00Z');
    const moving = { now: () => now };
    const record = recordAcmSignal({ state, clock: moving });
    await record(anObservation({ kind: 'ACM Certificate Renewal Action Required', observedAt: '9999-12-31T23:59:59Z' }));
    now = new Date('2026-11-02T00:00:00Z');
    // Act
    const outcome = await record(anObservation({ kind: 'ACM Certificate Expired', observedAt: '2026-11-01T23:59:00Z', daysToExpiry: 0, expired: true }));
    // Assess
    expect(outcome.outcome).toBe('updated');
    const signal = (await stored())?.data.acmSignal;
    expect(signal).toMatchObject({ kind: 'ACM Certificate Expired', expired: true });
  });

  it('caps a future-dated signal at its arrival and keeps the claimed time apart', async () => {
    // Prepare
    const arrival = new Date('2026-11-01T00:00:00Z');
    const record = recordAcmSignal({ state, clock: { now: () => arrival } });
    // Act
    await record(anObservation({ observedAt: '9999-12-31T23:59:59Z' }));
    // Assess
    const signal = (await stored())?.data.acmSignal;
    expect(signal?.observedAt).toEqual(new Date(arrival.getTime() + ACM_SIGNAL_MAX_SKEW_MS));
    expect(signal?.claimedAt).toEqual(new Date('9999-12-31T23:59:59Z'));
  });

  it('lets a genuine later signal replace a future-dated one stored before the cap existed', async () => {
    // Prepare: an item written by the old code, with an uncapped 9999 signal and no receivedAt
    const legacy: CertificateRecord = {
      id: ID, origin: 'acm', locator: ARN, revision: 0, firstSeenAt: T0, lastSeenAt: T0,
      acmSignal: { kind: 'ACM Certificate Approaching Expiration', daysToExpiry: 3, observedAt: new Date('9999-01-01T00:00:00Z'), account: '123456789012', region: 'eu-west-1' },
    };
    await state.write({ key: keys.certificate(ID), condition: { kind: 'absent' }, data: legacy });
    // Act
    const outcome = await recordAcmSignal({ state, clock })(anObservation({ kind: 'ACM Certificate Expired', observedAt: '2026-11-20T00:00:00Z', daysToExpiry: 0, expired: true }));
    // Assess
    expect(outcome.outcome).toBe('updated');
    expect((await stored())?.data.acmSignal?.kind).toBe('ACM Certificate Expired');
  });
});
