import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbStateStore, stateTableDefinition } from '../../src/adapters/aws/dynamodb.state-store.js';
import type { ItemWrite } from '../../src/ports/state-store.port.js';
import { stateStoreContract } from '../contract/state-store.contract.js';

// dynalite ships no types; this is the one call used.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: { createTableMs: number; deleteTableMs: number }) => Server;

let server: Server;
let client: DynamoDBClient;
let tables = 0;

const withEvent = (id: string, version?: number): ItemWrite<object> => ({
  key: { pk: 'CERT#a', sk: 'META' },
  condition: version === undefined ? { kind: 'absent' } : { kind: 'version', version },
  data: {},
  events: [{ id, detailType: 'X', detail: {} }],
});

beforeAll(async () => {
  server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client?.destroy();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

async function createTable(tableName: string): Promise<void> {
  await client.send(new CreateTableCommand(stateTableDefinition(tableName)));
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`table ${tableName} never became ACTIVE`);
}

stateStoreContract('DynamoDbStateStore on dynalite', async () => {
  const tableName = `certflow-state-${++tables}`;
  await createTable(tableName);
  // Two shards so the merge across shards is exercised without doubling every query.
  const store = new DynamoDbStateStore({ client, tableName, shards: 2 });
  return { store, close: async () => void (await client.send(new DeleteTableCommand({ TableName: tableName }))) };
});

describe('DynamoDbStateStore', () => {
  it('reads what another instance wrote and acknowledges what it listed', async () => {
    // Prepare
    const tableName = `certflow-state-${++tables}`;
    await createTable(tableName);
    const a = new DynamoDbStateStore({ client, tableName });
    const b = new DynamoDbStateStore({ client, tableName });
    await a.write(withEvent('e1'));
    // Act
    const listedByB = await b.pending(10);
    await a.acknowledge(['e1']);
    // Assess
    expect(listedByB.map((e) => e.id)).toEqual(['e1']);
    expect(await b.pending(10)).toEqual([]);
  });

  it('retries an acknowledgement that a writer overtook, keeping the writer’s event', async () => {
    // Prepare
    const tableName = `certflow-state-${++tables}`;
    await createTable(tableName);
    const writer = new DynamoDbStateStore({ client, tableName });
    let interleaved = false;
    // A client that lets the writer commit between the acknowledger's read and its conditional update.
    const racing = {
      send: async (command: { input: { ConditionExpression?: string } }) => {
        if (!interleaved && command.input.ConditionExpression === 'obRev = :rev') {
          interleaved = true;
          await writer.write(withEvent('e2', 1));
        }
        return client.send(command as never);
      },
    } as unknown as DynamoDBClient;
    const acknowledger = new DynamoDbStateStore({ client: racing, tableName });
    await writer.write(withEvent('e1'));
    // Act
    await acknowledger.acknowledge(['e1']);
    // Assess
    expect(interleaved).toBe(true);
    expect((await writer.pending(10)).map((e) => e.id)).toEqual(['e2']);
    await acknowledger.acknowledge(['e2']);
    expect(await writer.pending(10)).toEqual([]);
  });

  describe('error mapping', () => {
    const failingStore = (error: Error) => {
      const mocked = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
      mockClient(mocked).onAnyCommand().rejects(error);
      return new DynamoDbStateStore({ client: mocked, tableName: 'certflow-state' });
    };
    const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

    it.each([
      ['throttling', new ProvisionedThroughputExceededException({ message: 'slow down', ...meta(400) })],
      ['a ThrottlingException', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', ...meta(400) })],
      ['a 5xx', new InternalServerError({ message: 'boom', ...meta(500) })],
      ['a refused connection', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ])('maps %s to a retryable STATE.UNAVAILABLE', async (_what, error) => {
      // Prepare
      const store = failingStore(error);
      // Act
      const thrown = await store.get({ pk: 'CERT#a', sk: 'META' }).catch((e: unknown) => e);
      // Assess
      expect(thrown).toMatchObject({ name: 'CertflowError', code: 'STATE.UNAVAILABLE', retryable: true, cause: error });
    });

    it('maps a missing table to a terminal STATE.UNAVAILABLE', async () => {
      // Prepare
      const store = failingStore(new ResourceNotFoundException({ message: 'Requested resource not found', ...meta(400) }));
      // Act
      const thrown = await store.write({ key: { pk: 'CERT#a', sk: 'META' }, condition: { kind: 'absent' }, data: {} }).catch((e: unknown) => e);
      // Assess
      expect(thrown).toMatchObject({ code: 'STATE.UNAVAILABLE', retryable: false });
      expect(thrown).toMatchObject({ context: { operation: 'PutItem', tableName: 'certflow-state' } });
    });

    it('keeps the SDK message, which may quote values, out of the error', async () => {
      // Prepare
      const validation = Object.assign(new Error('One or more parameter values were invalid: secret-value'), { name: 'ValidationException' });
      const store = failingStore(validation);
      // Act
      const thrown = await store.query('CERT#a').catch((e: unknown) => e);
      // Assess
      expect(thrown).toMatchObject({ code: 'STATE.UNAVAILABLE', retryable: false });
      expect(JSON.stringify(thrown)).not.toContain('secret-value');
    });
  });
});
