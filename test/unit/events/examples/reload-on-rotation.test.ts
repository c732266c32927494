import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRotationHandler, InMemoryAppliedRevisions, type RotatedDetail } from '../../../../examples/reload-on-rotation/reload-on-rotation.js';
import { REPO_ROOT } from '../../../../scripts/lib/schema-files.js';

const example = JSON.parse(readFileSync(join(REPO_ROOT, 'events/examples/certificate-rotated.json'), 'utf8')) as { detail: Record<string, unknown> };
const rotation = (revision: number, certificateId = 'web') => ({
  ...example,
  detail: { ...example.detail, certificateId, revision, idempotencyKey: `cert:${certificateId}:rev:${revision}:rotated`, secretVersionId: `v-${revision}` },
});

function consumer(failFirstReload = false) {
  const reloads: string[] = [];
  let fail = failFirstReload;
  const handle = createRotationHandler({
    applied: new InMemoryAppliedRevisions(),
    reload: async (detail: RotatedDetail) => {
      if (fail) {
        fail = false;
        throw new Error('secret store unreachable');
      }
      reloads.push(`${detail.certificateId}@${detail.revision}`);
    },
  });
  return { handle, reloads };
}

describe('reload-on-rotation example', () => {
  it('reloads once per revision, ignoring duplicates and older revisions', async () => {
    // Prepare: revision 3, a duplicate of it, a late revision 2, then revision 4
    const { handle, reloads } = consumer();
    // Act
    const outcomes = [];
    for (const event of [rotation(3), rotation(3), rotation(2), rotation(4)]) outcomes.push((await handle(event)).status);
    // Assess
    expect(outcomes).toEqual(['reloaded', 'duplicate', 'stale', 'reloaded']);
    expect(reloads).toEqual(['web@3', 'web@4']);
  });

  it('keys revisions per certificate', async () => {
    // Prepare
    const { handle, reloads } = consumer();
    // Act
    await handle(rotation(5, 'web'));
    await handle(rotation(1, 'api'));
    // Assess
    expect(reloads).toEqual(['web@5', 'api@1']);
  });

  it('records nothing when the reload fails, so the redelivery reloads', async () => {
    // Prepare
    const { handle, reloads } = consumer(true);
    // Act
    const first = await handle(rotation(2)).catch((e: Error) => e.message);
    const second = await handle(rotation(2));
    // Assess
    expect(first).toBe('secret store unreachable');
    expect(second.status).toBe('reloaded');
    expect(reloads).toEqual(['web@2']);
  });

  it('ignores events that do not match the published schema or are not rotations', async () => {
    // Prepare
    const { handle, reloads } = consumer();
    // Act
    const invalid = await handle({ ...example, detail: { ...example.detail, revision: 'three' } });
    const other = await handle({ ...example, 'detail-type': 'Certificate Issued' });
    // Assess
    expect([invalid.status, other.status]).toEqual(['ignored', 'ignored']);
    expect(reloads).toEqual([]);
  });
});
