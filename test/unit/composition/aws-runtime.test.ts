import { describe, expect, it } from 'vitest';
import { awsClientFactory } from '../../../src/adapters/aws/client-factory.js';
import { awsSettings, stageSettings } from '../../../src/composition/aws-runtime.js';
import { ErrorCodes } from '../../../src/domain/errors/index.js';
import { thrown } from '../../support/thrown.js';

class FakeClient {
  static built = 0;
  constructor(readonly config: Record<string, unknown>) {
    FakeClient.built++;
  }
}

describe('awsSettings', () => {
  it('reads the settings a handler names, trimmed', () => {
    // Act
    const settings = awsSettings({ CERTFLOW_STATE_TABLE: ' certflow-prod-state ', CERTFLOW_EVENT_BUS: 'certflow-prod' }, ['tableName', 'eventBusName']);
    // Assess
    expect(settings).toEqual({ tableName: 'certflow-prod-state', eventBusName: 'certflow-prod' });
  });

  it('names every missing variable in one CONFIG.INVALID, so a cold start fails with the whole list', () => {
    // Act
    const error = thrown(() => awsSettings({ CERTFLOW_STATE_TABLE: '  ' }, ['tableName', 'workQueueUrl', 'configLocation']));
    // Assess
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.details).toEqual(['CERTFLOW_STATE_TABLE: is required', 'CERTFLOW_WORK_QUEUE_URL: is required', 'CERTFLOW_CONFIG_LOCATION: is required']);
  });
});

describe('stageSettings', () => {
  it('derives the names serverless.yml gives a stage', () => {
    // Act
    const settings = stageSettings('prod');
    // Assess
    expect(settings).toEqual({ stage: 'prod', tableName: 'certflow-prod-state', eventBusName: 'certflow-prod' });
  });

  it.each(['', 'prod/../x', 'a b', 'x'.repeat(33)])('refuses %j as a stage name', (stage) => {
    // Assess
    expect(thrown(() => stageSettings(stage)).code).toBe(ErrorCodes.INPUT_INVALID);
  });
});

describe('awsClientFactory', () => {
  it('builds one client per class, region and identity, and reuses it', () => {
    // Prepare
    FakeClient.built = 0;
    const clients = awsClientFactory({ region: 'eu-west-1', clientConfig: { maxAttempts: 5 } });
    // Act
    const a = clients.client(FakeClient);
    const b = clients.client(FakeClient);
    const c = clients.client(FakeClient, { region: 'us-east-1' });
    const d = clients.client(FakeClient, { region: 'us-east-1', identity: 'arn:aws:iam::111122223333:role/discovery', credentials: { accessKeyId: 'x' } });
    // Assess
    expect(a).toBe(b);
    expect(new Set([a, c, d]).size).toBe(3);
    expect(FakeClient.built).toBe(3);
    expect(a.config).toEqual({ maxAttempts: 5, region: 'eu-west-1' });
    expect(d.config).toMatchObject({ region: 'us-east-1', credentials: { accessKeyId: 'x' } });
  });
});
