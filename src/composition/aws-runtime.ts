import { awsClientFactory, type AwsClientFactory } from '../adapters/aws/client-factory.js';
import { buildEventBus, buildStateStore, buildWorkQueue } from '../adapters/aws/factories.js';
import { CertflowError, ErrorCodes } from '../domain/errors/index.js';

/*
 * The AWS composition root, light half: settings and the clients of the table, the bus and the
 * queue. Handlers that need no configuration (publisher, ACM ingest, approval expiry) import only
 * this; aws-configured-runtime.ts adds the configuration and the adapters it names. Handlers call
 * these at module scope, so everything is built once per cold start, and each builder is its own
 * export so a function's bundle carries only the clients its code path uses.
 */

/** The environment variables serverless.yml sets, by setting. Names and locations only, never secrets. */
export const AWS_ENVIRONMENT = {
  stage: 'CERTFLOW_STAGE',
  tableName: 'CERTFLOW_STATE_TABLE',
  eventBusName: 'CERTFLOW_EVENT_BUS',
  workQueueUrl: 'CERTFLOW_WORK_QUEUE_URL',
  configLocation: 'CERTFLOW_CONFIG_LOCATION',
} as const;

export type AwsSettings = { readonly [K in keyof typeof AWS_ENVIRONMENT]: string };

/**
 * Reads the settings a handler needs. Throws one `CONFIG.INVALID` naming every missing variable,
 * so a misconfigured deployment fails at cold start with the whole list rather than one at a time.
 */
export function awsSettings<K extends keyof AwsSettings>(env: NodeJS.ProcessEnv, needed: readonly K[]): Pick<AwsSettings, K> {
  const missing = needed.map((k) => AWS_ENVIRONMENT[k]).filter((name) => !env[name]?.trim());
  if (missing.length > 0) {
    throw new CertflowError(ErrorCodes.CONFIG_INVALID, `missing environment variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`, {
      details: missing.map((name) => `${name}: is required`),
      context: { missing },
    });
  }
  return Object.fromEntries(needed.map((k) => [k, env[AWS_ENVIRONMENT[k]]!.trim()])) as Pick<AwsSettings, K>;
}

/** The names a stage's resources get in serverless.yml, for the CLI run against a deployed stage. */
export function stageSettings(stage: string): Pick<AwsSettings, 'stage' | 'tableName' | 'eventBusName'> {
  if (!/^[a-zA-Z0-9-]{1,32}$/.test(stage)) {
    throw new CertflowError(ErrorCodes.INPUT_INVALID, `'${stage}' is not a stage name (letters, digits and dashes)`, { context: { stage } });
  }
  return { stage, tableName: `certflow-${stage}-state`, eventBusName: `certflow-${stage}` };
}

export { awsClientFactory, buildEventBus, buildStateStore, buildWorkQueue, type AwsClientFactory };

