import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { readSecret } from '../../../src/adapters/slack/secrets.js';
import { slackNotifier } from '../../../src/adapters/slack/index.js';
import { unavailableAwsClients } from '../../../src/adapters/registry/no-aws.js';
import { thrown } from '../../support/thrown.js';

const kinds = {
  kinds: {
    keyStores: { sqlite: { optionsSchema: Type.Object({}), runtimes: ['local'] } },
    dnsProviders: {},
    issuers: { 'local-ca': { optionsSchema: Type.Object({}, { additionalProperties: false }), runtimes: ['local'] } },
    sources: {},
    accountSources: {},
    notifiers: { [slackNotifier.kind]: slackNotifier },
    destinations: {},
  },
};
const withPolicy = (policy: string) => `issuers:\n  - { name: local, kind: local-ca }\npolicy:\n${policy}`;

describe('policy configuration', () => {
  it('accepts scopes, sensitive rules, issuer limits and approver groups', () => {
    // Act
    const config = parseConfig(
      withPolicy(`  approverGroups: { pki: [alice, bob] }
  issuerMaxValidityDays: { local: 90 }
  sensitive: { wildcards: 2, longValidity: { days: 90, approvals: 2 } }
  scopes:
    - { name: web, teams: [team-web], allowedDnsNames: ['*.web.example.com', '**.web.internal'], allowedUris: ['spiffe://prod.example.org/ns/*/sa/*'], issuers: [local], keyAlgorithms: [EC_P256], approverGroups: [pki] }
`),
      '/tmp/c.yaml',
      kinds,
    );
    // Assess
    expect(config.policy.scopes?.[0]).toMatchObject({ name: 'web', approverGroups: ['pki'] });
    expect(config.policy.sensitive).toEqual({ wildcards: 2, longValidity: { days: 90, approvals: 2 } });
  });

  it('lists every policy problem with its path', () => {
    // Act
    const error = thrown(() =>
      parseConfig(
        withPolicy(`  forbiddenNames: ['a*.example.com']
  approvers: ['car\u200Bol', '\u0441arol']
  minRsaBits: 1024
  issuerMaxValidityDays: { nowhere: 90 }
  scopes:
    - { name: web, allowedDnsNames: ['*.web.example.com'], issuers: [other], approverGroups: [ghosts], ownZones: ['*.web.example.com'], allowedUris: ['spiffe://*/x'], minValidityDays: 30, maxValidityDays: 7 }
    - { name: web, teams: [team-web] }
`),
        '/tmp/c.yaml',
        kinds,
      ),
    );
    // Assess
    expect(error).toMatchObject({ code: 'CONFIG.INVALID' });
    expect(error.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/policy\/minRsaBits: /),
        "/policy/forbiddenNames/0: pattern 'a*.example.com' has a wildcard inside the label 'a*' (a wildcard must be a whole label: * or **)",
        '/policy/approvers/0: identity refused: it contains the invisible character U+200B',
        '/policy/approvers/1: identity refused: it mixes the scripts Cyrillic and Latin',
        "/policy/issuerMaxValidityDays/nowhere: no issuer named 'nowhere'",
        '/policy/scopes/0: a scope needs teams or names to say which requests it covers',
        "/policy/scopes/0/issuers/0: no issuer named 'other'",
        "/policy/scopes/0/approverGroups/0: no approver group named 'ghosts' under /policy/approverGroups",
        '/policy/scopes/0/ownZones/0: a zone is a plain DNS name, without wildcards',
        "/policy/scopes/0/allowedUris/0: 'spiffe://*/x' needs a scheme and a fixed authority (e.g. spiffe://trust-domain/...)",
        '/policy/scopes/0/minValidityDays: 30 is above maxValidityDays 7',
        "/policy/scopes/1/name: duplicate scope 'web'",
      ]),
    );
  });

  it('checks the slack notifier options: ids, channels and secret references, never a secret value', () => {
    // Act
    const error = thrown(() =>
      parseConfig(
        `issuers:\n  - { name: local, kind: local-ca }\nnotifiers:\n  - { name: slack, kind: slack, options: { teamId: T0001, appId: A0001, signingSecret: 8f742231b10e8888abcd99yyyzzz85a5, botToken: xoxb-1-2-3, approvalChannel: general } }\n`,
        '/tmp/c.yaml',
        kinds,
      ),
    );
    // Assess
    expect(error.details.join('\n')).toMatch(/signingSecret/);
    expect(error.details.join('\n')).toMatch(/botToken/);
    expect(error.details.join('\n')).toMatch(/approvalChannel/);
    expect(JSON.stringify(error)).not.toContain('8f742231b10e8888abcd99yyyzzz85a5');
    expect(JSON.stringify(error)).not.toMatch(/xoxb-1-2-3/);
  });
});

describe('readSecret', () => {
  it('reads a 0600 file and refuses one others can read', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'certflow-secret-'));
    const deps = { aws: unavailableAwsClients, resolvePath: (p: string) => join(dir, p) };
    writeFileSync(join(dir, 'ok'), 'signing-secret\n', { mode: 0o600 });
    writeFileSync(join(dir, 'open'), 'signing-secret\n');
    chmodSync(join(dir, 'open'), 0o644);
    try {
      // Act
      const value = await readSecret('file:ok', deps, 'Slack signing secret');
      const refused = await readSecret('file:open', deps, 'Slack signing secret').catch((e: unknown) => e);
      // Assess
      expect(value).toBe('signing-secret');
      expect(refused).toMatchObject({ code: 'SECRET.UNAVAILABLE', message: expect.stringContaining('is readable by others (mode 644); chmod 600 it') });
      expect(JSON.stringify(refused)).not.toContain('signing-secret\\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
