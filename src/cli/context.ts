import { resolve } from 'node:path';
import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import type { CliIo } from './io.js';
import type { CommandSpec } from './spec.js';
import type { RuntimeOptions } from './runtime.js';

export type OptionValue = string | boolean | (string | boolean)[] | undefined;

/** What a command receives: its parsed arguments and where to write. */
export interface CommandContext {
  readonly io: CliIo;
  readonly spec: CommandSpec;
  /** `certflow events validate` for a subcommand. */
  readonly path: string;
  readonly values: Readonly<Record<string, OptionValue>>;
  readonly positionals: readonly string[];
}

export type CommandHandler = (ctx: CommandContext) => Promise<number>;

export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function flag(ctx: CommandContext, name: string): boolean {
  return ctx.values[name] === true;
}

/** The config file named by --config, $CERTFLOW_CONFIG, or ./certflow.yaml. */
export function configPath(ctx: CommandContext): string {
  return resolve(ctx.io.cwd, stringOption(ctx, 'config') ?? ctx.io.env['CERTFLOW_CONFIG'] ?? 'certflow.yaml');
}

/**
 * Where the command's runtime comes from, from its RUNTIME options (spec.ts). A second runtime
 * (a deployed stack: --stage, --region) is one more option there and one more field here.
 */
export function runtimeOptions(ctx: CommandContext, extra: Omit<RuntimeOptions, 'configPath' | 'stage' | 'region'> = {}): RuntimeOptions {
  const stage = stringOption(ctx, 'stage');
  const region = stringOption(ctx, 'region');
  if (region !== undefined && stage === undefined) throw new CertflowError(ErrorCodes.INPUT_INVALID, '--region goes with --stage (the local default has no region)');
  return { configPath: configPath(ctx), ...(stage === undefined ? {} : { stage }), ...(region === undefined ? {} : { region }), ...extra };
}

/** Who is acting: --as, then $CERTFLOW_USER. */
export function identity(ctx: CommandContext, what: string): string {
  const who = stringOption(ctx, 'as') ?? ctx.io.env['CERTFLOW_USER'];
  if (!who || who.trim() === '') throw new CertflowError(ErrorCodes.INPUT_INVALID, `${what} needs an identity: pass --as <name> (or set CERTFLOW_USER)`);
  return who.trim();
}

/** The one positional a command takes, or a usage error. */
export function onePositional(ctx: CommandContext, what: string): string {
  const [first, ...rest] = ctx.positionals;
  if (first === undefined) throw new CertflowError(ErrorCodes.INPUT_INVALID, `${ctx.path} needs ${what} (see '${ctx.path} --help')`);
  if (rest.length > 0) throw new CertflowError(ErrorCodes.INPUT_INVALID, `${ctx.path} takes one ${what}, got ${ctx.positionals.length.toString()} (see '${ctx.path} --help')`);
  return first;
}
