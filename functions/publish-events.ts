import { publishPendingEvents, type PublishReport } from '../src/app/publish-events.use-case.js';
import { awsClientFactory, awsSettings, buildEventBus, buildStateStore } from '../src/composition/aws-runtime.js';
import { CertflowError, ErrorCodes } from '../src/domain/errors/index.js';
import { systemClock } from '../src/ports/clock.port.js';
import { recordInState } from './lib/dead-letters.js';
import { countByCode, lambdaHandler, metrics, METRICS, MetricUnit } from './lib/lambda.js';

// Cold start: settings, clients and the use case are built once and reused by every invocation.
const settings = awsSettings(process.env, ['tableName', 'eventBusName']);
const clients = awsClientFactory();
const state = buildStateStore(settings, clients);
const drain = publishPendingEvents({ state, outbox: state, bus: buildEventBus(settings, clients), clock: systemClock });

/**
 * Scheduled every minute, with reserved concurrency 1 so one drainer runs at a time. Drains the
 * outbox to the certflow bus. Events the bus refuses stay in the outbox, and the invocation FAILS
 * (after its metrics are flushed): a bus outage (AccessDenied, throttling) raises the errors alarm
 * and moves `EventsFailed` and `OutboxAgeSeconds`, instead of reporting success while events pile up.
 */
export const handler = lambdaHandler<PublishReport>({
  fn: 'publishEvents',
  recordTerminal: recordInState(state, () => systemClock.now()),
  summarize: (report) => ({
    published: report.published,
    failed: report.failed.length,
    deadLettered: report.deadLettered.length,
    maxCommitToBusMs: report.maxCommitToBusMs,
    oldestPendingAgeMs: report.oldestPendingAgeMs,
    failedCodes: [...new Set([...report.failed, ...report.deadLettered].map((f) => f.code))],
  }),
}).handler(async () => {
  const report = await drain();
  metrics.addMetric(METRICS.published, MetricUnit.Count, report.published);
  metrics.addMetric(METRICS.deadLettered, MetricUnit.Count, report.deadLettered.length);
  metrics.addMetric(METRICS.outboxAge, MetricUnit.Seconds, Math.round(report.oldestPendingAgeMs / 1000));
  if (report.published > 0) metrics.addMetric(METRICS.commitToBus, MetricUnit.Seconds, report.maxCommitToBusMs / 1000);
  if (report.failed.length === 0) metrics.addMetric(METRICS.publishFailed, MetricUnit.Count, 0);
  for (const f of report.failed) countByCode(METRICS.publishFailed, f.code);
  if (report.failed.length > 0) {
    const codes = [...new Set(report.failed.map((f) => f.code))];
    throw new CertflowError(ErrorCodes.EVENT_PUBLISH_FAILED, `the bus refused ${report.failed.length.toString()} event(s) (${codes.join(', ')}); they stay in the outbox`, {
      retryable: true,
      context: { codes },
    });
  }
  return report;
});
