import { expireOverdueApprovals, type ExpiryReport } from '../src/app/expire-approvals.use-case.js';
import { awsClientFactory, awsSettings, buildStateStore } from '../src/composition/aws-runtime.js';
import { systemClock } from '../src/ports/clock.port.js';
import { recordInState } from './lib/dead-letters.js';
import { lambdaHandler, metrics, METRICS, MetricUnit } from './lib/lambda.js';

// Cold start: only the table; expiring an approval needs no configuration and no other client.
const state = buildStateStore(awsSettings(process.env, ['tableName']), awsClientFactory());
const expire = expireOverdueApprovals({ state, clock: systemClock });

/** Scheduled: expires approvals nobody decided before their deadline (`Approval Expired`, once each). */
export const handler = lambdaHandler<ExpiryReport>({
  fn: 'expireApprovals',
  recordTerminal: recordInState(state, () => systemClock.now()),
  summarize: (r) => ({ expired: r.expired.length, raced: r.raced }),
}).handler(async () => {
  const report = await expire();
  metrics.addMetric(METRICS.approvalsExpired, MetricUnit.Count, report.expired.length);
  return report;
});
