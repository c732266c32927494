import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { registries } from '../../../src/adapters/registries.js';
import { contentHash } from '../../../src/app/submit-request.use-case.js';
import { thrown } from '../../support/thrown.js';
import { configWithLocalAndAcme } from '../../support/config-text.js';

const context = { kinds: registries };

const config = configWithLocalAndAcme;

describe('parseConfig of email addresses', () => {
  it('resolves emailAddresses into the spec: the domain lower-cased, the local part kept, deduplicated and sorted', () => {
    // Act
    const { certificates } = parseConfig(
      config('  - { id: mail, dnsNames: [mail.example.com], emailAddresses: [Ops@Example.COM, alerts+pki@example.com, Ops@example.com], issuer: local, owner: team-mail }'),
      '/tmp/c.yaml',
      context,
    );

    // Assess
    expect(certificates[0]?.spec.names).toEqual({ dns: ['mail.example.com'], ip: [], uri: [], email: ['Ops@example.com', 'alerts+pki@example.com'] });
  });

  it('accepts a certificate whose only names are email addresses', () => {
    // Act
    const { certificates } = parseConfig(config('  - { id: mail, emailAddresses: [ops@example.com], issuer: local, owner: team-mail }'), '/tmp/c.yaml', context);

    // Assess
    expect(certificates[0]?.spec).toMatchObject({ commonName: '', names: { dns: [], ip: [], uri: [], email: ['ops@example.com'] } });
  });

  it('keeps the content hash of a spec written before email SANs existed, so upgrading re-issues nothing', () => {
    // Prepare: the canonical JSON every earlier release hashed for this certificate, byte for byte
    const before =
      '{"commonName":"api.example.com","id":"api","issuer":{"kind":"local-ca","name":"local"},"keyAlgorithm":"EC_P256",' +
      '"names":{"dns":["api.example.com"],"ip":[],"uri":[]},"owner":"team-api","validityDays":90}';
    const pinned = createHash('sha256').update(before).digest('hex');

    // Act
    const { certificates } = parseConfig(config('  - { id: api, dnsNames: [api.example.com], emailAddresses: [], issuer: local, owner: team-api }'), '/tmp/c.yaml', context);
    const spec = certificates[0]!.spec;

    // Assess
    expect(spec.names).not.toHaveProperty('email');
    expect(contentHash(spec)).toBe(pinned);
  });

  it('refuses malformed addresses at the schema, with their paths, under CONFIG.INVALID', () => {
    // Prepare
    const text = config(`  - id: bad
    dnsNames: [a.example.com]
    emailAddresses: ['"quoted"@example.com', 'a b@example.com', 'no-at.example.com', 'ops@', 'ops@*.example.com', 'é@example.com', 'ops@example.com (comment)', "ops\\n@example.com"]
    issuer: local
    owner: o`);

    // Act
    const error = thrown(() => parseConfig(text, '/tmp/c.yaml', context));

    // Assess
    expect(error.code).toBe('CONFIG.INVALID');
    for (const i of [0, 1, 2, 3, 4, 5, 6, 7]) expect(error.details).toContainEqual(expect.stringMatching(new RegExp(`^/certificates/0/emailAddresses/${i.toString()}: must match pattern`)));
  });

  it('refuses addresses whose domain fails the host-name checks or is a public suffix, and over-long local parts, with reasons', () => {
    // Prepare
    const text = config(`  - id: bad
    dnsNames: [a.example.com]
    emailAddresses: [root@localhost.localhost, ops@intranet, ops@10.0.0.1, ops@co.uk, ops@github.io, ${'l'.repeat(65)}@example.com]
    issuer: local
    owner: o`);

    // Act
    const error = thrown(() => parseConfig(text, '/tmp/c.yaml', context));

    // Assess
    expect(error.code).toBe('CONFIG.INVALID');
    expect(error.details).toEqual([
      "/certificates/0/emailAddresses/0: the domain of 'root@localhost.localhost' cannot be used: 'localhost.localhost' is reserved for the local machine (RFC 6761)",
      "/certificates/0/emailAddresses/1: the domain of 'ops@intranet' cannot be used: 'intranet' is a single label, not a fully qualified host name",
      "/certificates/0/emailAddresses/2: the domain of 'ops@10.0.0.1' cannot be used: '10.0.0.1' ends in a numeric label; put IP addresses in ipAddresses",
      "/certificates/0/emailAddresses/3: the domain of 'ops@co.uk' is the public suffix 'co.uk'",
      "/certificates/0/emailAddresses/4: the domain of 'ops@github.io' is the public suffix 'github.io'",
      `/certificates/0/emailAddresses/5: '${'l'.repeat(65)}@example.com' has a local part of 65 characters, over the 64 RFC 5321 allows`,
    ]);
  });

  it('refuses more than 100 addresses on one certificate', () => {
    // Prepare
    const many = Array.from({ length: 101 }, (_, i) => `u${i.toString()}@example.com`).join(', ');

    // Act
    const error = thrown(() => parseConfig(config(`  - { id: many, emailAddresses: [${many}], issuer: local, owner: o }`), '/tmp/c.yaml', context));

    // Assess
    expect(error.details).toContainEqual(expect.stringMatching(/^\/certificates\/0\/emailAddresses: must NOT have more than 100 items/));
  });

  it('refuses email addresses on an ACME certificate when configuration loads, saying why', () => {
    // Act
    const error = thrown(() => parseConfig(config('  - { id: web, dnsNames: [www.example.com], emailAddresses: [ops@example.com], issuer: le, owner: o }'), '/tmp/c.yaml', context));

    // Assess
    expect(error.code).toBe('CONFIG.INVALID');
    expect(error.details).toEqual([
      "/certificates/0/emailAddresses: an ACME CA validates DNS names and IP addresses only and cannot vouch for an email address; use a private issuer (local-ca, aws-private-ca) (issuer 'le')",
    ]);
  });

  it('loads an ACME certificate without email addresses as before', () => {
    // Act
    const { certificates } = parseConfig(config('  - { id: web, dnsNames: [www.example.com], issuer: le, owner: o }'), '/tmp/c.yaml', context);

    // Assess
    expect(certificates[0]?.spec.names).toEqual({ dns: ['www.example.com'], ip: [], uri: [] });
  });
});

