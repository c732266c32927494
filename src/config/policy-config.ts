import { Type, type Static } from '@sinclair/typebox';
import { CERTIFICATE_USAGES, KEY_ALGORITHMS } from '../domain/certificate.js';
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
/** An email pattern: `*` or a dot-atom local part, `@`, a DNS pattern (checked by patternProblem). */
const EMAIL_PATTERN = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[a-zA-Z0-9*.-]+";
const EmailPattern = Type.String({ minLength: 3, maxLength: 320, pattern: `^${EMAIL_PATTERN}$` });
/** Where a pattern may name any SAN (forbidden names, auto-approval, scope selection): a name or an email pattern. */
const AnyNamePattern = Type.String({ minLength: 1, maxLength: 2048, pattern: `^(?:[a-zA-Z0-9*.:/_-]+|${EMAIL_PATTERN})$` });
/** A client CN pattern: the characters of a workload name (see name-checks.ts) and `*` labels. */
const CommonNamePattern = Type.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9_+=,.@*-]+$' });
const Identity = Type.String({ minLength: 1, maxLength: 256 });
const Approvals = Type.Integer({ minimum: 1, maximum: 10 });
const Days = Type.Integer({ minimum: 1, maximum: 3650 });

const Scope = Type.Object(
  {
    name: Name,
    teams: Type.Optional(Type.Array(Identity, { maxItems: 100 })),
    names: Type.Optional(Type.Array(AnyNamePattern, { maxItems: 100 })),
    allowedDnsNames: Type.Optional(Type.Array(NamePattern, { maxItems: 200 })),
    allowedIps: Type.Optional(Type.Array(NamePattern, { maxItems: 200 })),
    allowedUris: Type.Optional(Type.Array(NamePattern, { maxItems: 200 })),
    /** Email SANs the scope grants: `*@example.com`, `ops@example.com`; none: no email SAN. */
    allowedEmails: Type.Optional(Type.Array(EmailPattern, { maxItems: 200 })),
    /** Client certificate CNs (workload identities) the scope grants, matched with case; none: no client certificate. */
    allowedCommonNames: Type.Optional(Type.Array(CommonNamePattern, { maxItems: 200 })),
    /** Usages the scope grants; default server only. */
    usages: Type.Optional(Type.Array(Type.Union(CERTIFICATE_USAGES.map((u) => Type.Literal(u))), { minItems: 1, maxItems: 3 })),
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
    forbiddenNames: Type.Array(AnyNamePattern, { default: [] }),
    autoApprove: Type.Array(
      Type.Object(
        {
          name: Name,
          names: Type.Array(AnyNamePattern, { minItems: 1 }),
          issuers: Type.Optional(Type.Array(Name)),
          reasons: Type.Optional(Type.Array(Type.Union([Type.Literal('new'), Type.Literal('renewal'), Type.Literal('manual')]))),
          maxValidityDays: Type.Optional(Type.Integer({ minimum: 1 })),
          /** Usages the rule approves; default server only (a rule for host names grants no workload identity). */
          usages: Type.Optional(Type.Array(Type.Union(CERTIFICATE_USAGES.map((u) => Type.Literal(u))), { minItems: 1, maxItems: 3 })),
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

const field = (value: unknown, key: string): unknown => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined);
const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
const strings = (value: unknown): readonly (readonly [string, number])[] =>
  list(value).flatMap((v, i) => (typeof v === 'string' ? [[v, i] as const] : []));
const entries = (value: unknown): readonly (readonly [string, unknown])[] =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];

/**
 * Rules of the policy section a schema cannot say, each problem with its path. Runs on the file
 * whatever its shape (what is malformed the schema reports), so one run lists every problem.
 */
export function checkPolicy(policy: unknown, issuerNames: ReadonlySet<string>): string[] {
  if (policy === undefined) return [];
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
  const n = (i: number) => i.toString();
  // A pattern with `@` names email addresses; a URI pattern holds `://`; anything else is DNS-like.
  const kindOf = (p: string, otherwise: NameKind): NameKind => (p.includes('@') ? 'email' : otherwise);
  for (const [p, i] of strings(field(policy, 'forbiddenNames'))) pattern(`/policy/forbiddenNames/${n(i)}`, p, kindOf(p, 'dns'));
  list(field(policy, 'autoApprove')).forEach((rule, i) => {
    for (const [p, j] of strings(field(rule, 'names'))) pattern(`/policy/autoApprove/${n(i)}/names/${n(j)}`, p, kindOf(p, 'dns'));
    for (const [name, j] of strings(field(rule, 'issuers'))) issuer(`/policy/autoApprove/${n(i)}/issuers/${n(j)}`, name);
  });
  for (const [a, i] of strings(field(policy, 'approvers'))) identity(`/policy/approvers/${n(i)}`, a);
  const groups = new Set<string>();
  for (const [group, members] of entries(field(policy, 'approverGroups'))) {
    groups.add(group);
    for (const [m, i] of strings(members)) identity(`/policy/approverGroups/${group}/${n(i)}`, m);
  }
  const scopeNames = new Set<string>();
  list(field(policy, 'scopes')).forEach((scope, i) => {
    const at = `/policy/scopes/${n(i)}`;
    const name = field(scope, 'name');
    if (typeof name === 'string' && scopeNames.has(name)) problems.push(`${at}/name: duplicate scope '${name}'`);
    if (typeof name === 'string') scopeNames.add(name);
    if (field(scope, 'teams') === undefined && field(scope, 'names') === undefined) problems.push(`${at}: a scope needs teams or names to say which requests it covers`);
    for (const [t, j] of strings(field(scope, 'teams'))) identity(`${at}/teams/${n(j)}`, t);
    for (const [p, j] of strings(field(scope, 'names'))) pattern(`${at}/names/${n(j)}`, p, kindOf(p, p.includes('://') ? 'uri' : 'dns'));
    for (const [p, j] of strings(field(scope, 'allowedDnsNames'))) pattern(`${at}/allowedDnsNames/${n(j)}`, p);
    for (const [p, j] of strings(field(scope, 'allowedIps'))) pattern(`${at}/allowedIps/${n(j)}`, p);
    for (const [p, j] of strings(field(scope, 'allowedUris'))) {
      pattern(`${at}/allowedUris/${n(j)}`, p, 'uri');
      if (!/^[a-z][a-z0-9+.-]*:\/\/[^/*]+/.test(p)) problems.push(`${at}/allowedUris/${n(j)}: '${p}' needs a scheme and a fixed authority (e.g. spiffe://trust-domain/...)`);
    }
    for (const [p, j] of strings(field(scope, 'allowedEmails'))) pattern(`${at}/allowedEmails/${n(j)}`, p, 'email');
    const sanTypes = field(scope, 'sanTypes');
    if (field(scope, 'allowedEmails') !== undefined && Array.isArray(sanTypes) && !sanTypes.includes('email')) {
      problems.push(`${at}/allowedEmails: the scope's sanTypes leave out email, so these patterns can grant nothing; add email to sanTypes`);
    }
    for (const [p, j] of strings(field(scope, 'allowedCommonNames'))) pattern(`${at}/allowedCommonNames/${n(j)}`, p, 'cn');
    const usages = list(field(scope, 'usages'));
    if (field(scope, 'allowedCommonNames') !== undefined && !usages.some((u) => u === 'client' || u === 'both')) {
      problems.push(`${at}/allowedCommonNames: the scope grants no client certificates; add client or both to its usages`);
    }
    for (const [z, j] of strings(field(scope, 'ownZones'))) {
      if (z.includes('*')) problems.push(`${at}/ownZones/${n(j)}: a zone is a plain DNS name, without wildcards`);
      else pattern(`${at}/ownZones/${n(j)}`, z);
    }
    for (const [name, j] of strings(field(scope, 'issuers'))) issuer(`${at}/issuers/${n(j)}`, name);
    for (const [g, j] of strings(field(scope, 'approverGroups'))) {
      if (!groups.has(g)) problems.push(`${at}/approverGroups/${n(j)}: no approver group named '${g}' under /policy/approverGroups`);
    }
    const min = field(scope, 'minValidityDays');
    const max = field(scope, 'maxValidityDays');
    if (typeof min === 'number' && typeof max === 'number' && min > max) problems.push(`${at}/minValidityDays: ${min.toString()} is above maxValidityDays ${max.toString()}`);
  });
  for (const [name] of entries(field(policy, 'issuerMaxValidityDays'))) issuer(`/policy/issuerMaxValidityDays/${name}`, name);
  return problems;
}

/** The domain's policy from a checked section; absent means the default (anyone but the requester, one approval). */
export function resolvePolicy(policy: PolicyConfigFile | undefined): ApprovalPolicy {
  return policy ?? DEFAULT_POLICY;
}
