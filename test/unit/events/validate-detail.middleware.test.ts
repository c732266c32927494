import middy from '@middy/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../scripts/lib/schema-files.js';
import { validateAcmEvent } from '../../../src/domain/events/acm-events.js';
import { validateDetail, type BatchItemFailures } from '../../../src/adapters/lambda/validate-detail.middleware.js';
import type { CertflowError } from '../../../src/domain/errors/index.js';

const example = (name: string) => JSON.parse(readFileSync(join(REPO_ROOT, 'events/examples', name), 'utf8')) as Record<string, unknown>;
const rotated = example('certificate-rotated.json');
const context = {} as never;

/** A handler that records what reached it. */
function recordingHandler(options: Parameters<typeof validateDetail>[0] = {}) {
  const seen: unknown[] = [];
  const handler = middy()
    .use(validateDetail(options))
    .handler(async (event: unknown) => {
      seen.push(event);
      return { batchItemFailures: [] } as BatchItemFailures;
    });
  return { handler, seen };
}

describe('validateDetail middleware', () => {
  it('passes a valid EventBridge event to the handler', async () => {
    // Prepare
    const { handler, seen } = recordingHandler();
    // Act
    await handler(rotated, context);
    // Assess
    expect(seen).toEqual([rotated]);
  });

  it('throws a non-retryable EVENT.INVALID with every reason for an invalid event, before the handler', async () => {
    // Prepare
    const { handler, seen } = recordingHandler();
    const event = { ...rotated, detail: { ...(rotated.detail as object), revision: 'two', secretName: undefined } };
    // Act
    const error = (await handler(event, context).catch((e: unknown) => e)) as CertflowError;
    // Assess
    expect(seen).toEqual([]);
    expect(error.toJSON()).toMatchObject({ code: 'EVENT.INVALID', retryable: false, details: ['/detail/secretName: is required', '/detail/revision: must be integer'] });
  });

  it('refuses a detail-type the function does not handle', async () => {
    // Prepare
    const { handler } = recordingHandler({ detailTypes: ['Issuance Approved'] });
    // Act
    const error = (await handler(rotated, context).catch((e: unknown) => e)) as CertflowError;
    // Assess
    expect(error.details).toEqual(['/detail-type: "Certificate Rotated" is not handled here (expected Issuance Approved)']);
  });

  it('reports invalid SQS records in batchItemFailures and hands the rest to the handler', async () => {
    // Prepare: one valid record, one malformed JSON, one missing fields, one wrong detail-type
    const reported: string[] = [];
    const { handler, seen } = recordingHandler({ onInvalidRecord: (id, error) => reported.push(`${id} ${error.code}`) });
    const records = [
      { messageId: 'm1', body: JSON.stringify(rotated) },
      { messageId: 'm2', body: '{"version": "0", ' },
      { messageId: 'm3', body: JSON.stringify({ ...rotated, detail: { schemaVersion: '1.0' } }) },
      { messageId: 'm4', body: JSON.stringify({ ...rotated, 'detail-type': 'Certificate Exploded' }) },
    ];
    // Act
    const response = (await handler({ Records: records }, context)) as BatchItemFailures;
    // Assess
    expect(seen).toEqual([{ Records: [records[0]] }]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }, { itemIdentifier: 'm4' }]);
    expect(reported).toEqual(['m2 EVENT.INVALID', 'm3 EVENT.INVALID', 'm4 EVENT.INVALID']);
  });

  it('keeps the failures the handler reports itself', async () => {
    // Prepare
    const handler = middy()
      .use(validateDetail({ onInvalidRecord: () => undefined }))
      .handler(async () => ({ batchItemFailures: [{ itemIdentifier: 'm1' }] }));
    const records = [
      { messageId: 'm1', body: JSON.stringify(rotated) },
      { messageId: 'm2', body: 'not json' },
    ];
    // Act
    const response = (await handler({ Records: records }, context)) as BatchItemFailures;
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }]);
  });

  it('validates ACM events with the ACM validator', async () => {
    // Prepare
    const acm = JSON.parse(readFileSync(join(REPO_ROOT, 'events/examples/acm/acm-certificate-expired.json'), 'utf8')) as unknown;
    const { handler, seen } = recordingHandler({ validate: validateAcmEvent });
    // Act
    await handler(acm, context);
    // Assess
    expect(seen).toEqual([acm]);
  });
});
