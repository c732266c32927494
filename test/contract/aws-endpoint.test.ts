import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, it } from 'vitest';
import { DynamoDbStateStore, stateTableDefinition } from '../../src/adapters/aws/dynamodb.state-store.js';
import { stateStoreContract } from './state-store.contract.js';

// Runs the state contract against a real endpoint (LocalStack, DynamoDB Local, or AWS itself) when one is given.
const endpoint = process.env.AWS_ENDPOINT_URL;

if (endpoint === undefined || endpoint === '') {
  describe.skip('StateStore contract on AWS_ENDPOINT_URL (skipped: AWS_ENDPOINT_URL is unset)', () => {
    it('runs the state store contract against the endpoint', () => {});
  });
} else {
  // The SDK reads AWS_ENDPOINT_URL, the region and credentials from the environment itself.
  const client = new DynamoDBClient({ region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1' });
  const run = `certflow-contract-${randomUUID().slice(0, 8)}`;
  let tables = 0;
  afterAll(() => client.destroy());

  const waitForActive = async (tableName: string): Promise<void> => {
    for (let i = 0; i < 120; i++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (Table?.TableStatus === 'ACTIVE') return;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    throw new Error(`table ${tableName} did not become ACTIVE within 2 minutes`);
  };

  stateStoreContract(`DynamoDbStateStore on ${endpoint}`, async () => {
    // A uniquely named table per test: pending() and listPartitions() read the whole table.
    const tableName = `${run}-${++tables}`;
    await client.send(new CreateTableCommand(stateTableDefinition(tableName)));
    await waitForActive(tableName);
    const store = new DynamoDbStateStore({ client, tableName });
    return {
      store,
      close: async () => {
        await client.send(new DeleteTableCommand({ TableName: tableName }));
      },
    };
  });
}
