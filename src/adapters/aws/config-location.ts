import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import type { AwsClientFactory } from './client-factory.js';

/** An SSM parameter can hold 8 KB (Advanced tier); a larger configuration goes in S3. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Reads the configuration text from where the stack says it is: `ssm:/certflow/prod/config` (an
 * SSM parameter, SecureString allowed) or `s3://bucket/key`. Only the location appears in errors.
 */
export async function readConfigText(location: string, clients: AwsClientFactory): Promise<string> {
  let text: string | undefined;
  try {
    if (location.startsWith('ssm:')) {
      const name = location.slice('ssm:'.length);
      const out = await clients.client(SSMClient).send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      text = out.Parameter?.Value;
    } else if (location.startsWith('s3://')) {
      const { readS3Object } = await import('./s3-object.js');
      text = await readS3Object(location, clients, MAX_CONFIG_BYTES);
    } else {
      throw new CertflowError(ErrorCodes.CONFIG_INVALID, `config location must be ssm:<parameter> or s3://<bucket>/<key>, got '${location}'`, {
        context: { location },
      });
    }
  } catch (cause) {
    if (cause instanceof CertflowError) throw cause;
    const name = (cause as { name?: string } | undefined)?.name ?? 'Error';
    const retryable = !/NotFound|AccessDenied|NoSuchKey|NoSuchBucket|InvalidKeyId/.test(name);
    throw new CertflowError(ErrorCodes.CONFIG_UNREADABLE, `cannot read the configuration at ${location} (${name})`, { retryable, cause, context: { location } });
  }
  if (text === undefined || text.length === 0) {
    throw new CertflowError(ErrorCodes.CONFIG_UNREADABLE, `the configuration at ${location} is empty`, { context: { location } });
  }
  return text;
}
