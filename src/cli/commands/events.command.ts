import { readFile } from 'node:fs/promises';
import { validateAcmEvent, ACM_SOURCE } from '../../domain/events/acm-events.js';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import { compilePattern, matches } from '../../domain/events/pattern.js';
import { formatIssues, validateEnvelope } from '../../domain/events/validate.js';
import { EXIT } from '../io.js';
import { stringOption, type CommandContext } from '../context.js';

/** `certflow events test-pattern`: exit 0 match, 1 no match, 2 invalid input. */
export async function testPatternCommand(ctx: CommandContext): Promise<number> {
  const patternFile = stringOption(ctx, 'pattern');
  const eventFile = stringOption(ctx, 'event');
  if (patternFile === undefined || eventFile === undefined) {
    throw new CertflowError(ErrorCodes.INPUT_INVALID, `certflow events test-pattern needs --pattern FILE and --event FILE (see 'certflow events test-pattern --help')`);
  }
  const compiled = compilePattern(await readText(patternFile));
  const event = parseJson(await readText(eventFile), eventFile);
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new CertflowError(ErrorCodes.EVENT_INVALID, `${eventFile}: an event is a JSON object`);
  }
  const matched = matches(compiled, event);
  ctx.io.stdout(matched ? 'match\n' : 'no match\n');
  return matched ? EXIT.ok : EXIT.failure;
}

/** `certflow events validate FILE...`: every file checked; exit 0 when all are valid, 2 otherwise. */
export async function validateCommand(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length === 0) throw new CertflowError(ErrorCodes.INPUT_INVALID, `certflow events validate needs at least one FILE (see 'certflow events validate --help')`);
  let exit: number = EXIT.ok;
  for (const file of ctx.positionals) {
    let event: unknown;
    try {
      event = parseJson(await readText(file), file);
    } catch (error) {
      ctx.io.stderr(`certflow: ${(error as CertflowError).code}: ${(error as Error).message}\n`);
      exit = EXIT.usage;
      continue;
    }
    const source = (event as { source?: unknown } | null)?.source;
    const result = source === ACM_SOURCE ? validateAcmEvent(event) : validateEnvelope(event);
    const detailType = String((event as { 'detail-type'?: unknown } | null)?.['detail-type'] ?? '?');
    if (result.ok) {
      ctx.io.stdout(`${file}: valid ${detailType}\n`);
    } else {
      exit = EXIT.usage;
      ctx.io.stderr(`certflow: ${ErrorCodes.EVENT_INVALID}: ${file}: invalid ${detailType}\n${formatIssues(result.issues).map((l) => `  ${l}\n`).join('')}`);
    }
  }
  return exit;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new CertflowError(ErrorCodes.INPUT_INVALID, `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`, { cause: error });
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CertflowError(ErrorCodes.INPUT_INVALID, `${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}
