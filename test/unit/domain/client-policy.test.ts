import { describe, expect, it } from 'vitest';
import { evaluatePolicy, type ApprovalPolicy, type PolicyScope } from '../../../src/domain/approval-policy.js';
import type { CertificateSpec } from '../../../src/domain/certificate.js';
import { aPolicy, aRequest, aSpec, T0 } from '../../support/builders.js';

/** The CI team may hold client certificates for its runners, and SPIFFE IDs under its namespace. */
const CI_SCOPE: PolicyScope = {
  name: 'ci',
  teams: ['team-ci'],
  usages: ['client'],
  allowedCommonNames: ['build-runner', '*.runners.ci'],
  allowedUris: ['spiffe://example.org/ns/ci/**'],
};

const policy = (overrides: Partial<ApprovalPolicy> = {}): ApprovalPolicy =>
  aPolicy({ autoApprove: [], scopes: [CI_SCOPE, { name: 'web', teams: ['team-web'], allowedDnsNames: ['**.web.example.com'] }], ...overrides });

const clientSpec = (overrides: Partial<CertificateSpec> = {}): CertificateSpec =>
  ({ ...aSpec({ id: 'runner', owner: 'team-ci', usage: 'client', commonName: 'build-runner', names: { dns: [], ip: [], uri: [] } }), validityDays: undefined, validityHours: 24, ...overrides });

describe('evaluatePolicy on client certificates', () => {
  it('lets a client certificate through when its CN and URI SAN are allowed to the requester (a human still decides)', () => {
    // Prepare
    const request = aRequest({ state: 'requested', spec: clientSpec({ names: { dns: [], ip: [], uri: ['spiffe://example.org/ns/ci/sa/runner'] } }) });
    // Act
    const verdict = evaluatePolicy(policy(), request, T0);
    // Assess
    expect(verdict.kind).toBe('needs-approval');
  });

  it('refuses a CN the scope does not allow, saying so', () => {
    // Prepare
    const request = aRequest({ state: 'requested', spec: clientSpec({ commonName: 'deploy-bot' }) });
    // Act
    const verdict = evaluatePolicy(policy(), request, T0);
    // Assess
    expect(verdict).toMatchObject({ kind: 'deny', reasons: ['common name deploy-bot is outside the common names scope ci allows'] });
  });

  it('matches a CN with case: Build-Runner is not build-runner (IAM compares source identities with case)', () => {
    // Prepare
    const request = aRequest({ state: 'requested', spec: clientSpec({ commonName: 'Build-Runner' }) });
    // Act
    const verdict = evaluatePolicy(policy(), request, T0);
    // Assess
    expect(verdict).toMatchObject({ kind: 'deny', reasons: ['common name Build-Runner is outside the common names scope ci allows'] });
  });

  it('refuses a URI SAN the scope does not allow, saying so', () => {
    // Prepare
    const request = aRequest({ state: 'requested', spec: clientSpec({ names: { dns: [], ip: [], uri: ['spiffe://example.org/ns/prod/sa/db'] } }) });
    // Act
    const verdict = evaluatePolicy(policy(), request, T0);
    // Assess
    expect(verdict).toMatchObject({ kind: 'deny', reasons: ['URI spiffe://example.org/ns/prod/sa/db is outside the names scope ci allows'] });
  });

  it('refuses a client certificate to a scope that grants only server certificates (the default)', () => {
    // Prepare
    const request = aRequest({ state: 'requested', spec: clientSpec({ owner: 'team-web', commonName: 'web-client' }) });
    // Act
    const verdict = evaluatePolicy(policy(), request, T0);
    // Assess
    expect(verdict).toMatchObject({ kind: 'deny', reasons: ['scope web does not allow client certificates (allowed: server)'] });
  });

  it('refuses a client certificate to a scope that names no client CNs', () => {
    // Prepare
    const open = policy({ scopes: [{ name: 'loose', teams: ['team-ci'], usages: ['server', 'client'] }] });
    const request = aRequest({ state: 'requested', spec: clientSpec() });
    // Act
    const verdict = evaluatePolicy(open, request, T0);
    // Assess
    expect(verdict).toMatchObject({ kind: 'deny', reasons: ['scope loose allows no client common names, so it cannot grant common name build-runner (set allowedCommonNames)'] });
  });

  it('refuses a forbidden client CN even without scopes', () => {
    // Prepare
    const request = aRequest({ state: 'requested', spec: clientSpec({ commonName: 'root' }) });
    // Act
    const verdict = evaluatePolicy(aPolicy({ forbiddenNames: ['root'] }), request, T0);
    // Assess
    expect(verdict).toMatchObject({ kind: 'deny', reasons: ['name root is forbidden by policy'] });
  });

  it('compares a 24-hour validity with day bounds in hours', () => {
    // Prepare
    const scoped = policy({ scopes: [{ ...CI_SCOPE, minValidityDays: 2 }] });
    const request = aRequest({ state: 'requested', spec: clientSpec() });
    // Act
    const verdict = evaluatePolicy(scoped, request, T0);
    // Assess
    expect(verdict).toMatchObject({ kind: 'deny', reasons: ['validity of 24 hours is below the 2 days scope ci requires'] });
  });
});

