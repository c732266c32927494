import { Type, type Static } from '@sinclair/typebox';
import { KEY_ALGORITHMS } from '../domain/certificate.js';
import type { ApprovalPolicy } from '../domain/approval-policy.js';
import { checkIdentity } from '../domain/identity.js';
import { patternProblem, type NameKind } from '../domain/name-match.js';

/*
 * The issuance policy's section of the configuration: its schema, the rules a schema cannot say
 * (patterns, references, identities), and its resolution into the domain's ApprovalPolicy. Kept in
 * one module so the loader calls it from one place.
 */

const Name = Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$', description: 'lower-case letters, digits and dashes' });
const NamePattern = Type.String({ minLength: 1, maxLength: 2048, pattern: '^[a-zA-Z0-9*.:/_-]+$' });
const Identity = Type.String({ minLength: 1, maxLength: 256 });
const Approvals = Type.Integer({ minimum: 1, maximum: 10 });
const Days = Type.Integer({ minimum: 1, maximum: 3650 });

const Scope = Type.Object(
  {
    name: Name,
    teams: Type.Optional(Type.Array(Identity, { maxItems: 100 })),
    names: Type.Optional(Type.Array(NamePattern, { maxItems: 100 })),
    allowedDnsNames: Type.Optional(Type.Array(NamePattern, { maxItems: 200 })),
    allowedIps: Type.Optional(Type.Array(NamePattern, { maxItems: 200 })),
    allowedUris: Type.Optional(Type.Array(NamePattern, { maxItems: 200 })),
    sanTypes: Type.Optional(Type.Array(Type.Union([Type.Literal('dns'), Type.Literal('ip'), Type.Literal('uri'), Type.Literal('email')]))),
    issuers: Type.Optional(Type.Array(Name)),
    keyAlgorithms: Type.Optional(Type.Array(Type.Union(KEY_ALGORITHMS.map((a) => Type.Literal(a))), { minItems: 1 })),
    minValidityDays: Type.Optional(Days),
    maxValidityDays: Type.Optional(Days),
    ownZones: Type.Optional(Type.Array(NamePattern, { maxItems: 100 })),
    approverGroups: Type.Optional(Type.Array(Name, { minItems: 1 })),
    requiredApprovals: Type.Optional(Approvals),
  },
  { additionalProperties: false },
);

