import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { certflow } from '../../support/cli.js';
import { COMMANDS, type CommandSpec } from '../../../src/cli/spec.js';

const leaves: { path: string[]; spec: CommandSpec }[] = COMMANDS.flatMap((c) => [
  { path: [c.name], spec: c },
  ...(c.subcommands ?? []).map((s) => ({ path: [c.name, s.name], spec: s })),
]);
const cwd = tmpdir();

describe('certflow --help', () => {
  it.each(leaves.map((l) => [l.path.join(' '), l] as const))('%s --help exits 0 and names every option of the command, with an example', async (_name, { path, spec }) => {
    // Act
    const long = await certflow([...path, '--help'], { cwd });
    const short = await certflow([...path, '-h'], { cwd });
    const viaHelp = await certflow(['help', ...path], { cwd });
    // Assess
    expect(long).toMatchObject({ code: 0, stderr: '' });
    expect(short.stdout).toBe(long.stdout);
    expect(viaHelp.stdout).toBe(long.stdout);
    expect(long.stdout).toMatch(new RegExp(`^certflow ${path.join(' ')} - `));
    for (const option of spec.options) expect(long.stdout).toContain(`--${option.name}`);
    expect(long.stdout).toContain('--help');
    expect(long.stdout).toMatch(/^examples:\n {2}\S/m);
  });

  it('lists every command in the top-level help', async () => {
    // Act
    const help = await certflow(['--help'], { cwd });
    // Assess
    expect(help.code).toBe(0);
    for (const c of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^ {2}${c.name} +\\S`, 'm'));
  });

  it('prints the package version with --version and -V', async () => {
    // Prepare
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    // Act
    const long = await certflow(['--version'], { cwd });
    const short = await certflow(['-V'], { cwd });
    // Assess
    expect(long).toEqual({ code: 0, stdout: `certflow ${pkg.version}\n`, stderr: '' });
    expect(short).toEqual(long);
  });

  it('refuses an unknown option with one error line naming the help to read', async () => {
    // Act
    const result = await certflow(['ls', '--frobnicate'], { cwd });
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^certflow: INPUT\.INVALID: Unknown option '--frobnicate'.* \(see 'certflow ls --help'\)\n$/);
  });
});

describe('certflow completion', () => {
  it.each([
    ['bash', ['bash', '-n']],
    ['zsh', ['zsh', '-n']],
    ['fish', ['fish', '--no-execute']],
  ] as const)('prints a %s script the shell parses, naming every command', async (shell, check) => {
    // Act
    const result = await certflow(['completion', shell], { cwd });
    // Assess
    expect(result.code).toBe(0);
    for (const c of COMMANDS) expect(result.stdout).toContain(c.name);
    expect(result.stdout).toMatch(/--config|-l config/);
    let available = true;
    try {
      execFileSync('which', [check[0]], { stdio: 'ignore' });
    } catch {
      available = false;
    }
    if (available) {
      const file = join(mkdtempSync(join(tmpdir(), 'certflow-completion-')), `certflow.${shell}`);
      writeFileSync(file, result.stdout);
      execFileSync(check[0], [...check.slice(1), file], { stdio: ['ignore', 'pipe', 'pipe'] });
    }
  });

  it('exits 2 for a shell it does not know', async () => {
    // Act
    const result = await certflow(['completion', 'tcsh'], { cwd });
    // Assess
    expect(result).toMatchObject({ code: 2, stderr: "certflow: INPUT.INVALID: unknown shell 'tcsh' (bash, zsh or fish)\n" });
  });
});
