import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ValidateFunction } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { createAjv } from '../../../src/domain/schema/ajv.js';
import { isDateTime } from '../../../src/domain/schema/lean-validator.js';
import { formatIssues, issuesFromAjv } from '../../../src/domain/events/validate.js';
import { EventCatalogue, DETAIL_TYPES } from '../../../src/domain/events/catalogue.js';
import { EventEnvelopeSchema } from '../../../src/domain/events/envelope.schema.js';
import { AcmDetailSchemas, AcmEnvelopeSchema } from '../../../src/domain/events/acm-events.schema.js';
import { ACM_DETAIL_TYPES } from '../../../src/domain/events/acm-event-types.js';
import { ConfigSchema } from '../../../src/config/config.schema.js';
import { eventValidators } from '../../../src/generated/validators/events.js';
import { acmValidators } from '../../../src/generated/validators/acm-events.js';

const { details, envelope } = eventValidators;
const { details: acmDetails, envelope: acmEnvelope } = acmValidators;
import { validateConfigFile } from '../../../src/generated/validators/config.js';
import { adapterOptionValidators } from '../../../src/generated/validators/adapter-options.js';
import { schemaFingerprint } from '../../../src/config/schema-fingerprint.js';
import { registries } from '../../../src/adapters/registries.js';
import { staleValidatorModules, VALIDATORS_DIR } from '../../../scripts/lib/validator-modules.js';
import { exampleEvents } from '../events/event-files.js';

type Json = Record<string, unknown>;

/** Variants of a document: each property removed, nulled, retyped, emptied, and an unknown one added. */
function mutations(doc: Json): Json[] {
  const out: Json[] = [doc, { ...doc, unknownProperty: 1 }];
  for (const key of Object.keys(doc)) {
    const { [key]: _removed, ...rest } = doc;
    out.push(rest, { ...doc, [key]: null }, { ...doc, [key]: 12.5 }, { ...doc, [key]: '' }, { ...doc, [key]: 'x'.repeat(300) }, { ...doc, [key]: [] }, { ...doc, [key]: 0 });
    const value = doc[key];
    // Code points, not UTF-16 units, count toward a length: 256 emoji are 256 characters.
    out.push({ ...doc, [key]: '😀'.repeat(256) }, { ...doc, [key]: '😀'.repeat(257) }, { ...doc, [key]: -1 }, { ...doc, [key]: true });
    if (typeof value === 'string') out.push({ ...doc, [key]: `${value}!` }, { ...doc, [key]: value.toLowerCase() });
    if (Array.isArray(value)) out.push({ ...doc, [key]: [...(value as unknown[]), 'x'.repeat(3000), 7] }, { ...doc, [key]: Array.from({ length: 101 }, () => 'a') });
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const inner of mutations(value as Json).slice(1)) out.push({ ...doc, [key]: inner });
    }
  }
  return out;
}

/** The verdict and the issues, in order, as callers see them (a union of literals reads the same as an enum). */
function verdict(validate: ValidateFunction, doc: unknown): { ok: boolean; issues: string[] } {
  const ok = validate(doc);
  return { ok, issues: ok ? [] : formatIssues(issuesFromAjv(validate.errors ?? [])) };
}

const examples = exampleEvents();
const certflowExamples = examples.filter((e) => !e.name.startsWith('acm/')).map((e) => e.json as Json & { 'detail-type': (typeof DETAIL_TYPES)[number]; detail: Json });
const acmExamples = examples.filter((e) => e.name.startsWith('acm/')).map((e) => e.json as Json & { 'detail-type': (typeof ACM_DETAIL_TYPES)[number]; detail: Json });

