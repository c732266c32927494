import { describe, expect, it } from 'vitest';
import { evaluatePolicy, type ApprovalPolicy, type PolicyContext } from '../../../src/domain/approval-policy.js';
import type { CertificateSpec, KeyAlgorithm } from '../../../src/domain/certificate.js';
import type { RequestReason } from '../../../src/domain/request.js';
import { aRequest, aSpec, T0 } from '../../support/builders.js';

/** A policy in the shape of Vault PKI roles / cert-manager approver-policy: three scopes, sensitive rules, issuer limits. */
const POLICY: ApprovalPolicy = {
  forbiddenNames: ['*.bank.example.com', 'login.example.com', '**.corp.example.com'],
  autoApprove: [],
  approvers: [],
  requiredApprovals: 1,
  approvalTtlHours: 48,
  issuerMaxValidityDays: { 'acme-prod': 90, pca: 397 },
  sensitive: { wildcards: 2, apexNames: 2, longValidity: { days: 90, approvals: 2 }, newIssuer: 2 },
  autoApproveUnchangedRenewals: true,
  approverGroups: { 'payments-approvers': ['alice', 'bob'] },
  scopes: [
    {
      name: 'payments',
      teams: ['team-payments'],
      allowedDnsNames: ['*.pay.example.com', 'pay.example.com', '**.pay.internal', 'pay.internal'],
      allowedIps: ['10.20.*.*'],
      allowedUris: ['spiffe://prod.example.org/ns/payments/sa/*'],
      sanTypes: ['dns', 'ip', 'uri'],
      issuers: ['acme-prod', 'pca'],
      keyAlgorithms: ['EC_P256', 'EC_P384', 'RSA_2048', 'RSA_3072', 'RSA_4096'],
      minValidityDays: 7,
      maxValidityDays: 397,
      ownZones: ['pay.internal'],
      approverGroups: ['payments-approvers'],
    },
    { name: 'web', teams: ['team-web'], allowedDnsNames: ['**.web.example.com', 'web.example.com'], sanTypes: ['dns'], issuers: ['acme-prod'], keyAlgorithms: ['EC_P256', 'EC_P384', 'RSA_3072'], maxValidityDays: 90, ownZones: ['web.example.com'] },
    { name: 'mesh', names: ['spiffe://prod.example.org/**'], allowedUris: ['spiffe://prod.example.org/ns/*/sa/*'], sanTypes: ['uri'], issuers: ['pca'], maxValidityDays: 1 },
  ],
};

interface Case {
  readonly dns?: string[];
  readonly ip?: string[];
  readonly uri?: string[];
  readonly owner?: string;
  readonly issuer?: string;
  readonly key?: KeyAlgorithm;
  readonly days?: number;
  readonly reason?: RequestReason;
  readonly previous?: Partial<CertificateSpec>;
  readonly policy?: Partial<ApprovalPolicy>;
}

const spec = (c: Case): CertificateSpec =>
  aSpec({
    names: { dns: c.dns ?? (c.uri || c.ip ? [] : ['api.pay.example.com']), ip: c.ip ?? [], uri: c.uri ?? [] },
    owner: c.owner ?? 'team-payments',
    issuer: { kind: c.issuer === 'pca' ? 'aws-pca' : 'acme', name: c.issuer ?? 'acme-prod' },
    keyAlgorithm: c.key ?? 'EC_P256',
    validityDays: c.days ?? 60,
  });

function verdictOf(c: Case) {
  const s = spec(c);
  const context: PolicyContext = c.previous ? { previous: { names: s.names, issuer: s.issuer, keyAlgorithm: s.keyAlgorithm, ...c.previous, commonName: c.previous.commonName ?? s.commonName } } : {};
  return evaluatePolicy({ ...POLICY, ...c.policy }, aRequest({ spec: s, state: 'requested', reason: c.reason ?? 'new' }), T0, context);
}

const mesh = (uri: string, extra: Case = {}): Case => ({ uri: [uri], owner: 'team-mesh', issuer: 'pca', days: 1, ...extra });
const web = (extra: Case): Case => ({ owner: 'team-web', dns: ['www.web.example.com'], ...extra });

