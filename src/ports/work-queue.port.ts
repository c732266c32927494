/** One request to work, no earlier than `notBefore`. */
export interface WorkItem {
  readonly requestId: string;
  readonly notBefore?: Date;
}

/**
 * Hands requests to issuance workers, at least once. A delay the queue cannot hold (SQS: 15
 * minutes) is shortened to its maximum: a worker that gets an item early finds the request not
 * yet due and puts it back, and the planner's sweep of the due index is the safety net.
 */
export interface WorkQueue {
  /** The longest delay the queue holds, in seconds. */
  readonly maxDelaySeconds: number;
  enqueue(items: readonly WorkItem[]): Promise<void>;
}
