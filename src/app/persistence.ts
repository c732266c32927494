import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import type { ItemKey, OutboxEvent, StateStore, StoredItem } from '../ports/state-store.port.js';
import type { LifecycleEvent } from '../domain/events/catalogue.js';

export interface SaveOptions {
  readonly dueAt?: Date;
  readonly events?: readonly LifecycleEvent[];
}

export function toOutbox(events: readonly LifecycleEvent[] | undefined): OutboxEvent[] {
  return (events ?? []).map((e) => ({ id: e.id, detailType: e.detailType, detail: e.detail as Record<string, unknown> }));
}

/**
 * Compare-and-set that treats a lost race as retryable: another worker moved the item on,
 * so this one stops and the next run starts again from what is stored.
 */
export async function saveOver<T>(state: StateStore, item: StoredItem<T>, data: T, options: SaveOptions = {}): Promise<StoredItem<T>> {
  const result = await state.write({
    key: item,
    condition: { kind: 'version', version: item.version },
    data,
    ...(options.dueAt ? { dueAt: options.dueAt } : {}),
    events: toOutbox(options.events),
  });
  if (!result.ok) {
    throw new CertflowError(ErrorCodes.STATE_CONFLICT, `${item.pk} changed while it was being updated`, {
      retryable: true,
      context: { pk: item.pk, sk: item.sk },
    });
  }
  return result.item;
}

/** Put-if-absent; returns the stored item and whether this call created it. */
export async function createOnce<T>(
  state: StateStore,
  key: ItemKey,
  data: T,
  options: SaveOptions = {},
): Promise<{ item: StoredItem<T>; created: boolean }> {
  const result = await state.write({
    key,
    condition: { kind: 'absent' },
    data,
    ...(options.dueAt ? { dueAt: options.dueAt } : {}),
    events: toOutbox(options.events),
  });
  if (result.ok) return { item: result.item, created: true };
  if (!result.current) {
    throw new CertflowError(ErrorCodes.STATE_CONFLICT, `${key.pk} exists but could not be read`, { retryable: true, context: { pk: key.pk } });
  }
  return { item: result.current, created: false };
}
