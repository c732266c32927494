import { afterEach, describe, expect, it, vi } from 'vitest';
import { invocationLog, loadSettings } from '../../../functions/lib/aws-deps.js';
import { CertflowError } from '../../../src/domain/errors/index.js';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('loadSettings', () => {
  it('reads the settings a handler asks for from the environment', () => {
    // Prepare
    const env = { CERTFLOW_STATE_TABLE: 'certflow-prod-state', CERTFLOW_EVENT_BUS: 'certflow-prod', CERTFLOW_STAGE: 'prod' };
    // Act
    const settings = loadSettings(env, ['tableName', 'eventBusName']);
    // Assess
    expect(settings).toEqual({ tableName: 'certflow-prod-state', eventBusName: 'certflow-prod' });
  });

  it('names every missing variable in one CONFIG.INVALID', () => {
    // Prepare
    const env = { CERTFLOW_EVENT_BUS: '  ' };
    // Act
    const error = (() => {
      try {
        loadSettings(env, ['tableName', 'eventBusName', 'stage']);
      } catch (e) {
        return e as CertflowError;
      }
      return undefined;
    })();
    // Assess
    expect(error).toBeInstanceOf(CertflowError);
    expect(error?.toJSON()).toMatchObject({
      code: 'CONFIG.INVALID',
      message: 'missing environment variables CERTFLOW_STATE_TABLE, CERTFLOW_EVENT_BUS, CERTFLOW_STAGE',
    });
  });
});

describe('handler cold start', () => {
  it('fails to load with CONFIG.INVALID naming the variable when the table is not configured', async () => {
    // Prepare
    vi.stubEnv('CERTFLOW_STATE_TABLE', '');
    vi.stubEnv('CERTFLOW_EVENT_BUS', 'certflow-test');
    // Act
    const error = (await import('../../../functions/publish-events.js').catch((e: unknown) => e)) as CertflowError;
    // Assess
    expect(error.toJSON()).toMatchObject({ code: 'CONFIG.INVALID', context: { missing: ['CERTFLOW_STATE_TABLE'] } });
  });
});

describe('invocationLog', () => {
  it('marks only the first invocation of a process as a cold start and times each one', async () => {
    // Prepare
    const lines: string[] = [];
    let clock = 0;
    const mw = invocationLog<number>({ fn: 'f', summarize: (n) => ({ n }), write: (l) => lines.push(l), now: () => (clock += 5) });
    const request = () => ({ event: { id: 'e-1' }, context: { awsRequestId: 'r' }, response: 7, error: null, internal: {} }) as never;
    // Act
    for (const r of [request(), request()]) {
      mw.before!(r);
      mw.after!(r);
    }
    // Assess
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { level: 'info', fn: 'f', requestId: 'r', coldStart: true, ms: 5, eventId: 'e-1', outcome: 'ok', n: 7 },
      { level: 'info', fn: 'f', requestId: 'r', coldStart: false, ms: 5, eventId: 'e-1', outcome: 'ok', n: 7 },
    ]);
  });

  it('logs a foreign error by name only, since its message may quote the input', () => {
    // Prepare
    const lines: string[] = [];
    const mw = invocationLog({ fn: 'f', write: (l) => lines.push(l), now: () => 0 });
    const error = new TypeError('cannot read -----BEGIN PRIVATE KEY----- of undefined');
    const request = { event: {}, context: {}, response: null, error, internal: {} } as never;
    // Act
    mw.before!(request);
    mw.onError!(request);
    // Assess
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', outcome: 'error', code: 'UNEXPECTED', errorName: 'TypeError', retryable: true });
    expect(lines[0]).not.toContain('PRIVATE KEY');
  });
});
