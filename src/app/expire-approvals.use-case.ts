import { expireIfOverdue } from '../domain/approval-policy.js';
import { ErrorCodes, isCertflowError } from '../domain/errors/index.js';
import type { AppDeps } from './deps.js';
import { decisionEvent } from './lifecycle-events.js';
import { saveOver } from './persistence.js';
import { Requests } from './stores.js';

const BATCH = 1000;

export interface ExpiryReport {
  readonly expired: readonly string[];
  /** Decided (or expired) by someone else between our read and our write. */
  readonly raced: number;
}

/** Expires every approval nobody decided before its deadline, with its `Approval Expired` event; once each. */
export function expireOverdueApprovals(deps: Pick<AppDeps, 'state' | 'clock'>) {
  const requests = new Requests(deps.state);
  return async (limit = BATCH): Promise<ExpiryReport> => {
    const now = deps.clock.now();
    const expired: string[] = [];
    let raced = 0;
    for (const item of await requests.due(now, limit)) {
      const next = expireIfOverdue(item.data, now);
      if (!next) continue;
      try {
        await saveOver(deps.state, item, next, { events: [decisionEvent(next)] });
        expired.push(next.id);
      } catch (error) {
        if (!isCertflowError(error) || error.code !== ErrorCodes.STATE_CONFLICT) throw error;
        raced++;
      }
    }
    return { expired, raced };
  };
}
