import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Clock } from '../../ports/clock.port.js';
import { DynamoDbStateStore } from './dynamodb.state-store.js';
import { EventBridgeEventBus } from './eventbridge.event-bus.js';
import { SqsWorkQueue } from './sqs.work-queue.js';
import type { AwsClientFactory } from './client-factory.js';

/*
 * Adapter factories for the AWS composition root. Each is its own export so a bundle carries
 * only the clients its function uses; region and credentials come from the runtime (or the CLI's
 * --region and the user's profile), endpoints from AWS_ENDPOINT_URL.
 */

/** The state store (and outbox) on the stage's table. */
export function buildStateStore(settings: { readonly tableName: string }, clients: AwsClientFactory, clock?: Clock): DynamoDbStateStore {
  return new DynamoDbStateStore({ client: clients.client(DynamoDBClient), tableName: settings.tableName, ...(clock ? { now: () => clock.now() } : {}) });
}

/** The certflow bus of the stage. */
export function buildEventBus(settings: { readonly eventBusName: string }, clients: AwsClientFactory): EventBridgeEventBus {
  return new EventBridgeEventBus({ client: clients.client(EventBridgeClient), eventBusName: settings.eventBusName });
}

/** The issuance workers' queue. */
export function buildWorkQueue(settings: { readonly workQueueUrl: string }, clients: AwsClientFactory, clock: Clock): SqsWorkQueue {
  return new SqsWorkQueue({ client: clients.client(SQSClient), queueUrl: settings.workQueueUrl, clock });
}
