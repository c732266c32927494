import middy from '@middy/core';
import { publishPendingEvents, type PublishReport } from '../src/app/publish-events.use-case.js';
import { buildEventBus, buildStateStore, invocationLog, loadSettings, systemClock } from './lib/aws-deps.js';

// Cold start: settings, clients and the use case are built once and reused by every invocation.
const settings = loadSettings(process.env, ['tableName', 'eventBusName']);
const state = buildStateStore(settings);
const drain = publishPendingEvents({ state, outbox: state, bus: buildEventBus(settings), clock: systemClock });

/**
 * Scheduled every minute, with reserved concurrency 1 so one drainer runs at a time. Drains the
 * outbox to the certflow bus and returns the report. Events the bus refuses stay in the outbox
 * for the next run; errors (a throttled table, a bus outage) are rethrown so they are counted,
 * alarmed on and kept in the DLQ. Nothing is lost either way: the outbox still holds the events.
 */
export const handler = middy()
  .use(
    invocationLog<PublishReport>({
      fn: 'publishEvents',
      summarize: (report) => ({
        published: report.published,
        failed: report.failed.length,
        deadLettered: report.deadLettered.length,
        failedCodes: [...new Set([...report.failed, ...report.deadLettered].map((f) => f.code))],
      }),
    }),
  )
  .handler(() => drain());
