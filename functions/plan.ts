import { planCycle, type PlanCycleReport } from '../src/app/plan-cycle.use-case.js';
import { systemClock } from '../src/ports/clock.port.js';
import { configuredRuntime } from './lib/cold-start.js';
import { recordInState } from './lib/dead-letters.js';
import { lambdaHandler, metrics, METRICS, MetricUnit } from './lib/lambda.js';

// Cold start: configuration (SSM or S3), clients and adapters, once per execution environment.
const { config, deps } = await configuredRuntime(process.env, 'plan');
// Exactly what planning uses: the key store is a stand-in here (families.json), and renewal advice
// reads the public certificate from its revision record, never through the key store.
const run = planCycle({
  state: deps.state,
  sources: deps.sources,
  issuers: deps.issuers,
  clock: deps.clock,
  policy: deps.policy,
  alertThresholdsDays: deps.alertThresholdsDays,
  queue: deps.queue,
});

/**
 * Scheduled (rate set per stage): discovers the configured sources, plans renewals (policy
 * approves or asks people at once), raises expiry alerts, and queues every due request for the
 * issuance workers. Issues nothing itself, so a slow CA never delays planning.
 */
export const handler = lambdaHandler<PlanCycleReport>({
  fn: 'plan',
  recordTerminal: recordInState(deps.state, () => systemClock.now()),
  summarize: (r) => ({
    scopes: r.discovery.length,
    scopesFailed: r.discovery.filter((s) => !s.ok).length,
    requested: r.plan.filter((p) => p.action === 'requested' && p.created).length,
    alerts: r.alerts.length,
    queued: r.queued,
  }),
}).handler(async () => {
  const report = await run(config.certificates);
  metrics.addMetric(METRICS.requestsQueued, MetricUnit.Count, report.queued);
  if (report.inventory.minDaysToExpiry !== undefined) metrics.addMetric(METRICS.minDaysToExpiry, MetricUnit.Count, report.inventory.minDaysToExpiry);
  return report;
});