describe('evaluatePolicy on client certificate renewals', () => {
  const renewal = (spec: CertificateSpec) => aRequest({ state: 'requested', reason: 'renewal', spec });
  const unchanged = policy({ autoApproveUnchangedRenewals: true, scopes: [{ ...CI_SCOPE, allowedCommonNames: ['build-runner', 'build-runner-2'], usages: ['client', 'both'] }] });

  it('auto-approves a renewal that keeps the CN and usage of the certificate now issued', () => {
    // Prepare
    const spec = clientSpec();
    // Act
    const verdict = evaluatePolicy(unchanged, renewal(spec), T0, { previous: spec });
    // Assess
    expect(verdict).toMatchObject({ kind: 'auto-approve', rule: 'unchanged-renewal' });
  });

  it('does not treat a renewal that changes the CN as unchanged: a new identity needs a person', () => {
    // Prepare
    const previous = clientSpec();
    // Act
    const verdict = evaluatePolicy(unchanged, renewal(clientSpec({ commonName: 'build-runner-2' })), T0, { previous });
    // Assess
    expect(verdict.kind).toBe('needs-approval');
  });

  it('does not treat a renewal that changes the usage as unchanged', () => {
    // Prepare
    const previous = clientSpec();
    // Act
    const verdict = evaluatePolicy(unchanged, renewal(clientSpec({ usage: 'both' })), T0, { previous });
    // Assess
    expect(verdict.kind).toBe('needs-approval');
  });

  it('reads a previous spec stored before usages existed as server, so a server renewal stays unchanged', () => {
    // Prepare
    const server = aSpec({ owner: 'team-web', names: { dns: ['a.web.example.com'], ip: [], uri: [] }, commonName: 'a.web.example.com' });
    // Act
    const verdict = evaluatePolicy(policy({ autoApproveUnchangedRenewals: true }), renewal({ ...server, usage: 'server' }), T0, { previous: server });
    // Assess
    expect(verdict).toMatchObject({ kind: 'auto-approve', rule: 'unchanged-renewal' });
  });
});

describe('evaluatePolicy: auto-approval rules and client certificates', () => {
  // No scopes: the auto-approval rules alone decide, as in a configuration written before client certificates.
  const hostRule = aPolicy({ autoApprove: [{ name: 'internal-hosts', names: ['**.example.com'] }] });

  it('does not let a rule written for host names auto-approve a client certificate whose CN looks like one', () => {
    // Prepare: any requester asks for the workload identity a Roles Anywhere trust policy names
    const request = aRequest({ state: 'requested', spec: clientSpec({ owner: 'team-other', commonName: 'batch.example.com' }) });
    // Act
    const verdict = evaluatePolicy(hostRule, request, T0);
    // Assess
    expect(verdict).toMatchObject({ kind: 'needs-approval', reasons: ['no auto-approval rule covers every name of the request'] });
  });

  it('still auto-approves the server certificates the rule was written for', () => {
    // Prepare
    const request = aRequest({ state: 'requested', spec: aSpec({ names: { dns: ['batch.example.com'], ip: [], uri: [] }, commonName: 'batch.example.com' }) });
    // Act
    const verdict = evaluatePolicy(hostRule, request, T0);
    // Assess
    expect(verdict).toMatchObject({ kind: 'auto-approve', rule: 'internal-hosts' });
  });

  it('auto-approves a client certificate under a rule that names the client usage', () => {
    // Prepare
    const clients = aPolicy({ autoApprove: [{ name: 'runners', names: ['build-runner'], usages: ['client'] }] });
    const request = aRequest({ state: 'requested', spec: clientSpec() });
    // Act
    const verdict = evaluatePolicy(clients, request, T0);
    // Assess
    expect(verdict).toMatchObject({ kind: 'auto-approve', rule: 'runners' });
  });
});

describe('evaluatePolicy: forbidden names and client CNs', () => {
  it('refuses a CN that differs from a forbidden name only by case', () => {
    // Prepare
    const forbidding = policy({ forbiddenNames: ['build-runner'] });
    const request = aRequest({ state: 'requested', spec: clientSpec({ commonName: 'Build-Runner' }) });
    // Act
    const verdict = evaluatePolicy({ ...forbidding, scopes: [{ ...CI_SCOPE, allowedCommonNames: ['Build-Runner'] }] }, request, T0);
    // Assess
    expect(verdict).toMatchObject({ kind: 'deny', reasons: ['name Build-Runner is forbidden by policy'] });
  });
});
