/** Thrown by the injector: stands for the process dying at that point. */
export class SimulatedCrash extends Error {
  constructor(readonly call: number) {
    super(`simulated crash at call ${call.toString()}`);
  }
}

/**
 * Counts every port call across the objects it wraps and "crashes" at call number `at`:
 * before the call reaches the adapter, or after it completed but before the caller learns of it.
 */
export class CrashInjector {
  private calls = 0;
  constructor(
    private readonly at: number,
    private readonly when: 'before' | 'after',
  ) {}

  get callCount(): number {
    return this.calls;
  }

  wrap<T extends object>(target: T): T {
    return new Proxy(target, {
      get: (obj, prop, receiver) => {
        const value: unknown = Reflect.get(obj, prop, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const call = ++this.calls;
          if (call === this.at && this.when === 'before') throw new SimulatedCrash(call);
          const result: unknown = await (value as (...a: unknown[]) => unknown).apply(obj, args);
          if (call === this.at && this.when === 'after') throw new SimulatedCrash(call);
          return result;
        };
      },
    });
  }
}
