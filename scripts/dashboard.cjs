// The CloudWatch dashboard of a stage, loaded by serverless.yml (`${file(./scripts/dashboard.cjs):body}`).
// Built here, not in YAML, so the widgets are data; the metric names are those functions/lib/lambda.ts emits.
/* global module */
'use strict';

const ns = 'certflow';
const dims = ['service', 'certflow', 'stage', '${Stage}'];
const metric = (name, stat, label) => [ns, name, ...dims, { stat, label: label || name }];
const lambda = (fn, name, stat) => ['AWS/Lambda', name, 'FunctionName', `certflow-\${Stage}-${fn}`, { stat, label: `${fn} ${name.toLowerCase()}` }];
const FUNCTIONS = ['plan', 'workRequests', 'expireApprovals', 'requestIntake', 'publishEvents', 'ingestAcmEvents'];

function widget(title, metrics, x, y, extra = {}) {
  return { type: 'metric', x, y, width: 12, height: 6, properties: { title, region: '${AWS::Region}', view: 'timeSeries', period: 300, metrics, ...extra } };
}

function dashboard() {
  return {
    widgets: [
      widget('Certificates', [metric('CertificatesIssued', 'Sum', 'issued'), metric('IssuanceFailures', 'Sum', 'issuance failures'), metric('RequestsQueued', 'Sum', 'queued by the planner')], 0, 0),
      widget('Closest expiry (days)', [metric('MinDaysToExpiry', 'Minimum', 'min days to expiry')], 12, 0, {
        annotations: { horizontal: [{ label: 'alarm', value: 7 }] },
      }),
      widget('Events', [metric('EventsPublished', 'Sum', 'published'), metric('EventsFailed', 'Sum', 'refused by the bus'), metric('EventsDeadLettered', 'Sum', 'dead-lettered')], 0, 6),
      widget('Outbox', [metric('OutboxAgeSeconds', 'Maximum', 'oldest pending (s)'), metric('CommitToBusSeconds', 'Maximum', 'commit to bus (s)')], 12, 6, {
        annotations: { horizontal: [{ label: 'alarm', value: 300 }] },
      }),
      widget('Function errors', FUNCTIONS.map((fn) => lambda(fn, 'Errors', 'Sum')), 0, 12),
      widget('Function duration p99 (ms)', FUNCTIONS.map((fn) => lambda(fn, 'Duration', 'p99')), 12, 12),
      widget('Work queue', [['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', 'certflow-${Stage}-work', { stat: 'Maximum', label: 'waiting' }], ['AWS/SQS', 'ApproximateAgeOfOldestMessage', 'QueueName', 'certflow-${Stage}-work', { stat: 'Maximum', label: 'oldest (s)' }]], 0, 18),
      widget('Terminal failures and approvals', [metric('TerminalFailures', 'Sum', 'terminal failures'), metric('ApprovalsExpired', 'Sum', 'approvals expired')], 12, 18),
    ],
  };
}

/** A CloudFormation Fn::Sub of the dashboard JSON, with the stage filled in from the serverless variable. */
module.exports.body = ({ resolveVariable }) =>
  Promise.resolve(resolveVariable('sls:stage')).then((stage) => ({
    'Fn::Sub': [JSON.stringify(dashboard()), { Stage: stage }],
  }));
