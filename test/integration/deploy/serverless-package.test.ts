import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATE_TABLE_TTL_ATTRIBUTE, stateTableDefinition } from '../../../src/adapters/aws/dynamodb.state-table.js';
import { ACCOUNT, allStatements, allows, asList, deployed, referencedIds, resolve, unzipEntry, zipEntries, type CfnResource, type CfnTemplate, type Statement } from './template.js';

const REPO = join(import.meta.dirname, '../../..');
const FUNCTIONS = ['Plan', 'WorkRequests', 'ExpireApprovals', 'RequestIntake', 'PublishEvents', 'IngestAcmEvents', 'SlackInteractivity', 'Notify'];
/** Invoked asynchronously (schedules and rules): each needs Lambda's own DLQ. */
const ASYNC_FUNCTIONS = ['Plan', 'ExpireApprovals', 'PublishEvents', 'IngestAcmEvents', 'Notify'];
const STAGE = 'ci';
const MIB = 1024 * 1024;

let outDir: string;
let template: CfnTemplate;
let live: Record<string, CfnResource>;

const ofType = (type: string) => Object.entries(live).filter(([, r]) => r.Type === type);
const props = (id: string) => (live[id]?.Properties ?? {}) as Record<string, unknown>;
const getAttId = (value: unknown) => ((value as { 'Fn::GetAtt'?: string[] } | undefined)?.['Fn::GetAtt'] ?? [])[0];
const functionIds = () => ofType('AWS::Lambda::Function').map(([id]) => id);
const roleStatements = (fnId: string): Statement[] => {
  const role = props(getAttId(props(fnId).Role)!);
  return (role.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
};
const arn = (service: string, rest: string) => `arn:aws:${service}:${ACCOUNT.region}:${ACCOUNT.accountId}:${rest}`;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'certflow-package-'));
  const started = performance.now();
  // Offline: `package` needs no AWS account or credentials.
  await promisify(execFile)('npx', ['--no', 'osls', 'package', '--stage', STAGE, '--region', ACCOUNT.region, '--package', outDir], {
    cwd: REPO,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', CI: 'true' },
    timeout: 170_000,
    maxBuffer: 16 * MIB,
  });
  console.log(`RESULT osls-package seconds=${((performance.now() - started) / 1000).toFixed(1)}`);
  template = JSON.parse(readFileSync(join(outDir, 'cloudformation-template-update-stack.json'), 'utf8')) as CfnTemplate;
  live = deployed(template);
}, 180_000);

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe('osls package output', () => {
  it('runs every function on nodejs22.x and arm64', () => {
    // Prepare
    const functions = ofType('AWS::Lambda::Function');
    // Act
    const runtimes = functions.map(([, f]) => [f.Properties?.Runtime, f.Properties?.Architectures]);
    // Assess
    expect(functions.map(([id]) => id).sort()).toEqual(FUNCTIONS.map((f) => `${f}LambdaFunction`).sort());
    for (const runtime of runtimes) expect(runtime).toEqual(['nodejs22.x', ['arm64']]);
    expect(props('PublishEventsLambdaFunction').ReservedConcurrentExecutions).toBe(1);
    expect(props('PlanLambdaFunction').ReservedConcurrentExecutions).toBe(1);
    // JSON logs at the stage's level (DEBUG on ci), so Powertools' lines are filterable in CloudWatch.
    for (const [, f] of functions) expect(f.Properties?.LoggingConfig).toEqual({ LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG', SystemLogLevel: 'WARN' });
  });

  it('gives each function a role of its own and deploys no other role', () => {
    // Prepare
    const roles = ofType('AWS::IAM::Role').map(([id]) => id);
    // Act
    const used = functionIds().map((id) => getAttId(props(id).Role));
    // Assess
    expect(new Set(used).size).toBe(functionIds().length);
    expect(roles.sort()).toEqual([...used].sort());
  });

  it('allows no wildcard action, and no write action on every resource', () => {
    // Prepare: Deny statements (the deployment bucket's TLS-only rule) only take away, however broad
    const allowed = allStatements({ Resources: live }).filter(({ statement }) => statement.Effect === 'Allow');
    // Act
    const problems = allowed.flatMap(({ owner, statement: s }) => {
      const actions = asList(s.Action);
      const found: string[] = [];
      if (s.NotAction !== undefined || s.NotResource !== undefined) found.push(`${owner}: NotAction/NotResource`);
      for (const a of actions) if (a === '*' || a.endsWith(':*')) found.push(`${owner}: action ${a}`);
      const everywhere = asList(s.Resource).some((r) => r === '*');
      for (const a of actions) if (everywhere && !/^[a-z0-9-]+:(Get|List|Describe)[A-Za-z]*$/.test(a)) found.push(`${owner}: ${a} on *`);
      return found;
    });
    // Assess
    expect(allowed.length).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('references only resources the stack deploys', () => {
    // Prepare
    const ids = referencedIds([Object.values(live), (template as { Outputs?: unknown }).Outputs]);
    // Act
    const dangling = [...ids].filter((id) => !(id in live));
    // Assess
    expect(dangling).toEqual([]);
  });

  it('loads each rule pattern unchanged from events/patterns and lists the patterns not yet consumed', () => {
    // Prepare
    const dir = join(REPO, 'events/patterns');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    const patterns = Object.fromEntries(files.map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown]));
    const yml = readFileSync(join(REPO, 'serverless.yml'), 'utf8');
    // Act
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => r.Properties?.EventPattern !== undefined);
    const sources = rules.map(([, r]) => files.filter((f) => JSON.stringify(patterns[f]) === JSON.stringify(r.Properties?.EventPattern)));
    // Assess
    expect(sources.sort()).toEqual([['acm-certificate-events.json'], ['issue-on-approval.json'], ['notify.json']]);
    for (const f of files) expect(yml).toMatch(new RegExp(`^#\\s+${f.replace('.', '\\.')}\\s+->`, 'm'));
    const bus = (file: string) => rules[sources.findIndex((s) => s[0] === file)]![1].Properties?.EventBusName;
    // ACM's events arrive on the default bus; certflow's own on the stage's bus.
    expect(bus('acm-certificate-events.json')).toBeUndefined();
    expect(bus('issue-on-approval.json')).toEqual({ Ref: 'EventBus' });
    expect(bus('notify.json')).toEqual({ Ref: 'EventBus' });
  });

  it('gives every asynchronous invocation, queue and rule target a dead-letter queue with an alarm', () => {
    // Prepare
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties as { MetricName: string; Dimensions: { Value: unknown }[] });
    const alarmed = (metric: string, id: string) => alarms.some((a) => a.MetricName === metric && referencedIds(a.Dimensions).has(id));
    const targets = ofType('AWS::Events::Rule').flatMap(([, r]) => (r.Properties?.Targets as Record<string, unknown>[]).map((t) => ({ rule: r, t })));
    const dlqOk = (queue: string) => {
      expect(live[queue]?.Type).toBe('AWS::SQS::Queue');
      expect(props(queue).SqsManagedSseEnabled ?? props(queue).KmsMasterKeyId).toBeTruthy();
      expect(alarmed('ApproximateNumberOfMessagesVisible', queue)).toBe(true);
    };
    // Act
    const asyncQueues = ASYNC_FUNCTIONS.map((f) => getAttId((props(`${f}LambdaFunction`).DeadLetterConfig as { TargetArn?: unknown } | undefined)?.TargetArn));
    // Assess: Lambda's own DLQ for each asynchronously invoked function
    expect(new Set(asyncQueues).size).toBe(ASYNC_FUNCTIONS.length);
    ASYNC_FUNCTIONS.forEach((f, i) => {
      dlqOk(asyncQueues[i]!);
      expect(allows({ Resources: live }, roleStatements(`${f}LambdaFunction`), 'sqs:SendMessage', resolve(template, { 'Fn::GetAtt': [asyncQueues[i]!, 'Arn'] }))).toBe(true);
    });
    // Every function's errors are alarmed on.
    for (const f of FUNCTIONS) expect(alarmed('Errors', `${f}LambdaFunction`)).toBe(true);
    // Every queue a function reads redrives into an alarmed DLQ.
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    expect(mappings.length).toBeGreaterThan(0);
    for (const [, m] of mappings) {
      const source = getAttId(m.Properties?.EventSourceArn)!;
      const redrive = props(source).RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
      dlqOk(getAttId(redrive.deadLetterTargetArn)!);
      expect(redrive.maxReceiveCount).toBeGreaterThan(1);
      expect(m.Properties?.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    }
    // Every rule target: a retry policy and its own DLQ that only that rule may send to.
    expect(targets.length).toBeGreaterThanOrEqual(ASYNC_FUNCTIONS.length + 1);
    const grants = allStatements({ Resources: Object.fromEntries(ofType('AWS::SQS::QueuePolicy')) }).map((g) => g.statement);
    for (const { rule, t } of targets) {
      const queue = getAttId((t.DeadLetterConfig as { Arn: unknown }).Arn)!;
      expect(t.RetryPolicy).toBeDefined();
      dlqOk(queue);
      const grant = grants.find((g) => getAttId(g.Resource) === queue);
      const sourceArn = (grant?.Condition as { ArnEquals?: Record<string, unknown> } | undefined)?.ArnEquals?.['aws:SourceArn'];
      expect(grant).toMatchObject({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage' });
      const ruleArn = rule.Properties?.EventBusName ? arn('events', `rule/certflow-${STAGE}/${String(rule.Properties.Name)}`) : arn('events', `rule/${String(rule.Properties?.Name)}`);
      expect(resolve(template, sourceArn)).toBe(ruleArn);
    }
  });

  it('declares the state table exactly as stateTableDefinition describes it, with TTL, PITR and SSE', () => {
    // Prepare
    const expected = stateTableDefinition('x');
    const byName = <T extends { AttributeName?: string; IndexName?: string }>(list: readonly T[] | undefined) =>
      [...(list ?? [])].sort((a, b) => String(a.AttributeName ?? a.IndexName).localeCompare(String(b.AttributeName ?? b.IndexName)));
    // Act
    const [[, table] = []] = ofType('AWS::DynamoDB::Table');
    const p = (table?.Properties ?? {}) as Record<string, never>;
    // Assess
    expect(p.BillingMode).toBe(expected.BillingMode);
    expect(p.KeySchema).toEqual(expected.KeySchema);
    expect(byName(p.AttributeDefinitions)).toEqual(byName(expected.AttributeDefinitions));
    expect(byName(p.GlobalSecondaryIndexes)).toEqual(byName(expected.GlobalSecondaryIndexes));
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: STATE_TABLE_TTL_ATTRIBUTE, Enabled: true });
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(p.SSESpecification).toEqual({ SSEEnabled: true });
  });

  it('puts only resource names and locations in the environment, never a secret', () => {
    // Prepare
    const [[tableId] = []] = ofType('AWS::DynamoDB::Table');
    const [[busId] = []] = ofType('AWS::Events::EventBus');
    // Act
    const environments = functionIds().map((id) => (props(id).Environment as { Variables: Record<string, unknown> }).Variables);
    // Assess
    for (const env of environments) {
      expect(env).toEqual({
        CERTFLOW_STAGE: STAGE,
        CERTFLOW_STATE_TABLE: props(tableId!).TableName,
        CERTFLOW_EVENT_BUS: props(busId!).Name,
        CERTFLOW_WORK_QUEUE_URL: { Ref: 'WorkQueue' },
        CERTFLOW_CONFIG_LOCATION: `ssm:/certflow/${STAGE}/config`,
        POWERTOOLS_SERVICE_NAME: 'certflow',
        POWERTOOLS_LOG_LEVEL: 'DEBUG',
      });
      for (const [name, value] of Object.entries(env)) {
        expect(name).not.toMatch(/SECRET|TOKEN|PASSWORD|KEY|HMAC|SIGNING/i);
        expect(JSON.stringify(value)).not.toMatch(/-----BEGIN|xox[bp]-|AKIA[0-9A-Z]{16}/);
      }
    }
  });

  it('builds one zip per function under 1 MiB, each holding its handler as a single .mjs file', () => {
    // Prepare
    const functions = ofType('AWS::Lambda::Function');
    // Act
    const zips = functions.map(([, f]) => {
      const file = join(outDir, String((f.Properties?.Code as { S3Key: string }).S3Key).split('/').pop()!);
      return { handler: String(f.Properties?.Handler), file, bytes: statSync(file).size, entries: zipEntries(readFileSync(file)) };
    });
    // Assess
    for (const zip of zips) {
      console.log(`RESULT bundle ${zip.handler} zip_bytes=${zip.bytes} mjs_bytes=${zip.entries[0]?.size}`);
      expect(zip.bytes).toBeLessThan(MIB);
      expect(zip.entries.map((e) => e.name)).toEqual([`${zip.handler.slice(0, zip.handler.lastIndexOf('.'))}.mjs`]);
      // ESM with the require() shim, and the AWS SDK inside rather than left to the runtime.
      const code = unzipEntry(readFileSync(zip.file), zip.entries[0]!).toString('utf8');
      expect(code.length).toBe(zip.entries[0]!.size);
      expect(code.startsWith('import { createRequire as __certflowCreateRequire }')).toBe(true);
      expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
      // Every schema is precompiled: no bundle carries ajv's compiler (its core's messages).
      expect(code).not.toContain('schema with key or id');
    }
  });

  it('keeps the publish role away from every table, bus and queue that is not its own', () => {
    // Prepare
    const statements = roleStatements('PublishEventsLambdaFunction');
    const table = arn('dynamodb', `table/certflow-${STAGE}-state`);
    const forbidden: [string, string][] = [
      ['dynamodb:GetItem', arn('dynamodb', 'table/other-team-table')],
      ['dynamodb:UpdateItem', arn('dynamodb', `table/certflow-${STAGE}-state-copy`)],
      ['dynamodb:PutItem', arn('dynamodb', 'table/certflow-prod-state')],
      ['dynamodb:Query', arn('dynamodb', 'table/other-team-table/index/outbox')],
      ['dynamodb:Query', `${table}/index/due`],
      ['dynamodb:Scan', table],
      ['dynamodb:DeleteItem', table],
      ['dynamodb:DeleteTable', table],
      ['dynamodb:BatchWriteItem', table],
      ['events:PutEvents', arn('events', 'event-bus/default')],
      ['events:PutRule', arn('events', `event-bus/certflow-${STAGE}`)],
      ['sqs:SendMessage', arn('sqs', `certflow-${STAGE}-ingestAcmEvents-dlq`)],
      ['secretsmanager:GetSecretValue', arn('secretsmanager', 'secret:certflow/web-AbCdEf')],
      ['acm:ExportCertificate', arn('acm', 'certificate/61f50cd4')],
      ['iam:PassRole', `arn:aws:iam::${ACCOUNT.accountId}:role/admin`],
      ['kms:Decrypt', arn('kms', 'key/1234')],
    ];
    // Act
    const granted = forbidden.filter(([action, resource]) => allows({ Resources: live }, statements, action, resource));
    // Assess: zero of N, and the positive controls still work
    expect(granted).toEqual([]);
    expect(allows({ Resources: live }, statements, 'dynamodb:Query', `${table}/index/outbox`)).toBe(true);
    expect(allows({ Resources: live }, statements, 'events:PutEvents', arn('events', `event-bus/certflow-${STAGE}`))).toBe(true);
  });

  it('lets the publish role change only the outbox attributes of an item, never its data', () => {
    // Prepare
    const statements = roleStatements('PublishEventsLambdaFunction');
    // Act
    const updates = statements.filter((st) => asList(st.Action).includes('dynamodb:UpdateItem'));
    // Assess
    expect(updates).toHaveLength(1);
    const condition = updates[0]?.Condition as Record<string, Record<string, string[]>> | undefined;
    const attributes = condition?.['ForAllValues:StringEquals']?.['dynamodb:Attributes'] ?? [];
    expect([...attributes].sort()).toEqual(['obRev', 'outbox', 'outboxAt', 'outboxShard', 'pk', 'sk']);
  });

  it('keeps the ACM ingest role to reading and writing inventory items of its own table', () => {
    // Prepare
    const statements = roleStatements('IngestAcmEventsLambdaFunction');
    const table = arn('dynamodb', `table/certflow-${STAGE}-state`);
    const forbidden: [string, string][] = [
      ['dynamodb:PutItem', arn('dynamodb', 'table/other-team-table')],
      ['dynamodb:Query', `${table}/index/outbox`],
      ['dynamodb:Scan', table],
      ['dynamodb:DeleteItem', table],
      ['events:PutEvents', arn('events', `event-bus/certflow-${STAGE}`)],
      ['sqs:SendMessage', arn('sqs', `certflow-${STAGE}-publishEvents-dlq`)],
      ['acm:GetCertificate', arn('acm', 'certificate/61f50cd4')],
    ];
    // Act
    const granted = forbidden.filter(([action, resource]) => allows({ Resources: live }, statements, action, resource));
    // Assess
    expect(granted).toEqual([]);
    expect(allows({ Resources: live }, statements, 'dynamodb:PutItem', table)).toBe(true);
    const itemStatement = statements.find((s) => asList(s.Action).includes('dynamodb:PutItem'));
    expect(itemStatement?.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CERT#*'] } });
  });

  it('runs the planner, the approval expiry and the publisher on schedules', () => {
    // Prepare
    const schedules = ofType('AWS::Events::Rule').filter(([, r]) => r.Properties?.ScheduleExpression !== undefined);
    // Act
    const byTarget = Object.fromEntries(
      schedules.map(([, r]) => [getAttId((r.Properties?.Targets as { Arn: unknown }[])[0]!.Arn), r.Properties?.ScheduleExpression]),
    );
    // Assess
    expect(byTarget).toEqual({
      PlanLambdaFunction: 'rate(15 minutes)',
      ExpireApprovalsLambdaFunction: 'rate(15 minutes)',
      PublishEventsLambdaFunction: 'rate(1 minute)',
    });
  });

  it('feeds the worker from an encrypted queue whose visibility outlasts six runs of the worker', () => {
    // Prepare
    const [[, mapping] = []] = ofType('AWS::Lambda::EventSourceMapping');
    // Act
    const queue = getAttId(mapping?.Properties?.EventSourceArn)!;
    // Assess
    expect(queue).toBe('WorkQueue');
    expect(getAttId(mapping?.Properties?.FunctionName) ?? mapping?.Properties?.FunctionName).toBe('WorkRequestsLambdaFunction');
    expect(mapping?.Properties?.ScalingConfig).toEqual({ MaximumConcurrency: 5 });
    expect(Number(props(queue).VisibilityTimeout)).toBeGreaterThanOrEqual(6 * Number(props('WorkRequestsLambdaFunction').Timeout));
    expect(props(queue).SqsManagedSseEnabled).toBe(true);
  });

  it('exposes request intake as one IAM-authorized HTTP route, and unauthenticated only the Slack endpoint, which verifies Slack signatures itself', () => {
    // Prepare
    const routes = ofType('AWS::ApiGatewayV2::Route');
    // Act
    const described = routes.map(([, r]) => [r.Properties?.RouteKey, r.Properties?.AuthorizationType ?? 'NONE']).sort();
    // Assess
    expect(described).toEqual([['POST /requests', 'AWS_IAM'], ['POST /slack/interactivity', 'NONE']]);
  });

  it('keeps the Slack roles to votes on requests and their own secrets', () => {
    // Prepare
    const table = arn('dynamodb', `table/certflow-${STAGE}-state`);
    const forbidden: [string, string, string][] = [
      ['SlackInteractivity', 'secretsmanager:GetSecretValue', arn('secretsmanager', 'secret:certflow/web-AbCdEf')],
      ['SlackInteractivity', 'ssm:GetParameter', arn('ssm', `parameter/certflow/${STAGE}/acme/account-key`)],
      ['SlackInteractivity', 'ssm:GetParameter', arn('ssm', 'parameter/certflow/prod/slack/bot-token')],
      ['SlackInteractivity', 'ssm:PutParameter', arn('ssm', `parameter/certflow/${STAGE}/slack/signing-secret`)],
      ['SlackInteractivity', 'acm:ExportCertificate', arn('acm', 'certificate/61f50cd4')],
      ['SlackInteractivity', 'acm-pca:IssueCertificate', arn('acm-pca', 'certificate-authority/1234')],
      ['SlackInteractivity', 'events:PutEvents', arn('events', `event-bus/certflow-${STAGE}`)],
      ['SlackInteractivity', 'sqs:SendMessage', arn('sqs', `certflow-${STAGE}-work`)],
      ['SlackInteractivity', 'dynamodb:DeleteItem', table],
      ['SlackInteractivity', 'dynamodb:Scan', table],
      ['SlackInteractivity', 'dynamodb:Query', `${table}/index/due`],
      ['SlackInteractivity', 'kms:Decrypt', arn('kms', 'key/1234')],
      ['SlackInteractivity', 'iam:PassRole', `arn:aws:iam::${ACCOUNT.accountId}:role/admin`],
      ['Notify', 'dynamodb:UpdateItem', table],
      ['Notify', 'dynamodb:DeleteItem', table],
      ['Notify', 'events:PutEvents', arn('events', `event-bus/certflow-${STAGE}`)],
      ['Notify', 'sqs:SendMessage', arn('sqs', `certflow-${STAGE}-work`)],
      ['Notify', 'acm:ExportCertificate', arn('acm', 'certificate/61f50cd4')],
      ['Notify', 'secretsmanager:GetSecretValue', arn('secretsmanager', 'secret:certflow/web-AbCdEf')],
    ];
    // Act
    const granted = forbidden.filter(([fn, action, resource]) => allows({ Resources: live }, roleStatements(`${fn}LambdaFunction`), action, resource));
    // Assess: none, and the positive controls hold
    expect(granted).toEqual([]);
    expect(allows({ Resources: live }, roleStatements('SlackInteractivityLambdaFunction'), 'ssm:GetParameter', arn('ssm', `parameter/certflow/${STAGE}/slack/signing-secret`))).toBe(true);
    expect(allows({ Resources: live }, roleStatements('NotifyLambdaFunction'), 'ssm:GetParameter', arn('ssm', `parameter/certflow/${STAGE}/slack/bot-token`))).toBe(true);
    const votes = roleStatements('SlackInteractivityLambdaFunction').find((st) => asList(st.Action).includes('dynamodb:UpdateItem'));
    expect(votes?.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['REQ#*'] } });
  });

  it('alarms on issuance failures, dead letters, outbox age and certificates under 7 days, to the alarm topic', () => {
    // Prepare
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties as Record<string, unknown>);
    // Act
    const certflow = Object.fromEntries(alarms.filter((a) => a.Namespace === 'certflow').map((a) => [a.MetricName, [a.ComparisonOperator, a.Threshold, a.Statistic]]));
    // Assess
    expect(certflow).toEqual({
      IssuanceFailures: ['GreaterThanThreshold', 0, 'Sum'],
      TerminalFailures: ['GreaterThanThreshold', 0, 'Sum'],
      EventsDeadLettered: ['GreaterThanThreshold', 0, 'Sum'],
      OutboxAgeSeconds: ['GreaterThanThreshold', 300, 'Maximum'],
      MinDaysToExpiry: ['LessThanThreshold', 7, 'Minimum'],
    });
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    // The metric names are the ones the handlers emit.
    const emitted = readFileSync(join(REPO, 'functions/lib/lambda.ts'), 'utf8');
    for (const name of Object.keys(certflow)) expect(emitted).toContain(`'${name}'`);
  });

  it('subscribes alarmEmail to the alarm topic only when it is set', () => {
    // Prepare
    const subscription = template.Resources['AlarmEmailSubscription'];
    // Act
    const condition = (template as unknown as { Conditions: Record<string, unknown> }).Conditions['HasAlarmEmail'];
    // Assess
    expect(subscription?.Condition).toBe('HasAlarmEmail');
    expect(subscription?.Properties).toMatchObject({ TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email' });
    // Packaged without alarmEmail: the condition is Not(Equals('', '')), false, so no subscription deploys.
    expect(condition).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
  });

  it('builds a dashboard whose widgets chart the metrics the handlers emit', () => {
    // Prepare
    const [[, dashboard] = []] = ofType('AWS::CloudWatch::Dashboard');
    const [body, vars] = (dashboard?.Properties?.DashboardBody as { 'Fn::Sub': [string, Record<string, string>] })['Fn::Sub'];
    // Act
    const parsed = JSON.parse(body) as { widgets: { properties: { metrics: unknown[][] } }[] };
    const names = new Set(parsed.widgets.flatMap((w) => w.properties.metrics.map((m) => String(m[1]))));
    // Assess
    expect(vars).toEqual({ Stage: STAGE });
    expect(parsed.widgets.length).toBeGreaterThanOrEqual(6);
    for (const name of ['CertificatesIssued', 'IssuanceFailures', 'EventsPublished', 'EventsFailed', 'EventsDeadLettered', 'OutboxAgeSeconds', 'MinDaysToExpiry', 'Errors']) {
      expect(names).toContain(name);
    }
  });

  it('keeps the worker, planner and intake roles to their own table, queue and configuration', () => {
    // Prepare
    const table = arn('dynamodb', `table/certflow-${STAGE}-state`);
    const forbidden: [string, string, string][] = [
      ['WorkRequests', 'dynamodb:PutItem', arn('dynamodb', 'table/other-team-table')],
      ['WorkRequests', 'dynamodb:DeleteItem', table],
      ['WorkRequests', 'dynamodb:Scan', table],
      ['WorkRequests', 'events:PutEvents', arn('events', `event-bus/certflow-${STAGE}`)],
      ['WorkRequests', 'sqs:SendMessage', arn('sqs', 'other-queue')],
      ['WorkRequests', 'ssm:GetParameter', arn('ssm', 'parameter/certflow/prod/config')],
      ['WorkRequests', 'ssm:PutParameter', arn('ssm', `parameter/certflow/${STAGE}/config`)],
      ['Plan', 'dynamodb:DeleteItem', table],
      ['Plan', 'events:PutEvents', arn('events', `event-bus/certflow-${STAGE}`)],
      ['Plan', 'sqs:SendMessage', arn('sqs', `certflow-${STAGE}-publishEvents-dlq`)],
      ['RequestIntake', 'dynamodb:Query', `${table}/index/due`],
      ['RequestIntake', 'sqs:SendMessage', arn('sqs', `certflow-${STAGE}-work`)],
      ['RequestIntake', 'events:PutEvents', arn('events', `event-bus/certflow-${STAGE}`)],
      ['ExpireApprovals', 'dynamodb:PutItem', arn('dynamodb', 'table/other-team-table')],
      ['ExpireApprovals', 'ssm:GetParameter', arn('ssm', `parameter/certflow/${STAGE}/config`)],
    ];
    // Act
    const granted = forbidden.filter(([fn, action, resource]) => allows({ Resources: live }, roleStatements(`${fn}LambdaFunction`), action, resource));
    // Assess: none, and the positive controls hold
    expect(granted).toEqual([]);
    expect(allows({ Resources: live }, roleStatements('WorkRequestsLambdaFunction'), 'sqs:SendMessage', arn('sqs', `certflow-${STAGE}-work`))).toBe(true);
    expect(allows({ Resources: live }, roleStatements('WorkRequestsLambdaFunction'), 'ssm:GetParameter', arn('ssm', `parameter/certflow/${STAGE}/config`))).toBe(true);
    expect(allows({ Resources: live }, roleStatements('PlanLambdaFunction'), 'dynamodb:Query', `${table}/index/due`)).toBe(true);
    const worker = roleStatements('WorkRequestsLambdaFunction');
    expect(allows({ Resources: live }, worker, 'secretsmanager:PutSecretValue', arn('secretsmanager', 'secret:certflow/api-AbCdEf'))).toBe(true);
    expect(allows({ Resources: live }, worker, 'secretsmanager:PutSecretValue', arn('secretsmanager', 'secret:prod/db-password-AbCdEf'))).toBe(false);
    expect(allows({ Resources: live }, worker, 'secretsmanager:DeleteSecret', arn('secretsmanager', 'secret:certflow/api-AbCdEf'))).toBe(false);
    expect(allows({ Resources: live }, worker, 'acm-pca:IssueCertificate', arn('acm-pca', 'certificate-authority/11111111-2222-3333-4444-555555555555'))).toBe(true);
    expect(allows({ Resources: live }, worker, 'acm:ImportCertificate', arn('acm', 'certificate/abc'))).toBe(true);
    expect(allows({ Resources: live }, roleStatements('PlanLambdaFunction'), 'secretsmanager:GetSecretValue', arn('secretsmanager', 'secret:certflow/api-AbCdEf'))).toBe(false);
    const items = worker.find((st) => asList(st.Action).includes('dynamodb:PutItem'));
    expect(items?.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CERT#*', 'REQ#*', 'DEADLETTER#*'] } });
  });

  it('creates the EventBridge schema registry with one OpenApi3 schema per detail-type, as generated', () => {
    // Prepare
    const dir = join(REPO, 'schemas/eventbridge-registry');
    const documents = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'resources.json');
    // Act
    const schemas = ofType('AWS::EventSchemas::Schema').map(([, r]) => r.Properties as { Type: string; Content: string; RegistryName: unknown });
    // Assess
    expect(ofType('AWS::EventSchemas::Registry')).toHaveLength(1);
    expect(schemas).toHaveLength(documents.length);
    const contents = new Set(schemas.map((x) => JSON.stringify(JSON.parse(x.Content))));
    for (const f of documents) expect(contents).toContain(JSON.stringify(JSON.parse(readFileSync(join(dir, f), 'utf8'))));
    for (const x of schemas) expect(x.Type).toBe('OpenApi3');
  });
});
