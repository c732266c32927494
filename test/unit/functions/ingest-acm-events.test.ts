import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureLambdaOutput } from '../../support/lambda-output.js';
import { fromJson } from '../../../src/adapters/aws/dynamodb.state-table.js';
import type { CertificateRecord } from '../../../src/app/records.js';
import { discoveredCertificateId } from '../../../src/domain/certificate.js';

type Item = Record<string, AttributeValue>;

const dynamo = mockClient(DynamoDBClient);
// The handler reads its environment and builds its client when its module loads, as on a cold start.
vi.stubEnv('AWS_REGION', 'eu-west-1');
vi.stubEnv('CERTFLOW_STATE_TABLE', 'certflow-test-state');
const { handler } = await import('../../../functions/ingest-acm-events.js');
const context = { awsRequestId: 'req-1' } as never;

const example = (name: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../../../events/examples/acm', name), 'utf8')) as Record<string, unknown> & { resources: string[] };
const approaching = example('acm-certificate-approaching-expiration.json');
const ARN = approaching.resources[0]!;
const PK = `CERT#${discoveredCertificateId('acm', ARN)}`;

/** One item's worth of DynamoDB: a conditional PutItem stores it, GetItem returns it. */
function serveTable(): { stored: () => Item | undefined } {
  let stored: Item | undefined;
  dynamo.on(GetItemCommand).callsFake(() => (stored ? { Item: stored } : {}));
  dynamo.on(PutItemCommand).callsFake((input: { Item: Item }) => {
    stored = input.Item;
    return {};
  });
  dynamo.on(UpdateItemCommand).resolves({});
  return { stored: () => stored };
}

let out: ReturnType<typeof captureLambdaOutput>;

beforeEach(() => {
  dynamo.reset();
  out = captureLambdaOutput();
});

afterEach(() => {
  out.restore();
});

describe('ingestAcmEvents handler', () => {
  it('records the ACM signal on a new inventory item', async () => {
    // Prepare
    const table = serveTable();
    // Act
    const result = await handler(approaching, context);
    // Assess
    expect(result).toEqual({ certificateId: PK.slice('CERT#'.length), outcome: 'created' });
    const item = table.stored()!;
    expect(item.pk).toEqual({ S: PK });
    const data = fromJson<CertificateRecord>(item.data!.S!);
    expect(data).toMatchObject({ origin: 'acm', locator: ARN, revision: 0 });
    expect(data.acmSignal).toEqual({
      kind: 'ACM Certificate Approaching Expiration',
      daysToExpiry: 31,
      observedAt: new Date('2020-09-30T06:51:08Z'),
      receivedAt: expect.any(Date),
      account: '123456789012',
      region: 'us-east-1',
    });
  });

  it('changes nothing when the same event is delivered again', async () => {
    // Prepare
    serveTable();
    await handler(approaching, context);
    // Act
    const result = await handler(approaching, context);
    // Assess
    expect(result).toMatchObject({ outcome: 'unchanged' });
    expect(dynamo.commandCalls(PutItemCommand)).toHaveLength(1);
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);
  });

  it('updates the signal with a compare-and-set on the stored version when a newer event arrives', async () => {
    // Prepare
    serveTable();
    await handler(approaching, context);
    const expired = example('acm-certificate-expired.json');
    // Act
    const result = await handler({ ...expired, resources: [ARN], time: '2026-11-01T00:00:00Z' }, context);
    // Assess
    expect(result).toMatchObject({ outcome: 'updated' });
    const [update] = dynamo.commandCalls(UpdateItemCommand).map((c) => c.args[0].input);
    expect(update?.ConditionExpression).toContain('#v = :expected');
    expect(update?.ExpressionAttributeValues?.[':expected']).toEqual({ N: '1' });
    expect(fromJson<CertificateRecord>(update!.ExpressionAttributeValues![':data']!.S!).acmSignal).toMatchObject({ kind: 'ACM Certificate Expired', expired: true });
  });

  it('records an invalid event once as a dead letter, touches no certificate, and does not ask for a retry', async () => {
    // Prepare
    const table = serveTable();
    const invalid = { ...approaching, resources: ['arn:aws:s3:::not-a-certificate'], detail: { CommonName: 'example.com' } };
    // Act
    const response = await handler(invalid, context);
    // Assess: terminal, so the invocation succeeds (no retry) with the failure recorded
    expect(response).toEqual({ outcome: 'terminal-failure', code: 'EVENT.INVALID' });
    const puts = dynamo.commandCalls(PutItemCommand).map((c) => c.args[0].input.Item?.['pk']?.S);
    expect(puts).toEqual([`DEADLETTER#ingestAcmEvents#${approaching.id}`]);
    expect(dynamo.commandCalls(UpdateItemCommand)).toHaveLength(0);
    expect(table.stored()?.['data']?.S).not.toContain('example.com');
    expect(out.metric('TerminalFailures', { code: 'EVENT.INVALID' })).toBe(1);
    expect(out.alarmSeries('TerminalFailures')).toBe(1);
  });

  it('logs JSON lines with the correlation id and codes, never the event body', async () => {
    // Prepare
    serveTable();
    const invalid = { ...approaching, detail: { DaysToExpiry: 'soon', CommonName: 'secret-host.example.com' } };
    // Act
    await handler(approaching, context);
    await handler(invalid, context);
    // Assess
    const lines = out.logs();
    expect(lines[0]).toMatchObject({ level: 'INFO', fn: 'ingestAcmEvents', correlationId: approaching.id, result: 'created' });
    expect(lines.at(-1)).toMatchObject({ level: 'ERROR', correlationId: approaching.id, code: 'EVENT.INVALID', retryable: false });
    expect(JSON.stringify(out.lines)).not.toMatch(/example\.com|soon/);
  });
});
