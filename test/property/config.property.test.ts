import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { registries } from '../../src/adapters/registries.js';
import { outcomeOf, RUNS } from './support.js';

const context = { kinds: registries, runtime: 'local' };
const VALID = {
  dataDir: 'data',
  defaults: { validityDays: 90, alertThresholdsDays: [30, 7] },
  issuers: [{ name: 'local', kind: 'local-ca', options: { organization: 'x' } }],
  policy: { autoApprove: [{ name: 'all', names: ['**.example.com'], issuers: ['local'] }], approvers: ['alice'] },
  sources: [{ name: 'legacy', kind: 'pem-folder', path: 'legacy' }],
  certificates: [
    { id: 'api', dnsNames: ['api.example.com', '*.api.example.com'], ipAddresses: ['10.0.0.1'], uris: ['spiffe://td/api'], issuer: 'local', owner: 'team' },
    { id: 'web', commonName: 'web.example.com', dnsNames: ['web.example.com'], issuer: 'local', owner: 'team', validityDays: 30, renewBeforeDays: 10 },
  ],
};

/** Values that stress a config: wrong types, odd names, hostile strings. */
const hostile = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('*.com', 'localhost', 'javascript:alert(1)', `${'a'.repeat(63)}.example.com`, '', '../../etc', '/dev/null', 'a..b', '-x.example.com', '*.*.example.com', '10.0.0.1', '::1', 'https:x', '__proto__', 'constructor', 'valueOf', 'toString', 'hasOwnProperty'),
  fc.string({ maxLength: 80 }),
);

/** The valid config with the value at a random path replaced, a key added, or an array element dropped. */
const mutation = fc.tuple(fc.array(fc.nat(10), { minLength: 1, maxLength: 4 }), hostile, fc.constantFrom('replace', 'add', 'drop')).map(([path, value, how]) => {
  const copy = structuredClone(VALID) as Record<string, unknown>;
  let here: Record<string, unknown> | unknown[] = copy;
  for (const [i, step] of path.entries()) {
    const keys = Array.isArray(here) ? here.map((_, j) => j) : Object.keys(here);
    if (keys.length === 0) break;
    const key = keys[step % keys.length] as string & number;
    const child = (here as Record<string, unknown>)[key];
    const last = i === path.length - 1 || child === null || typeof child !== 'object';
    if (!last) {
      here = child as Record<string, unknown>;
      continue;
    }
    if (how === 'drop' && Array.isArray(here)) here.splice(key, 1);
    else if (how === 'add' && !Array.isArray(here)) here[`extra${step.toString()}`] = value;
    else (here as Record<string, unknown>)[key] = value;
    break;
  }
  return copy;
});

/** YAML text with the features that have bitten: anchors and aliases, tags, multi-documents, flow and block mixes. */
const yamlish = fc
  .array(
    fc.oneof(
      fc.constantFrom('issuers:', '  - { name: local, kind: local-ca }', 'certificates:', '  - id: a', '    dnsNames: [a.example.com]', '    issuer: local', '    owner: o'),
      fc.constantFrom('a: &x [1, 2]', 'b: *x', 'c: *y', '---', '...', '!!binary aGk=', '? complex', ': value', '- - -', '{', '}', '[', ']', '"', "'", '#', '\t', '%YAML 1.2', '<<: *x'),
      fc.string({ maxLength: 20 }),
    ),
    { maxLength: 25 },
  )
  .map((lines) => lines.join('\n'));

const expectConfigOutcome = (text: string) => {
  const outcome = outcomeOf(() => {
    const config = parseConfig(text, '/etc/certflow/certflow.yaml', context);
    expect(Object.isFrozen(config)).toBe(true);
  });
  expect(['ok', 'CONFIG.INVALID']).toContain(outcome);
};

describe('configuration (property tier)', () => {
  it(`reads arbitrary text as a config or CONFIG.INVALID, never anything else (${RUNS.configText.toString()} cases)`, () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 400 }), yamlish), expectConfigOutcome), { numRuns: RUNS.configText });
  });

  it(`reads any JSON value written as YAML as a config or CONFIG.INVALID (${RUNS.configYaml.toString()} cases)`, () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => expectConfigOutcome(stringify(value))), { numRuns: RUNS.configYaml });
  });

  it(`accepts, or refuses with CONFIG.INVALID, any mutation of a valid config (${RUNS.configMutations.toString()} cases)`, () => {
    fc.assert(
      fc.property(mutation, fc.boolean(), (config, asJson) => {
        const text = asJson ? JSON.stringify(config) : stringify(config);
        const outcome = outcomeOf(() => parseConfig(text, '/etc/certflow/certflow.yaml', context));
        expect(['ok', 'CONFIG.INVALID']).toContain(outcome);
      }),
      { numRuns: RUNS.configMutations },
    );
  });
});