describe('src/generated/validators/', () => {
  it('matches what scripts/generate-validators.ts generates from the schemas', () => {
    // Prepare: the TypeBox schemas are the single source; the modules are their output
    // Act
    const stale = staleValidatorModules();
    // Assess
    expect(stale, 'run: npm run validators').toEqual([]);
  });

  it('leaves no require() in the generated ESM', () => {
    // Prepare
    const files = ['events.ts', 'acm-events.ts', 'config.ts'].map((f) => readFileSync(join(VALIDATORS_DIR, f), 'utf8'));
    // Act
    const requires = files.flatMap((text) => text.match(/\brequire\(/g) ?? []);
    // Assess
    expect(requires).toEqual([]);
  });
});

describe('precompiled validators agree with ajv compiling the TypeBox schemas', () => {
  // As the event validators compiled them before: verbose, so a union can name its values.
  const ajv = createAjv({ verbose: true });

  it.each(DETAIL_TYPES.map((d) => [d]))('%s: same verdict and issues on the example and its mutations', (detailType) => {
    // Prepare
    const compiled = ajv.compile(EventCatalogue[detailType]);
    const example = certflowExamples.find((e) => e['detail-type'] === detailType);
    expect(example, `an example of ${detailType}`).toBeDefined();
    const docs = mutations(example!.detail);
    // Act
    const precompiled = docs.map((d) => verdict(details[detailType], d));
    // Assess
    expect(precompiled).toEqual(docs.map((d) => verdict(compiled, d)));
    expect(precompiled[0]).toEqual({ ok: true, issues: [] });
    expect(precompiled.filter((v) => !v.ok).length).toBeGreaterThan(docs.length / 2);
  });

  it('the certflow envelope: same verdicts on every example and its mutations', () => {
    // Prepare
    const compiled = ajv.compile(EventEnvelopeSchema);
    const docs = certflowExamples.flatMap((e) => mutations({ ...e, detail: {} }));
    // Act
    const precompiled = docs.map((d) => verdict(envelope, d));
    // Assess
    expect(precompiled).toEqual(docs.map((d) => verdict(compiled, d)));
  });

  it('ACM events: same verdicts on every example and its mutations, envelope and detail', () => {
    // Prepare
    const compiledEnvelope = ajv.compile(AcmEnvelopeSchema);
    const pairs = acmExamples.map((e) => [e, ajv.compile(AcmDetailSchemas[e['detail-type']])] as const);
    // Act
    const results = pairs.map(([e, compiledDetail]) => {
      const envelopes = mutations({ ...e, detail: {} });
      const detailsOf = mutations(e.detail);
      return {
        envelope: [envelopes.map((d) => verdict(acmEnvelope, d)), envelopes.map((d) => verdict(compiledEnvelope, d))],
        detail: [detailsOf.map((d) => verdict(acmDetails[e['detail-type']], d)), detailsOf.map((d) => verdict(compiledDetail, d))],
      };
    });
    // Assess
    // Every detail-type has an example (some have more: the aws-cn and aws-us-gov partitions).
    expect([...new Set(acmExamples.map((e) => e['detail-type']))].sort()).toEqual([...ACM_DETAIL_TYPES].sort());
    for (const r of results) {
      expect(r.envelope[0]).toEqual(r.envelope[1]);
      expect(r.detail[0]).toEqual(r.detail[1]);
    }
  });

  it('the configuration: same verdict, errors and defaults as load-config compiled them', () => {
    // Prepare
    const compiled = createAjv({ useDefaults: true, strict: false }).compile(ConfigSchema);
    const base = {
      issuers: [{ name: 'lab', kind: 'local-ca' }],
      certificates: [{ id: 'web', dnsNames: ['web.example.com'], ipAddresses: ['10.0.0.1', '::1'], uris: ['spiffe://example/web'], issuer: 'lab', owner: 'team-web' }],
    };
    const docs = [
      base,
      ...mutations(base),
      { ...base, certificates: [{ ...base.certificates[0], ipAddresses: ['300.0.0.1'] }] },
      { ...base, certificates: [{ ...base.certificates[0], uris: ['not a uri'] }] },
      { ...base, certificates: [{ id: 'api', dnsNames: ['api.example.com'], issuer: 'lab', owner: 'o' }] },
    ];
    // Act
    const precompiled = docs.map((d) => {
      const copy = structuredClone(d);
      return { ok: validateConfigFile(copy), errors: validateConfigFile.errors ?? null, withDefaults: copy };
    });
    const reference = docs.map((d) => {
      const copy = structuredClone(d);
      return { ok: compiled(copy), errors: compiled.errors ?? null, withDefaults: copy };
    });
    // Assess
    expect(precompiled).toEqual(reference);
    expect(precompiled.map((p) => p.ok).slice(-3)).toEqual([false, false, true]);
  });

  it('adapter options: every kind of the registries has a precompiled validator, with the verdict, errors and defaults ajv compiles', () => {
    // Prepare: each kind's options as a typical config gives them ({}), and their mutations
    const kinds = Object.entries(registries).flatMap(([family, table]) => Object.entries(table).map(([kind, d]) => ({ at: `${family}/${kind}`, schema: (d as { optionsSchema: object }).optionsSchema })));
    // Act
    const outcomes = kinds.map(({ at, schema }) => {
      const pre = adapterOptionValidators[schemaFingerprint(schema)];
      const compiled = createAjv({ useDefaults: true, strict: false }).compile(schema);
      const docs = [{}, ...mutations({ path: 'x', name: 'y', region: 'eu-west-1', directoryUrl: 'https://acme.example/dir' })];
      const run = (v: ValidateFunction | undefined) => docs.map((d) => {
        const copy = structuredClone(d) as Json;
        return v ? { ok: v(copy), errors: v.errors ?? null, withDefaults: copy } : undefined;
      });
      return { at, same: pre !== undefined && JSON.stringify(run(pre)) === JSON.stringify(run(compiled)) };
    });
    // Assess
    expect(kinds.length).toBeGreaterThanOrEqual(15);
    expect(outcomes.filter((o) => !o.same).map((o) => o.at)).toEqual([]);
  });

  it('checks ajv-formats formats in standalone code (date-time, ipv4, ipv6, uri)', () => {
    // Prepare
    const rotated = certflowExamples.find((e) => e['detail-type'] === 'Certificate Rotated')!.detail;
    // Act
    const dates = ['2025-04-03T09:00:00Z', '2025-04-03T09:00:00+02:00', 'yesterday', '2025-13-03T09:00:00Z', '2025-04-03'].map((occurredAt) =>
      details['Certificate Rotated']({ ...rotated, occurredAt }),
    );
    // Assess
    expect(dates).toEqual([true, true, false, false, false]);
  });
});

describe('detail-types.ts (the catalogue without TypeBox)', () => {
  it('lists every detail-type of the catalogue, in catalogue order', () => {
    // Prepare
    // Act
    const keys = Object.keys(EventCatalogue);
    // Assess
    expect(DETAIL_TYPES).toEqual(keys);
  });
});

describe('lean-validator.ts date-time', () => {
  it('agrees with ajv-formats (full mode) on valid, invalid and edge-case strings', () => {
    // Prepare
    const dates = ['2025-04-03', '2024-02-29', '2023-02-29', '2100-02-29', '2000-02-29', '2025-13-01', '2025-00-10', '2025-04-31', '2025-4-3', '20250403'];
    const times = ['09:00:00Z', '09:00:00z', '09:00:00.123Z', '09:00:00+02:00', '09:00:00-0530', '09:00:00+02', '09:00:00', '24:00:00Z', '23:59:60Z', '23:59:60+01:00', '22:59:60-01:00', '23:59:61Z', '09:60:00Z', '09:00:00+24:00', '09:00:00+02:60', '9:00:00Z'];
    const separators = ['T', 't', ' ', '_', 'TT'];
    const samples = [...dates.flatMap((d) => times.flatMap((t) => separators.map((s) => `${d}${s}${t}`))), '', 'T', 'yesterday', '2025-04-03T09:00:00Z ', ' 2025-04-03T09:00:00Z'];
    const reference = (fullFormats['date-time'] as { validate: (s: string) => boolean }).validate;
    // Act
    const disagreements = samples.filter((s) => isDateTime(s) !== reference(s));
    // Assess
    expect(disagreements).toEqual([]);
    expect(samples.filter((s) => isDateTime(s)).length).toBeGreaterThan(50);
  });
});
