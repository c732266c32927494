import { vi } from 'vitest';

/** One JSON line a handler wrote: a Powertools log entry or an EMF metrics document. */
export type OutputLine = Record<string, unknown> & { _aws?: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] } };

/**
 * Captures what handlers write to stdout (Powertools Logger and Metrics write JSON lines there, as
 * Lambda ships them to CloudWatch), so tests assert on real log lines and real EMF metrics.
 */
export function captureLambdaOutput() {
  const lines: OutputLine[] = [];
  const collect = (chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) {
      if (!line.trim().startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as OutputLine);
      } catch {
        // Not ours: leave it out.
      }
    }
    return true;
  };
  // Powertools writes warnings and errors to stderr, the rest (and EMF) to stdout.
  const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(collect), vi.spyOn(process.stderr, 'write').mockImplementation(collect)];
  return {
    lines,
    logs: () => lines.filter((l) => typeof l['level'] === 'string'),
    /** Sum of an EMF metric over every document, optionally only those with the given dimension values. */
    metric: (name: string, dimensions: Readonly<Record<string, string>> = {}): number =>
      lines
        .filter((l) => l._aws?.CloudWatchMetrics.some((m) => m.Metrics.some((x) => x.Name === name)))
        .filter((l) => Object.entries(dimensions).every(([k, v]) => l[k] === v))
        .reduce((sum, l) => sum + valueOf(l, name), 0),
    /** The series an alarm watches: the metric with exactly the service and stage dimensions. */
    alarmSeries: (name: string): number =>
      lines
        .filter((l) => l._aws?.CloudWatchMetrics.some((m) => m.Metrics.some((x) => x.Name === name) && JSON.stringify(m.Dimensions) === '[["service","stage"]]'))
        .reduce((sum, l) => sum + valueOf(l, name), 0),
    restore: () => spies.forEach((s) => s.mockRestore()),
  };
}

/** EMF keeps repeated values of one metric in an array. */
function valueOf(line: OutputLine, name: string): number {
  const v = line[name];
  return Array.isArray(v) ? (v as number[]).reduce((a, b) => a + b, 0) : Number(v);
}
