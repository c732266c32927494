import { Type } from '@sinclair/typebox';
import type { AdapterDescriptor } from '../registry/descriptor.js';
import type { Notification, Notifier } from '../../ports/notifier.port.js';

const optionsSchema = Type.Object(
  { minSeverity: Type.Optional(Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')])) },
  { additionalProperties: false },
);

const RANK = { info: 0, warning: 1, critical: 2 } as const;

/**
 * One JSON line per notification on stdout: in Lambda it lands in CloudWatch Logs, where a metric
 * filter or subscription can pick it up. Notifications carry no key material by construction.
 */
export const logNotifier = {
  kind: 'log',
  summary: 'JSON lines on standard output (CloudWatch Logs in Lambda)',
  runtimes: ['local', 'aws'],
  optionsSchema,
  create(_deps, { name, options }) {
    const min = RANK[options.minSeverity ?? 'info'];
    return Promise.resolve({
      notify(n: Notification) {
        if (RANK[n.severity] >= min) process.stdout.write(`${JSON.stringify({ notifier: name, ...n })}\n`);
        return Promise.resolve();
      },
    });
  },
} as const satisfies AdapterDescriptor<Notifier, typeof optionsSchema>;
