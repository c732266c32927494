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
/**
 * Lists of names by their shape (how many, how long), built rather than generated character by
 * character: long lists and long names are what breaks an event, and generating 3000 random
 * strings per case would spend the budget on randomness that does not matter here.
 */
const namesArb = (maxCount: number, maxLength: number) =>
  fc.tuple(fc.nat(maxCount), fc.nat({ max: maxLength - 1 }), fc.string({ maxLength: 8 })).map(([count, length, salt]) =>
    Array.from({ length: count }, (_, i) => `${salt}${i.toString()}`.padEnd(length + 1, 'x')),
  );

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

  it(`builds a valid Certificate Discovered event under 256 KB for any names and any locator (${RUNS.eventBuilders.toString()} cases)`, () => {
    fc.assert(
      fc.property(
        namesArb(3000, 300),
        namesArb(300, 60),
        namesArb(200, 5000),
        fc.nat(1000).map((n) => `/certs/${'d/'.repeat(n)}a.pem`),
        (dns, ip, uri, locator) => {
          const at = new Date('2026-11-01T00:00:00Z');
          const record: CertificateRecord = { id: 'file-1', origin: 'file', locator, revision: 0, firstSeenAt: at, lastSeenAt: at };
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
