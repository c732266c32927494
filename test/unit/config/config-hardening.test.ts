import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from '../../../src/config/load-config.js';
import { thrown } from '../../support/thrown.js';

const kinds = {
  kinds: {
    keyStores: { sqlite: { optionsSchema: Type.Object({}), runtimes: ['local'] } },
    dnsProviders: {},
    issuers: { 'local-ca': { optionsSchema: Type.Object({}, { additionalProperties: false }), runtimes: ['local'] } },
    sources: {},
    accountSources: {},
    notifiers: {},
    destinations: {},
  },
};
const ISSUER = 'issuers:\n  - { name: local, kind: local-ca }\n';
const withCertificate = (fields: string) => `${ISSUER}certificates:\n  - { id: c1, issuer: local, owner: o, ${fields} }\n`;

describe('loadConfigFile (defect 3: symlinked configs)', () => {
  it('resolves relative paths against the real path of a symlinked config', () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'certflow-link-'));
    mkdirSync(join(root, 'real'));
    mkdirSync(join(root, 'link'));
    writeFileSync(join(root, 'real', 'certflow.yaml'), `dataDir: ./data\n${ISSUER}`);
    symlinkSync('../real/certflow.yaml', join(root, 'link', 'certflow.yaml'));
    // Act
    const viaLink = loadConfigFile(join(root, 'link', 'certflow.yaml'), kinds);
    const direct = loadConfigFile(join(root, 'real', 'certflow.yaml'), kinds);
    // Assess
    expect(viaLink.dataDir).toBe(direct.dataDir);
    expect(viaLink.dataDir.endsWith(join('real', 'data'))).toBe(true);
  });
});

describe('parseConfig (defect 4: names that can never be issued)', () => {
  it('omits the common name when no DNS name fits its 64 characters, and keeps the name as a SAN', () => {
    // Prepare
    const long = `${'a'.repeat(63)}.example.com`;
    // Act
    const config = parseConfig(withCertificate(`dnsNames: [${long}]`), '/tmp/c.yaml', kinds);
    // Assess
    expect(config.certificates[0]?.spec.commonName).toBe('');
    expect(config.certificates[0]?.spec.names.dns).toEqual([long]);
  });

  it('picks the first DNS name that fits as the common name', () => {
    // Act
    const config = parseConfig(withCertificate(`dnsNames: [${'b'.repeat(63)}.example.com, short.example.com]`), '/tmp/c.yaml', kinds);
    // Assess
    expect(config.certificates[0]?.spec.commonName).toBe('short.example.com');
  });

  it.each([
    ["dnsNames: ['*.com']", /dnsNames\/0: '\*\.com' is a wildcard on the public suffix 'com'/],
    ["dnsNames: ['*.co.uk']", /public suffix 'co\.uk'/],
    ["dnsNames: ['*.github.io']", /public suffix 'github\.io'/],
    ['dnsNames: [localhost]', /reserved for the local machine/],
    ['dnsNames: [intranet]', /single label/],
    ["uris: ['javascript:alert(1)']", /uris\/0: the URI scheme 'javascript' is not allowed \(allowed: spiffe, https, urn/],
    ["uris: ['https:relative']", /has no host/],
    [`commonName: ${'c'.repeat(63)}.example.com, dnsNames: [a.example.com]`, /commonName: is 75 characters, over the 64/],
  ])('refuses %s with the reason', (fields, reason) => {
    // Act
    const error = thrown(() => parseConfig(withCertificate(fields), '/tmp/c.yaml', kinds));
    // Assess
    expect(error.code).toBe('CONFIG.INVALID');
    expect(error.details).toEqual(expect.arrayContaining([expect.stringMatching(reason)]));
  });

  it('accepts URI schemes the configuration allows, and a wildcard below a registrable domain', () => {
    // Prepare
    const text = `defaults: { uriSchemes: [spiffe, mailto] }\n${withCertificate("dnsNames: ['*.api.example.co.uk'], uris: ['mailto:ops@example.com', 'spiffe://td/x']")}`;
    // Act
    const config = parseConfig(text, '/tmp/c.yaml', kinds);
    // Assess
    expect(config.certificates[0]?.spec.names.uri).toEqual(['mailto:ops@example.com', 'spiffe://td/x']);
  });
});

describe('parseConfig (defect 6: every input error has a code and a place)', () => {
  it('gives a YAML error its real line and column', () => {
    // Act
    const error = thrown(() => parseConfig('issuers:\n  - name: a\n    kind: [unclosed\n', '/tmp/c.yaml', kinds));
    // Assess
    expect(error.code).toBe('CONFIG.INVALID');
    expect(error.details[0]).toMatch(/^line [2-4], column \d+: /);
    expect(error.details.some((d) => d.startsWith('line 0'))).toBe(false);
  });

  it('lists schema problems and semantic problems together, in one error', () => {
    // Prepare
    const text = `${ISSUER}certificates:
  - { id: c1, issuer: nowhere, owner: o, dnsNames: [a.example.com], validityDays: 0 }
  - { id: c1, issuer: local, owner: o, dnsNames: [b.example.com], renewBeforeDays: 90 }
surprise: 1
`;
    // Act
    const error = thrown(() => parseConfig(text, '/tmp/c.yaml', kinds));
    // Assess
    expect(error.details).toEqual(
      expect.arrayContaining([
        "/: unknown property 'surprise'",
        '/certificates/0/validityDays: must be >= 1',
        "/certificates/0/issuer: no issuer named 'nowhere'",
        "/certificates/1/id: duplicate certificate id 'c1'",
        '/certificates/1/renewBeforeDays: must be less than the validity (90 days)',
      ]),
    );
  });

  it('refuses a YAML document whose aliases expand without bound', () => {
    // Prepare
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      laughs.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    // Act
    const error = thrown(() => parseConfig(`${laughs.join('\n')}\n${ISSUER}`, '/tmp/c.yaml', kinds));
    // Assess
    expect(error.code).toBe('CONFIG.INVALID');
    expect(error.message).toMatch(/aliases expand more than 100 times/);
  });

  it('refuses an endless config file (/dev/zero) after reading a bounded prefix', () => {
    // Act
    const error = thrown(() => loadConfigFile('/dev/zero', kinds));
    // Assess
    expect(error.code).toBe('CONFIG.INVALID');
    expect(error.message).toMatch(/larger than 1024 KiB/);
  });

  it('refuses a directory given as the config with CONFIG.UNREADABLE', () => {
    // Act
    const error = thrown(() => loadConfigFile(tmpdir(), kinds));
    // Assess
    expect(error.code).toBe('CONFIG.UNREADABLE');
    expect(error.message).toMatch(/EISDIR/);
  });
});
