import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EXIT, colors, reportError, usageError, type CliIo } from './io.js';
import { COMMANDS, HELP, findCommand, type CommandSpec, type OptionSpec } from './spec.js';

/** The package version, from the package.json above this module (src/cli/ or dist/). */
export function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'certflow' && pkg.version) return pkg.version;
    } catch {
      // not here: look one directory up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

function optionLabel(o: OptionSpec): string {
  return `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.value ? ` ${o.value}` : ''}`;
}

/** The help of one command (or subcommand), as `--help` prints it. */
export function commandHelp(spec: CommandSpec, path: string, io: Pick<CliIo, 'color'> = {}): string {
  const c = colors(io);
  const options = [...spec.options, HELP];
  const lines = [`${c.bold(path)} - ${spec.summary}`, ''];
  if (spec.subcommands) {
    lines.push(`usage: ${path} <command> [options]`, '', 'commands:');
    const width = Math.max(...spec.subcommands.map((s) => s.name.length));
    for (const s of spec.subcommands) lines.push(`  ${s.name.padEnd(width)}  ${s.summary}`);
    lines.push('', `Run '${path} <command> --help' for a command's options.`);
  } else {
    lines.push(`usage: ${path}${spec.args ? ` ${spec.args}` : ''} [options]`);
  }
  if (spec.description) lines.push('', spec.description);
  lines.push('', 'options:');
  const width = Math.max(...options.map((o) => optionLabel(o).length));
  for (const o of options) lines.push(`  ${optionLabel(o).padEnd(width)}  ${o.help}`);
  lines.push('', 'examples:', ...spec.examples.map((e) => `  ${e}`), '');
  return lines.join('\n');
}

/** The top-level help. */
export function usage(io: Pick<CliIo, 'color'> = {}): string {
  const c = colors(io);
  const width = Math.max(...COMMANDS.map((s) => s.name.length));
  return [
    `${c.bold('certflow')} - certificate lifecycle: discover, approve, issue, renew, alert`,
    '',
    'usage: certflow <command> [options]',
    '',
    'commands:',
    ...COMMANDS.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`),
    '',
    'options:',
    '  -h, --help     show help (also: certflow <command> --help, certflow help <command>)',
    '  -V, --version  print the version',
    '',
    'exit codes: 0 success, 1 failure or attention needed (plan, check), 2 bad usage or bad input (check: critical)',
    "Run 'certflow <command> --help' for a command's options and examples.",
    '',
  ].join('\n');
}

function parseOptions(spec: CommandSpec, path: string, args: string[]) {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const o of [...spec.options, HELP]) options[o.name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw usageError(error instanceof Error ? error.message : 'invalid arguments', path.replace(/^certflow ?/, ''));
  }
}

/** Runs one CLI invocation and returns its exit code; never throws. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    const [name, ...rest] = argv;
    if (name === '--version' || name === '-V' || name === 'version') {
      io.stdout(`certflow ${version()}\n`);
      return EXIT.ok;
    }
    if (name === undefined) {
      io.stderr(usage());
      return EXIT.usage;
    }
    if (name === '--help' || name === '-h' || name === 'help') {
      const topic = rest.filter((a) => !a.startsWith('-'));
      if (topic.length === 0) {
        io.stdout(usage(io));
        return EXIT.ok;
      }
      return await main([...topic, '--help'], io);
    }
    let spec = findCommand(name);
    if (!spec) throw usageError(`unknown command '${name}'`);
    let path = `certflow ${name}`;
    let args = rest;
    if (spec.subcommands) {
      const [sub, ...subArgs] = rest;
      const child = sub === undefined || sub.startsWith('-') ? undefined : findCommand(sub, spec.subcommands);
      if (!child) {
        if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
          (sub === undefined ? io.stderr : io.stdout)(commandHelp(spec, path, sub === undefined ? {} : io));
          return sub === undefined ? EXIT.usage : EXIT.ok;
        }
        throw usageError(`unknown command '${sub}'`, name);
      }
      spec = child;
      path = `${path} ${child.name}`;
      args = subArgs;
    }
    const { values, positionals } = parseOptions(spec, path, args);
    if (values['help'] === true) {
      io.stdout(commandHelp(spec, path, io));
      return EXIT.ok;
    }
    if (!spec.load) throw usageError(`'${path}' needs a command`, name);
    if (spec.args === undefined && positionals.length > 0) throw usageError(`unexpected argument '${positionals[0] ?? ''}'`, path.replace(/^certflow /, ''));
    const handler = await spec.load();
    return await handler({ io, spec, path, values, positionals });
  } catch (error) {
    return reportError(io, error);
  }
}
