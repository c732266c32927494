import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { registries } from '../../../src/adapters/registries.js';
import { contentHash } from '../../../src/app/submit-request.use-case.js';
import { thrown } from '../../support/thrown.js';
import { configWithLocalAndAcme } from '../../support/config-text.js';

const context = { kinds: registries };

const config = configWithLocalAndAcme;

describe('parseConfig of client certificates', () => {
  it('resolves a client certificate with only a CN: kept as written, 24 hours, usage client', () => {
    // Act
    const { certificates } = parseConfig(config('  - { id: runner, usage: client, commonName: Build-Runner@ci, issuer: local, owner: team-ci }'), '/tmp/c.yaml', context);
    // Assess
    expect(certificates[0]?.spec).toMatchObject({ usage: 'client', commonName: 'Build-Runner@ci', validityHours: 24, names: { dns: [], ip: [], uri: [] } });
    expect(certificates[0]?.spec.validityDays).toBeUndefined();
  });

  it('resolves a server certificate as before: no usage field, validity in days, so its content hash does not move', () => {
    // Act
    const { certificates } = parseConfig(config('  - { id: api, dnsNames: [api.example.com], issuer: local, owner: team-api }'), '/tmp/c.yaml', context);
    const spec = certificates[0]!.spec;
    // Assess
    expect(spec).not.toHaveProperty('usage');
    expect(spec.validityDays).toBe(90);
    expect(spec).not.toHaveProperty('validityHours');
    expect(contentHash(spec)).toBe(contentHash({ id: 'api', commonName: 'api.example.com', names: { dns: ['api.example.com'], ip: [], uri: [] }, keyAlgorithm: 'EC_P256', issuer: { kind: 'local-ca', name: 'local' }, owner: 'team-api', validityDays: 90 }));
  });

  it('lists every usage, CN and validity problem with its path, under CONFIG.INVALID', () => {
    // Prepare
    const text = config(`  - { id: no-cn, usage: client, issuer: local, owner: o }
  - { id: spaced, usage: client, commonName: 'build runner', issuer: local, owner: o }
  - { id: short, usage: both, commonName: x, dnsNames: [a.example.com], issuer: local, owner: o }
  - { id: long, usage: client, commonName: ${'w'.repeat(65)}, issuer: local, owner: o }
  - { id: control, usage: client, commonName: "run\\u0007ner", issuer: local, owner: o }
  - { id: twice, usage: client, commonName: ok-name, validityDays: 1, validityHours: 12, issuer: local, owner: o }
  - { id: renew, usage: client, commonName: ok-name, renewBeforeHours: 24, issuer: local, owner: o }
  - { id: server-cn, commonName: 'not a host', dnsNames: [a.example.com], issuer: local, owner: o }
  - { id: no-names, issuer: local, owner: o }`);
    // Act
    const error = thrown(() => parseConfig(text, '/tmp/c.yaml', context));
    // Assess
    expect(error.code).toBe('CONFIG.INVALID');
    expect(error.details).toEqual([
      '/certificates/0/commonName: a client certificate needs a commonName naming its workload',
      expect.stringMatching(/^\/certificates\/1\/commonName: 'build runner' has " ": a client certificate's common name names the workload and becomes its session's source identity \(IAM Roles Anywhere\), so it must be 2 to 64 of letters, digits and _\+=,\.@-$/),
      expect.stringMatching(/^\/certificates\/2\/commonName: 'x' is shorter than 2 characters/),
      '/certificates/3/commonName: is 65 characters, over the 64 a common name may have',
      '/certificates/4/commonName: contains a control character',
      '/certificates/5/validityHours: give validityDays or validityHours, not both',
      '/certificates/6/renewBeforeHours: must be less than the validity (24 hours)',
      "/certificates/7/commonName: 'not a host' is not a DNS name (a server certificate's common name is a host name)",
      '/certificates/8: a certificate needs at least one of dnsNames, ipAddresses, uris, emailAddresses',
    ]);
  });

  it('refuses, when configuration loads, a client or both certificate naming an ACME issuer', () => {
    // Prepare
    const text = config(`  - { id: runner, usage: client, commonName: build-runner, issuer: le, owner: o }
  - { id: mtls, usage: both, commonName: mtls-svc, dnsNames: [mtls.example.com], issuer: le, owner: o }
  - { id: web, dnsNames: [www.example.com], issuer: le, owner: o }`);
    // Act
    const error = thrown(() => parseConfig(text, '/tmp/c.yaml', context));
    // Assess
    expect(error.code).toBe('CONFIG.INVALID');
    expect(error.details).toEqual([
      "/certificates/0/usage: a client certificate needs the clientAuth extended key usage, which public ACME CAs no longer issue; use a private issuer (local-ca, aws-private-ca) (issuer 'le')",
      "/certificates/1/usage: a both certificate needs the clientAuth extended key usage, which public ACME CAs no longer issue; use a private issuer (local-ca, aws-private-ca) (issuer 'le')",
    ]);
  });

  it('checks policy scopes: CN patterns, and allowedCommonNames only where the scope grants client certificates', () => {
    // Prepare
    const text = config(
      '  - { id: runner, usage: client, commonName: build-runner, issuer: local, owner: o }',
      `policy:
  scopes:
    - { name: ci, teams: [team-ci], usages: [client], allowedCommonNames: ['build-*x', 'ok.*'] }
    - { name: web, teams: [team-web], allowedCommonNames: [web-client] }`,
    );
    // Act
    const error = thrown(() => parseConfig(text, '/tmp/c.yaml', context));
    // Assess
    expect(error.details).toEqual([
      "/policy/scopes/0/allowedCommonNames/0: pattern 'build-*x' has a wildcard inside the label 'build-*x' (a wildcard must be a whole label: * or **)",
      '/policy/scopes/1/allowedCommonNames: the scope grants no client certificates; add client or both to its usages',
    ]);
  });
});
