import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { validateAcmEvent, ACM_SOURCE } from '../../adapters/aws/acm-events.js';
import { isCertflowError } from '../../domain/errors/index.js';
import { compilePattern, matches } from '../../domain/events/pattern.js';
import { formatIssues, validateEnvelope } from '../../domain/events/validate.js';

/** Where the command writes; the CLI passes process streams, tests pass recorders. */
export interface CommandIo {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

const USAGE = `usage:
  certflow events test-pattern --pattern FILE --event FILE   exit 0 match, 1 no match, 2 invalid input
  certflow events validate FILE...                           exit 0 all valid, 2 otherwise
`;

/** Exit codes, as scripts and CI read them. */
const MATCH = 0;
const NO_MATCH = 1;
const INVALID = 2;

/**
 * `certflow events …`: check an event pattern against an event as EventBridge would, or validate
 * event files (envelope and detail) against their schemas. `argv` starts after `events`.
 */
export async function eventsCommand(argv: string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'test-pattern':
        return await testPattern(rest, io);
      case 'validate':
        return await validate(rest, io);
      case undefined:
      case 'help':
      case '--help':
        io.stdout(USAGE);
        return sub === undefined ? INVALID : MATCH;
      default:
        io.stderr(`unknown events subcommand "${sub}"\n${USAGE}`);
        return INVALID;
    }
  } catch (error) {
    // parseArgs and file errors are bad input, not crashes: say what is wrong and exit 2.
    io.stderr(`${isCertflowError(error) ? `${error.code}: ` : ''}${(error as Error).message}\n`);
    if (isCertflowError(error)) for (const line of error.details) io.stderr(`  ${line}\n`);
    return INVALID;
  }
}

async function testPattern(args: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({ args, options: { pattern: { type: 'string' }, event: { type: 'string' } }, strict: true });
  if (values.pattern === undefined || values.event === undefined) {
    io.stderr(`test-pattern needs --pattern FILE and --event FILE\n${USAGE}`);
    return INVALID;
  }
  const compiled = compilePattern(await readText(values.pattern));
  const event = parseJson(await readText(values.event), values.event);
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    io.stderr(`${values.event}: an event is a JSON object\n`);
    return INVALID;
  }
  const matched = matches(compiled, event);
  io.stdout(matched ? 'match\n' : 'no match\n');
  return matched ? MATCH : NO_MATCH;
}

async function validate(args: string[], io: CommandIo): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, strict: true });
  if (positionals.length === 0) {
    io.stderr(`validate needs at least one FILE\n${USAGE}`);
    return INVALID;
  }
  let exit = MATCH;
  for (const file of positionals) {
    let event: unknown;
    try {
      event = parseJson(await readText(file), file);
    } catch (error) {
      io.stderr(`${(error as Error).message}\n`);
      exit = INVALID;
      continue;
    }
    const source = (event as { source?: unknown } | null)?.source;
    const result = source === ACM_SOURCE ? validateAcmEvent(event) : validateEnvelope(event);
    const detailType = String((event as { 'detail-type'?: unknown } | null)?.['detail-type'] ?? '?');
    if (result.ok) {
      io.stdout(`${file}: valid ${detailType}\n`);
    } else {
      exit = INVALID;
      io.stderr(`${file}: invalid ${detailType}\n${formatIssues(result.issues).map((l) => `  ${l}\n`).join('')}`);
    }
  }
  return exit;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}