const REFUSED: readonly (readonly [string, Case, string])[] = [
  ['a name outside the scope', { dns: ['evil.example.com'] }, 'DNS name evil.example.com is outside the names scope payments allows'],
  ['two labels under a single-label wildcard', { dns: ['a.b.pay.example.com'] }, 'DNS name a.b.pay.example.com is outside the names scope payments allows'],
  ['the allowed zone as a prefix of another domain', { dns: ['pay.example.com.evil.org'] }, 'DNS name pay.example.com.evil.org is outside'],
  ['a look-alike suffix', { dns: ['xpay.example.com'] }, 'DNS name xpay.example.com is outside'],
  ['an upper-case name under another domain', { dns: ['API.PAY.EXAMPLE.COM.EVIL.ORG'] }, 'DNS name API.PAY.EXAMPLE.COM.EVIL.ORG is outside'],
  ['a double wildcard', { dns: ['*.*.pay.example.com'] }, 'DNS name *.*.pay.example.com is outside'],
  ['a forbidden bank host', { dns: ['vault.bank.example.com'] }, 'name vault.bank.example.com is forbidden by policy'],
  ['a forbidden wildcard', { dns: ['*.bank.example.com'] }, 'name *.bank.example.com is forbidden by policy'],
  ['the forbidden login host', { dns: ['login.example.com'] }, 'name login.example.com is forbidden by policy'],
  ['a name under a forbidden zone', { dns: ['x.corp.example.com'] }, 'name x.corp.example.com is forbidden by policy'],
  ['a deep name under a forbidden zone', { dns: ['a.b.c.corp.example.com'] }, 'name a.b.c.corp.example.com is forbidden by policy'],
  ['a forbidden name beside an allowed one', { dns: ['api.pay.example.com', 'login.example.com'] }, 'name login.example.com is forbidden by policy'],
  ['an IP outside the allowed range', { dns: ['api.pay.example.com'], ip: ['10.30.0.1'] }, 'IP address 10.30.0.1 is outside the names scope payments allows'],
  ['a private IP of another network', { dns: ['api.pay.example.com'], ip: ['192.168.1.1'] }, 'IP address 192.168.1.1 is outside'],
  ['a SPIFFE ID of another namespace', { uri: ['spiffe://prod.example.org/ns/web/sa/api'] }, 'URI spiffe://prod.example.org/ns/web/sa/api is outside the names scope payments allows'],
  ['a SPIFFE ID of another trust domain', { uri: ['spiffe://evil.org/ns/payments/sa/api'] }, 'URI spiffe://evil.org/ns/payments/sa/api is outside'],
  ['a SPIFFE ID with an extra segment', { uri: ['spiffe://prod.example.org/ns/payments/sa/api/x'] }, 'URI spiffe://prod.example.org/ns/payments/sa/api/x is outside'],
  ['an issuer the scope may not use', { issuer: 'staging' }, 'issuer staging is not one scope payments may use (acme-prod, pca)'],
  ['a key algorithm the scope does not allow', { owner: 'team-web', dns: ['www.web.example.com'], key: 'RSA_2048' }, 'key algorithm RSA_2048 is not one scope web allows'],
  ['RSA below the policy minimum', { key: 'RSA_2048', policy: { minRsaBits: 3072 } }, 'RSA keys of 2048 bits are below the 3072 bits policy requires'],
  ['RSA 3072 below a 4096 minimum', { key: 'RSA_3072', policy: { minRsaBits: 4096 } }, 'RSA keys of 3072 bits are below the 4096 bits policy requires'],
  ['a validity below the scope minimum', { days: 3 }, 'validity of 3 days is below the 7 days scope payments requires'],
  ['a validity above the scope maximum', { days: 400, issuer: 'pca' }, 'validity of 400 days is above the 397 days scope payments allows'],
  ['a validity above the issuer maximum', { days: 120 }, "validity of 120 days is above issuer acme-prod's maximum of 90 days"],
  ['a validity above a private CA maximum', { days: 398, issuer: 'pca' }, "validity of 398 days is above issuer pca's maximum of 397 days"],
  ['a team no scope covers', { owner: 'team-unknown', dns: ['x.example.net'] }, 'no policy scope covers team team-unknown or the names x.example.net'],
  ['another team asking for payments names', { owner: 'team-marketing', dns: ['api.pay.example.com'] }, 'no policy scope covers team team-marketing'],
  ['a look-alike team', { owner: 'team-pаyments', dns: ['x.example.net'] }, 'no policy scope covers team team-pаyments'],
  ['web asking for a payments name', web({ dns: ['api.pay.example.com'] }), 'DNS name api.pay.example.com is outside the names scope web allows'],
  ['web asking for an IP', web({ ip: ['10.20.0.1'] }), 'scope web does not allow IP names (10.20.0.1)'],
  ['web asking for a URI', web({ uri: ['spiffe://prod.example.org/ns/web/sa/api'] }), 'scope web does not allow URI names'],
  ['web asking for a private CA', web({ issuer: 'pca' }), 'issuer pca is not one scope web may use (acme-prod)'],
  ['web asking for 91 days', web({ days: 91 }), 'validity of 91 days is above the 90 days scope web allows'],
  ['web asking for a name with a trailing dot', web({ dns: ['web.example.com.'] }), 'DNS name web.example.com. is outside'],
  ['web asking for a Cyrillic homograph', web({ dns: ['wеb.example.com'] }), 'DNS name wеb.example.com is outside'],
  ['a mesh ID outside the namespace/service shape', mesh('spiffe://prod.example.org/ns/a/b/c'), 'URI spiffe://prod.example.org/ns/a/b/c is outside the names scope mesh allows'],
  ['a mesh ID for two days', mesh('spiffe://prod.example.org/ns/a/sa/b', { days: 2 }), 'validity of 2 days is above the 1 days scope mesh allows'],
  ['a mesh ID from the public CA', mesh('spiffe://prod.example.org/ns/a/sa/b', { issuer: 'acme-prod' }), 'issuer acme-prod is not one scope mesh may use (pca)'],
  ['a mesh ID of another trust domain', mesh('spiffe://dev.example.org/ns/a/sa/b'), 'no policy scope covers team team-mesh'],
  ['a request that names nothing', { dns: [], ip: [], uri: [], owner: 'team-payments' }, 'the request names nothing'],
  ['every problem at once', { dns: ['evil.example.com'], issuer: 'staging', days: 3 }, 'validity of 3 days is below the 7 days scope payments requires'],
];