export const PolicyConfig = Type.Object(
  {
    forbiddenNames: Type.Array(NamePattern, { default: [] }),
    autoApprove: Type.Array(
      Type.Object(
        {
          name: Name,
          names: Type.Array(NamePattern, { minItems: 1 }),
          issuers: Type.Optional(Type.Array(Name)),
          reasons: Type.Optional(Type.Array(Type.Union([Type.Literal('new'), Type.Literal('renewal'), Type.Literal('manual')]))),
          maxValidityDays: Type.Optional(Type.Integer({ minimum: 1 })),
        },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
    approvers: Type.Array(Identity, { default: [] }),
    requiredApprovals: Type.Integer({ minimum: 1, maximum: 10, default: 1 }),
    approvalTtlHours: Type.Integer({ minimum: 1, maximum: 720, default: 72 }),
    scopes: Type.Optional(Type.Array(Scope, { maxItems: 200 })),
    issuerMaxValidityDays: Type.Optional(Type.Record(Type.String({ pattern: '^[a-z0-9-]+$' }), Days)),
    minRsaBits: Type.Optional(Type.Integer({ minimum: 2048, maximum: 16384 })),
    sensitive: Type.Optional(
      Type.Object(
        {
          wildcards: Type.Optional(Approvals),
          apexNames: Type.Optional(Approvals),
          longValidity: Type.Optional(Type.Object({ days: Days, approvals: Approvals }, { additionalProperties: false })),
          newIssuer: Type.Optional(Approvals),
        },
        { additionalProperties: false },
      ),
    ),
    autoApproveUnchangedRenewals: Type.Optional(Type.Boolean()),
    approverGroups: Type.Optional(Type.Record(Type.String({ pattern: '^[a-z0-9-]+$' }), Type.Array(Identity, { maxItems: 1000 }))),
  },
  { additionalProperties: false },
);

export type PolicyConfigFile = Static<typeof PolicyConfig>;

export const DEFAULT_POLICY: ApprovalPolicy = {
  forbiddenNames: [],
  autoApprove: [],
  approvers: [],
  requiredApprovals: 1,
  approvalTtlHours: 72,
};

/** Rules of the policy section a schema cannot say; each problem with its path. */
export function checkPolicy(policy: PolicyConfigFile | undefined, issuerNames: ReadonlySet<string>): string[] {
  if (!policy) return [];
  const problems: string[] = [];
  const pattern = (at: string, value: string, kind: NameKind = 'dns') => {
    const problem = patternProblem(value, kind);
    if (problem) problems.push(`${at}: pattern '${value}' ${problem}`);
  };
  const issuer = (at: string, name: string) => {
    if (!issuerNames.has(name)) problems.push(`${at}: no issuer named '${name}'`);
  };
  const identity = (at: string, value: string) => {
    const check = checkIdentity(value);
    if (!check.ok) problems.push(`${at}: identity refused: ${check.detail}`);
  };
  policy.forbiddenNames.forEach((p, i) => pattern(`/policy/forbiddenNames/${i.toString()}`, p));
  policy.autoApprove.forEach((rule, i) => {
    rule.names.forEach((p, j) => pattern(`/policy/autoApprove/${i.toString()}/names/${j.toString()}`, p));
    rule.issuers?.forEach((name, j) => issuer(`/policy/autoApprove/${i.toString()}/issuers/${j.toString()}`, name));
  });
  policy.approvers.forEach((a, i) => identity(`/policy/approvers/${i.toString()}`, a));
  const groups = new Set(Object.keys(policy.approverGroups ?? {}));
  for (const [group, members] of Object.entries(policy.approverGroups ?? {})) members.forEach((m, i) => identity(`/policy/approverGroups/${group}/${i.toString()}`, m));
  const scopeNames = new Set<string>();
  policy.scopes?.forEach((scope, i) => {
    const at = `/policy/scopes/${i.toString()}`;
    if (scopeNames.has(scope.name)) problems.push(`${at}/name: duplicate scope '${scope.name}'`);
    scopeNames.add(scope.name);
    if (!scope.teams && !scope.names) problems.push(`${at}: a scope needs teams or names to say which requests it covers`);
    scope.teams?.forEach((t, j) => identity(`${at}/teams/${j.toString()}`, t));
    scope.names?.forEach((p, j) => pattern(`${at}/names/${j.toString()}`, p, p.includes('://') ? 'uri' : 'dns'));
    scope.allowedDnsNames?.forEach((p, j) => pattern(`${at}/allowedDnsNames/${j.toString()}`, p));
    scope.allowedIps?.forEach((p, j) => pattern(`${at}/allowedIps/${j.toString()}`, p));
    scope.allowedUris?.forEach((p, j) => {
      pattern(`${at}/allowedUris/${j.toString()}`, p, 'uri');
      if (!/^[a-z][a-z0-9+.-]*:\/\/[^/*]+/.test(p)) problems.push(`${at}/allowedUris/${j.toString()}: '${p}' needs a scheme and a fixed authority (e.g. spiffe://trust-domain/...)`);
    });
    scope.ownZones?.forEach((z, j) => {
      if (z.includes('*')) problems.push(`${at}/ownZones/${j.toString()}: a zone is a plain DNS name, without wildcards`);
      else pattern(`${at}/ownZones/${j.toString()}`, z);
    });
    scope.issuers?.forEach((name, j) => issuer(`${at}/issuers/${j.toString()}`, name));
    scope.approverGroups?.forEach((g, j) => {
      if (!groups.has(g)) problems.push(`${at}/approverGroups/${j.toString()}: no approver group named '${g}' under /policy/approverGroups`);
    });
    if (scope.minValidityDays !== undefined && scope.maxValidityDays !== undefined && scope.minValidityDays > scope.maxValidityDays) {
      problems.push(`${at}/minValidityDays: ${scope.minValidityDays.toString()} is above maxValidityDays ${scope.maxValidityDays.toString()}`);
    }
  });
  for (const name of Object.keys(policy.issuerMaxValidityDays ?? {})) issuer(`/policy/issuerMaxValidityDays/${name}`, name);
  return problems;
}

/** The domain's policy from a checked section; absent means the default (anyone but the requester, one approval). */
export function resolvePolicy(policy: PolicyConfigFile | undefined): ApprovalPolicy {
  return policy ?? DEFAULT_POLICY;
}
