import { readFileSync, statSync } from 'node:fs';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import type { AdapterFactoryDeps } from '../registry/descriptor.js';

/**
 * Where a Slack secret lives, as configuration names it: `ssm:/certflow/prod/slack/signing-secret`
 * (an SSM SecureString, read with decryption at cold start) or `file:./slack-signing-secret` (the
 * local default: a file only its owner can read, mode 0600). The value is held in memory only; it
 * is never put in the environment, an event, a log line or an error.
 */
export type SecretRef = string;

export const SECRET_REF_PATTERN = '^(ssm:/[A-Za-z0-9_./-]+|file:.+)$';

export async function readSecret(ref: SecretRef, deps: Pick<AdapterFactoryDeps, 'aws' | 'resolvePath'>, what: string): Promise<string> {
  if (ref.startsWith('file:')) {
    const path = deps.resolvePath(ref.slice('file:'.length));
    let mode: number;
    try {
      mode = statSync(path).mode & 0o777;
    } catch (cause) {
      throw new CertflowError(ErrorCodes.SECRET_UNAVAILABLE, `cannot read the ${what} file ${path}`, { cause, context: { path } });
    }
    if ((mode & 0o077) !== 0) {
      throw new CertflowError(ErrorCodes.SECRET_UNAVAILABLE, `the ${what} file ${path} is readable by others (mode ${mode.toString(8)}); chmod 600 it`, { context: { path } });
    }
    const value = readFileSync(path, 'utf8').trim();
    if (value === '') throw new CertflowError(ErrorCodes.SECRET_UNAVAILABLE, `the ${what} file ${path} is empty`, { context: { path } });
    return value;
  }
  if (ref.startsWith('ssm:')) {
    const name = ref.slice('ssm:'.length);
    const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
    try {
      const out = await deps.aws.client(SSMClient).send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      const value = out.Parameter?.Value?.trim();
      if (!value) throw new Error('empty');
      return value;
    } catch (cause) {
      // The SDK error names the parameter only; its message could in theory echo a value, so it is not kept.
      throw new CertflowError(ErrorCodes.SECRET_UNAVAILABLE, `cannot read the ${what} from SSM parameter ${name}`, { retryable: true, cause: { name: (cause as Error).name }, context: { parameter: name } });
    }
  }
  throw new CertflowError(ErrorCodes.CONFIG_INVALID, `the ${what} reference must start with ssm:/ or file:`);
}
