import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDbStateStore } from './dynamodb.state-store.js';
import { EventBridgeEventBus } from './eventbridge.event-bus.js';

/*
 * Adapter factories for the Lambda composition root. Each is its own export so a bundle carries
 * only the clients its function uses; region and credentials come from the Lambda runtime.
 */

/** The state store (and outbox) on the stage's table. */
export function buildStateStore(settings: { readonly tableName: string }): DynamoDbStateStore {
  return new DynamoDbStateStore({ client: new DynamoDBClient({}), tableName: settings.tableName });
}

/** The certflow bus of the stage. */
export function buildEventBus(settings: { readonly eventBusName: string }): EventBridgeEventBus {
  return new EventBridgeEventBus({ client: new EventBridgeClient({}), eventBusName: settings.eventBusName });
}