const PASSED: readonly (readonly [string, Case, Record<string, unknown>])[] = [
  ['a payments name outside its own zone', {}, { kind: 'needs-approval', requiredApprovals: 1, approverGroups: ['payments-approvers'] }],
  ['a name under the own zone', { dns: ['x.pay.internal'] }, { kind: 'auto-approve', rule: 'payments-own-zones' }],
  ['a deep name under the own zone', { dns: ['a.b.pay.internal'] }, { kind: 'auto-approve', rule: 'payments-own-zones' }],
  ['a name and an allowed IP', { ip: ['10.20.1.2'] }, { kind: 'needs-approval', requiredApprovals: 1 }],
  ['a SPIFFE ID for a year', { uri: ['spiffe://prod.example.org/ns/payments/sa/api'], issuer: 'pca', days: 365 }, { kind: 'needs-approval', requiredApprovals: 2, reasons: ['validity of 365 days is above 90 and needs 2 approvers'] }],
  ['a wildcard', { dns: ['*.pay.example.com'] }, { kind: 'needs-approval', requiredApprovals: 2, reasons: ['wildcard name *.pay.example.com needs 2 approvers'] }],
  ['the apex of the own zone', { dns: ['pay.internal'] }, { kind: 'needs-approval', requiredApprovals: 2, reasons: ['apex name pay.internal needs 2 approvers'] }],
  ['web under its zone, the team written in capitals', { owner: 'TEAM-WEB', dns: ['www.web.example.com'] }, { kind: 'auto-approve', rule: 'web-own-zones' }],
  ['an unchanged renewal', { reason: 'renewal', previous: {} }, { kind: 'auto-approve', rule: 'unchanged-renewal' }],
  ['a renewal moving to a new issuer', { reason: 'renewal', issuer: 'pca', previous: { issuer: { kind: 'acme', name: 'acme-prod' } } }, { kind: 'needs-approval', requiredApprovals: 2, reasons: ['issuer pca is new for this certificate (was acme-prod) and needs 2 approvers'] }],
  ['a mesh ID for a day', mesh('spiffe://prod.example.org/ns/a/sa/b'), { kind: 'needs-approval', requiredApprovals: 1 }],
];

describe('issuance policy corpus', () => {
  it('holds at least 40 refusals and 10 passes', () => {
    // Assess
    expect(REFUSED.length).toBeGreaterThanOrEqual(40);
    expect(PASSED.length).toBeGreaterThanOrEqual(10);
  });

  it.each(REFUSED)('refuses %s', (_, c, reason) => {
    // Act
    const verdict = verdictOf(c);
    // Assess
    expect(verdict.kind).toBe('deny');
    expect(verdict.reasons.some((r) => r.startsWith(reason))).toBe(true);
  });

  it.each(PASSED)('lets through %s', (_, c, expected) => {
    // Act
    const verdict = verdictOf(c);
    // Assess
    expect(verdict).toMatchObject(expected);
  });

  it('lists every refusal, not only the first', () => {
    // Act
    const verdict = verdictOf({ dns: ['evil.example.com'], issuer: 'staging', days: 3 });
    // Assess
    expect(verdict.reasons).toEqual([
      'DNS name evil.example.com is outside the names scope payments allows',
      'issuer staging is not one scope payments may use (acme-prod, pca)',
      'validity of 3 days is below the 7 days scope payments requires',
    ]);
  });
});
