import { daysRemaining } from '../domain/renewal-policy.js';
import type { WorkQueue } from '../ports/work-queue.port.js';
import type { AppDeps } from './deps.js';
import { discoverCertificates, type ScopeReport } from './discover-certificates.use-case.js';
import { planRenewals, type ManagedCertificateInput, type PlanOutcome } from './plan-renewals.use-case.js';
import { alertExpiringCertificates, type AlertReport } from './alert-expiry.use-case.js';
import { sweepDueRequests } from './sweep-due-requests.use-case.js';
import { Inventory } from './stores.js';

export interface PlanCycleReport {
  readonly discovery: readonly ScopeReport[];
  readonly plan: readonly PlanOutcome[];
  readonly alerts: readonly AlertReport[];
  readonly queued: number;
  readonly inventory: InventoryHealth;
}

export interface InventoryHealth {
  readonly certificates: number;
  /** Fewest days left on any certificate in use (undefined when none has a certificate). */
  readonly minDaysToExpiry?: number;
  readonly expired: number;
}

/**
 * The scheduled planner in AWS: discover, plan renewals (policy decides at once what it can; a CA
 * offering renewal advice is asked with the public certificate, never through the key store),
 * raise expiry alerts, and queue whatever is due for the issuance workers. It issues nothing itself.
 */
export function planCycle(deps: Pick<AppDeps, 'state' | 'sources' | 'clock' | 'policy' | 'alertThresholdsDays' | 'issuers'> & { readonly queue: WorkQueue }) {
  const discover = discoverCertificates(deps);
  const plan = planRenewals(deps);
  const alert = alertExpiringCertificates(deps);
  const sweep = sweepDueRequests(deps);
  const health = inventoryHealth(deps);
  return async (managed: readonly ManagedCertificateInput[]): Promise<PlanCycleReport> => {
    const discovery = await discover();
    const planned = await plan(managed);
    const alerts = await alert();
    const { queued } = await sweep();
    return { discovery, plan: planned, alerts, queued, inventory: await health() };
  };
}

/** What the expiry metric and alarm watch: the certificate closest to its end. */
export function inventoryHealth(deps: Pick<AppDeps, 'state' | 'clock'>) {
  const inventory = new Inventory(deps.state);
  return async (): Promise<InventoryHealth> => {
    const now = deps.clock.now();
    let certificates = 0;
    let expired = 0;
    let min: number | undefined;
    for await (const record of inventory.records()) {
      certificates++;
      if (!record.current) continue;
      const left = daysRemaining(record.current.notAfter, now);
      if (left < 0) expired++;
      min = min === undefined ? left : Math.min(min, left);
    }
    return { certificates, expired, ...(min === undefined ? {} : { minDaysToExpiry: min }) };
  };
}
