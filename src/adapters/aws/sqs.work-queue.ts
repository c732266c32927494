import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import type { Clock } from '../../ports/clock.port.js';
import type { WorkItem, WorkQueue } from '../../ports/work-queue.port.js';

/** SQS holds a message back for at most 15 minutes. */
const SQS_MAX_DELAY_SECONDS = 900;
/** SendMessageBatch takes at most 10 entries. */
const SQS_BATCH = 10;
/** Entries SQS refused are sent again this many times before the call fails (retryable). */
const ATTEMPTS = 3;

export interface SqsWorkQueueOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly clock: Clock;
}

/** What a work message's body holds: only ids, never request contents. */
export interface WorkMessage {
  readonly requestId: string;
}

/**
 * The issuance queue on SQS. A delay past 15 minutes is cut to 15: the worker finds the request
 * not yet due and queues it again, so a long wait costs a few empty receives, never a sleep.
 */
export class SqsWorkQueue implements WorkQueue {
  readonly maxDelaySeconds = SQS_MAX_DELAY_SECONDS;
  private readonly client: SQSClient;
  private readonly queueUrl: string;
  private readonly clock: Clock;

  constructor(options: SqsWorkQueueOptions) {
    this.client = options.client;
    this.queueUrl = options.queueUrl;
    this.clock = options.clock;
  }

  async enqueue(items: readonly WorkItem[]): Promise<void> {
    const now = this.clock.now().getTime();
    // One message per request and delay: duplicates in one call are one message.
    const unique = new Map(items.map((i) => [`${i.requestId}@${this.delayOf(i, now).toString()}`, i]));
    const entries: SendMessageBatchRequestEntry[] = [...unique.values()].map((item, n) => ({
      Id: `m${n.toString()}`,
      MessageBody: JSON.stringify({ requestId: item.requestId } satisfies WorkMessage),
      DelaySeconds: this.delayOf(item, now),
    }));
    for (let i = 0; i < entries.length; i += SQS_BATCH) await this.send(entries.slice(i, i + SQS_BATCH));
  }

  private delayOf(item: WorkItem, now: number): number {
    if (!item.notBefore) return 0;
    const seconds = Math.ceil((item.notBefore.getTime() - now) / 1000);
    return Math.min(SQS_MAX_DELAY_SECONDS, Math.max(0, seconds));
  }

  private async send(batch: SendMessageBatchRequestEntry[]): Promise<void> {
    let left = batch;
    for (let attempt = 1; attempt <= ATTEMPTS && left.length > 0; attempt++) {
      let response;
      try {
        response = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: left }));
      } catch (cause) {
        throw new CertflowError(ErrorCodes.QUEUE_UNAVAILABLE, 'the work queue refused the batch', { retryable: true, cause, context: { queue: this.queueUrl } });
      }
      // Entries SQS blames on the sender (bad input) are a bug: fail loudly, never retry them.
      const senderFault = (response.Failed ?? []).find((f) => f.SenderFault);
      if (senderFault) {
        throw new CertflowError(ErrorCodes.QUEUE_UNAVAILABLE, `the work queue refused a message: ${senderFault.Code ?? 'unknown'}`, {
          context: { queue: this.queueUrl, code: senderFault.Code ?? 'unknown' },
        });
      }
      const failed = new Set((response.Failed ?? []).map((f) => f.Id));
      left = left.filter((e) => failed.has(e.Id));
    }
    if (left.length > 0) {
      throw new CertflowError(ErrorCodes.QUEUE_UNAVAILABLE, `the work queue did not take ${left.length.toString()} message(s)`, {
        retryable: true,
        context: { queue: this.queueUrl },
      });
    }
  }
}
