import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { discovered } from '../../src/app/lifecycle-events.js';
import type { CertificateRecord } from '../../src/app/records.js';
import { formatIssues, validateDetail, validateEnvelope } from '../../src/domain/events/validate.js';
import { RUNS } from './support.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'events', 'examples');
const examples = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(EXAMPLES, f), 'utf8')) as Record<string, unknown>)
  .filter((e) => e['source'] === 'certflow');

/** An example event with one value, at a random depth of its detail, replaced by arbitrary JSON. */
const mutatedExample = fc.tuple(fc.constantFrom(...examples), fc.array(fc.nat(20), { minLength: 1, maxLength: 3 }), fc.jsonValue({ maxDepth: 3 })).map(([example, path, value]) => {
  const copy = structuredClone(example);
  let here: Record<string, unknown> = copy;
  for (const [i, step] of path.entries()) {
    const keys = Object.keys(here);
    if (keys.length === 0) break;
    const key = keys[step % keys.length] as string;
    const child = here[key];
    if (i === path.length - 1 || child === null || typeof child !== 'object' || Array.isArray(child)) {
      here[key] = value;
      break;
    }
    here = child as Record<string, unknown>;
  }
  return copy;
});

const EVENTBRIDGE_ENTRY_LIMIT = 256 * 1024;
const nameArb = (max: number) => fc.string({ minLength: 1, maxLength: max });

describe('events (property tier)', () => {
  it(`validates any JSON, and any mutation of an example event, to a result without failing (${RUNS.events.toString()} cases)`, () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 5 }), mutatedExample), (event) => {
        const result = validateEnvelope(event);
        if (!result.ok) expect(formatIssues(result.issues).every((line) => typeof line === 'string')).toBe(true);
      }),
      { numRuns: RUNS.events },
    );
  });

  it(`builds a valid Certificate Discovered event under 256 KB for any list of names (${RUNS.eventBuilders.toString()} cases)`, () => {
    fc.assert(
      fc.property(
        fc.array(nameArb(300), { maxLength: 3000 }),
        fc.array(nameArb(60), { maxLength: 300 }),
        fc.array(nameArb(5000), { maxLength: 200 }),
        (dns, ip, uri) => {
          const at = new Date('2026-11-01T00:00:00Z');
          const record: CertificateRecord = { id: 'file-1', origin: 'file', locator: '/certs/a.pem', revision: 0, firstSeenAt: at, lastSeenAt: at };
          const facts = {
            serialNumber: '0A1B', subject: 'CN=x', issuerName: 'CN=y', names: { dns, ip, uri }, notBefore: at, notAfter: at,
            fingerprintSha256: Array(32).fill('AB').join(':'), keyAlgorithm: 'EC_P256' as const,
          };
          const event = discovered(record, facts, at);
          const result = validateDetail('Certificate Discovered', event.detail);
          expect(result.ok ? [] : formatIssues(result.issues)).toEqual([]);
          expect(Buffer.byteLength(JSON.stringify(event))).toBeLessThan(EVENTBRIDGE_ENTRY_LIMIT);
        },
      ),
      { numRuns: RUNS.eventBuilders },
    );
  });
});
