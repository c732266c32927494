import { main } from '../../src/cli/main.js';
import type { Clock } from '../../src/ports/clock.port.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI in-process, as `certflow <args>` would, capturing its output. `clock` is the
 * in-process time seam (no command-line option sets the time of a write).
 */
export async function certflow(args: readonly string[], options: { cwd: string; env?: Record<string, string>; clock?: Clock; color?: boolean; progress?: boolean }): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main([...args], {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    env: options.env ?? {},
    cwd: options.cwd,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.color === undefined ? {} : { color: options.color }),
    ...(options.progress === undefined ? {} : { progress: options.progress }),
  });
  return { code, stdout, stderr };
}
