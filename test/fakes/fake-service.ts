/**
 * What every in-memory AWS service fake shares: a call log, faults queued per operation, and a
 * yield before each call acts, so concurrent callers interleave as they would over a network.
 */
export abstract class FakeService<Op extends string> {
  readonly calls: { operation: Op; input: unknown; at: number }[] = [];
  private readonly faults: { operation: Op; error: Error }[] = [];

  constructor(protected readonly clockMs: () => number = () => Date.now()) {}

  /** The next call of `operation` fails with `error` (queued; one failure each). */
  failNext(operation: Op, error: Error): this {
    this.faults.push({ operation, error });
    return this;
  }

  count(operation: Op): number {
    return this.calls.filter((c) => c.operation === operation).length;
  }

  protected async call<T>(operation: Op, input: unknown, act: () => T): Promise<T> {
    this.calls.push({ operation, input, at: this.clockMs() });
    await Promise.resolve();
    const fault = this.faults.findIndex((f) => f.operation === operation);
    if (fault >= 0) throw this.faults.splice(fault, 1)[0]?.error;
    return act();
  }
}
