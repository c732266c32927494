import { main } from '../../src/cli/main.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process, as `certflow <args>` would, capturing its output. */
export async function certflow(args: readonly string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main([...args], {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    env: options.env ?? {},
    cwd: options.cwd,
  });
  return { code, stdout, stderr };
}
