/**
 * Maps `items` through `fn` with at most `limit` in flight, keeping input order in the result.
 * Concurrency here is for I/O: it lets stores group the writes of many certificates into one
 * commit, and lets issuers that wait on the network overlap.
 */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

/** Certificates worked at once in one process. */
export const WORK_CONCURRENCY = 256;
