import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { stateTableDefinition } from '../../src/adapters/aws/dynamodb.state-store.js';

// dynalite ships no types; this is the one call used.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: { createTableMs: number; deleteTableMs: number }) => Server;

/** A DynamoDB on 127.0.0.1 (dynalite: conditional writes, GSIs, no transactions). */
export async function startDynalite(): Promise<{ endpoint: string; createStateTable(name: string): Promise<void>; stop(): Promise<void> }> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port.toString()}`;
  const client = new DynamoDBClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  return {
    endpoint,
    createStateTable: async (name) => void (await client.send(new CreateTableCommand(stateTableDefinition(name)))),
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