describe('policy configuration of email SANs', () => {
  it('accepts allowedEmails, and email patterns in forbiddenNames, auto-approval rules and scope names', () => {
    // Act
    const { policy } = parseConfig(
      config(
        '  - { id: mail, emailAddresses: [ops@example.com], issuer: local, owner: team-mail }',
        `policy:
  forbiddenNames: ['*@vault.example.com', root@example.com]
  autoApprove: [{ name: mail, names: ['*@example.com'] }]
  scopes:
    - { name: mail, teams: [team-mail], sanTypes: [dns, email], allowedEmails: ['*@example.com', '*@**.example.com', Postmaster+pki@example.org] }
    - { name: by-name, names: ['*@example.net'], allowedEmails: ['*@example.net'] }`,
      ),
      '/tmp/c.yaml',
      context,
    );

    // Assess
    expect(policy.scopes?.[0]?.allowedEmails).toEqual(['*@example.com', '*@**.example.com', 'Postmaster+pki@example.org']);
    expect(policy.forbiddenNames).toEqual(['*@vault.example.com', 'root@example.com']);
  });

  it('lists every email pattern problem with its path: the schema, the pattern rules and sanTypes that void allowedEmails', () => {
    // Prepare
    const text = config(
      '  - { id: mail, emailAddresses: [ops@example.com], issuer: local, owner: team-mail }',
      `policy:
  forbiddenNames: ['ops*@example.com']
  scopes:
    - { name: mail, teams: [team-mail], sanTypes: [dns], allowedEmails: ['*@ex*.com', 'ops@', '*@example.com'] }`,
    );

    // Act
    const error = thrown(() => parseConfig(text, '/tmp/c.yaml', context));

    // Assess
    expect(error.code).toBe('CONFIG.INVALID');
    expect(error.details).toEqual([
      expect.stringMatching(/^\/policy\/scopes\/0\/allowedEmails\/1: must match pattern/),
      "/policy/forbiddenNames/0: pattern 'ops*@example.com' has a wildcard inside the local part 'ops*' (use * for any local part, or an exact one)",
      "/policy/scopes/0/allowedEmails/0: pattern '*@ex*.com' has a domain that has a wildcard inside the label 'ex*' (a wildcard must be a whole label: * or **)",
      "/policy/scopes/0/allowedEmails/1: pattern 'ops@' has a domain that is empty",
      "/policy/scopes/0/allowedEmails: the scope's sanTypes leave out email, so these patterns can grant nothing; add email to sanTypes",
    ]);
  });
});
