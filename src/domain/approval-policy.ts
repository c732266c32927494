import type { CertificateRequest, RequestReason } from './request.js';
import { describeValidity, emailsOf, sameNames, usageOf, validityHoursOf, type CertificateSpec, type CertificateUsage, type KeyAlgorithm } from './certificate.js';
import { validIdentityKey } from './identity.js';
import { matchName, type NameKind } from './name-match.js';
import { ownValue } from './own-value.js';
import { usageViolations, vouchedNames } from './client-identity.js';

/** One rule of automatic approval: every name of the request must match one of `names`. */
export interface AutoApproveRule {
  readonly name: string;
  readonly names: readonly string[];
  readonly issuers?: readonly string[];
  readonly reasons?: readonly RequestReason[];
  readonly maxValidityDays?: number;
  /**
   * Usages the rule approves; default `server` only. A rule written for host names must not start
   * approving workload identities: `**.example.com` would otherwise grant any requester a client
   * certificate with the CN `batch.example.com` that a Roles Anywhere trust policy names.
   */
  readonly usages?: readonly CertificateUsage[];
}

export type SanType = 'dns' | 'ip' | 'uri' | 'email';

/**
 * What one team (or one set of names) may ask for, like a Vault PKI role or a cert-manager
 * approver-policy: a request in a scope gets everything it asks for only within these bounds.
 */
export interface PolicyScope {
  readonly name: string;
  /** The scope covers requests whose owner is one of these teams (compared as identities)... */
  readonly teams?: readonly string[];
  /** ...or whose names all match one of these patterns. */
  readonly names?: readonly string[];
  /** DNS names allowed: exact (`api.example.com`), single-label wildcard (`*.example.com`), suffix (`**.example.com`). */
  readonly allowedDnsNames?: readonly string[];
  /** IP addresses allowed: exact, or `*` labels (`10.0.0.*`). */
  readonly allowedIps?: readonly string[];
  /** URIs allowed, split on `/`: a SPIFFE ID pattern `spiffe://prod.example.org/ns/*\/sa/*`. */
  readonly allowedUris?: readonly string[];
  /**
   * Email SANs allowed: `*@example.com` (any mailbox there), `*@**.example.com`, or an exact
   * address; the domain compared without case, the local part with it. A scope without them grants
   * no email address: scopes written before email SANs existed must not start granting mailboxes.
   */
  readonly allowedEmails?: readonly string[];
  /**
   * Common names a client certificate may carry (its workload identity), split on `.` and matched
   * with case: `build-runner`, `*.ci.example`. A scope without them grants no client certificate.
   */
  readonly allowedCommonNames?: readonly string[];
  /** Usages a request may ask for; default `server` only, so a scope written before client certificates grants none. */
  readonly usages?: readonly CertificateUsage[];
  /** SAN types a request may carry; default all. */
  readonly sanTypes?: readonly SanType[];
  readonly issuers?: readonly string[];
  readonly keyAlgorithms?: readonly KeyAlgorithm[];
  readonly minValidityDays?: number;
  readonly maxValidityDays?: number;
  /** The team's own zones: a request whose DNS names are all under them is approved without a human. */
  readonly ownZones?: readonly string[];
  /** Who may decide on this scope's requests (names of `approverGroups`); default the policy's approvers. */
  readonly approverGroups?: readonly string[];
  readonly requiredApprovals?: number;
}

/** Requests that need N distinct approvers whatever else says; 0 or absent: not sensitive. */
export interface SensitiveRules {
  /** A wildcard name (`*.example.com`). */
  readonly wildcards?: number;
  /** An apex name: a scope's own zone itself, or a name of two labels. */
  readonly apexNames?: number;
  /** A validity above `days`. */
  readonly longValidity?: { readonly days: number; readonly approvals: number };
  /** An issuer the certificate was not issued by before. */
  readonly newIssuer?: number;
}

export interface ApprovalPolicy {
  /** Names no request may cover, whatever the approvers say. */
  readonly forbiddenNames: readonly string[];
  readonly autoApprove: readonly AutoApproveRule[];
  /** Who may approve; empty means anyone except the requester. */
  readonly approvers: readonly string[];
  /** Distinct approvals needed when a human must decide. */
  readonly requiredApprovals: number;
  /** The decision deadline: a request nobody decided within it expires. */
  readonly approvalTtlHours: number;
  /** When present and non-empty, a request outside every scope is refused. */
  readonly scopes?: readonly PolicyScope[];
  /** An issuer's own longest validity, whatever a scope allows. */
  readonly issuerMaxValidityDays?: Readonly<Record<string, number>>;
  /** Smallest RSA modulus accepted; never below 2048. */
  readonly minRsaBits?: number;
  readonly sensitive?: SensitiveRules;
  /** Approve a renewal whose names, issuer and key algorithm are those of the certificate now issued. */
  readonly autoApproveUnchangedRenewals?: boolean;
  /** Named groups of approver identities (the local channel); Slack maps them to user groups. */
  readonly approverGroups?: Readonly<Record<string, readonly string[]>>;
}

/** What the policy may know beside the request: the certificate as last issued. */
export interface PolicyContext {
  readonly previous?: Pick<CertificateSpec, 'names' | 'issuer' | 'keyAlgorithm' | 'commonName' | 'usage'>;
}

export type PolicyVerdict =
  | { readonly kind: 'deny'; readonly reason: string; readonly reasons: readonly string[] }
  | { readonly kind: 'auto-approve'; readonly rule: string; readonly reasons: readonly string[] }
  | {
      readonly kind: 'needs-approval';
      readonly requiredApprovals: number;
      readonly deadline: Date;
      readonly reason: string;
      readonly reasons: readonly string[];
      readonly approverGroups?: readonly string[];
    };

/**
 * Glob match on DNS-like names: `*` matches exactly one label (`*.example.com` matches
 * `a.example.com`, not `a.b.example.com`), `**` any number of labels. Case-insensitive.
 * Bounded time whatever the pattern (see name-match.ts).
 */
export function nameMatches(pattern: string, name: string): boolean {
  return matchName(pattern, name, 'dns');
}

function everyNameMatches(request: CertificateRequest, patterns: readonly string[]): boolean {
  const names = vouchedNames(request.spec);
  // Auto-approval rules have always matched SANs as DNS-like names (their patterns are checked as such);
  // a CN with case; an email only by an email pattern (`*@example.com`), never by a DNS one.
  const as = (kind: NameKind): NameKind => (kind === 'cn' || kind === 'email' ? kind : 'dns');
  return names.length > 0 && names.every(({ name, kind }) => patterns.some((p) => matchName(p, name, as(kind))));
}

const DAY_HOURS = 24;
/** True when the spec's lifetime is above `days` whole days (compared in hours: a 24-hour certificate is 1 day). */
const longerThan = (spec: CertificateSpec, days: number) => validityHoursOf(spec) > days * DAY_HOURS;

/** The reasons as one line short enough for an event's reason field (1,024 characters). */
function summary(reasons: readonly string[]): string {
  const line = reasons.join('; ');
  return line.length <= 1000 ? line : `${line.slice(0, 960)}… (${reasons.length.toString()} reasons in all)`;
}

const RSA_BITS: Partial<Record<KeyAlgorithm, number>> = { RSA_2048: 2048, RSA_3072: 3072, RSA_4096: 4096 };

const isUnder = (zone: string, name: string) => {
  const z = zone.toLowerCase().replace(/^\.+/, '');
  const n = name.toLowerCase();
  return n === z || n.endsWith(`.${z}`);
};

/**
 * True when a forbidden-name pattern covers the name. A deny list errs on the side of refusing: a
 * CN is granted with case, but forbidding `root` forbids `Root` too; and an email is forbidden by an
 * email pattern (`*@example.com`) or by a DNS pattern covering its domain (`**.example.com`), so
 * forbidding a zone forbids its mailboxes as well.
 */
export function isForbidden(pattern: string, name: string, kind: NameKind): boolean {
  if (kind !== 'email') return matchName(pattern, name, kind === 'cn' ? 'dns' : kind);
  if (pattern.includes('@')) return matchName(pattern, name, 'email');
  return matchName(pattern, name.slice(name.lastIndexOf('@') + 1), 'dns');
}

/** The scope a request falls in: the first whose team or names select it (Vault-role order). */
function scopeOf(policy: ApprovalPolicy, request: CertificateRequest): PolicyScope | undefined {
  const names = vouchedNames(request.spec);
  // Strict: a look-alike owner (`team-pаyments`) belongs to no scope, rather than to the one it imitates.
  const owner = validIdentityKey(request.spec.owner);
  return policy.scopes?.find(
    (s) =>
      (owner !== undefined && (s.teams ?? []).some((t) => validIdentityKey(t) === owner)) ||
      (s.names !== undefined && names.length > 0 && names.every(({ name, kind }) => s.names!.some((p) => matchName(p, name, kind)))),
  );
}

/** Reasons a request breaks its scope's bounds, in words; empty when it keeps within them. */
function scopeViolations(policy: ApprovalPolicy, scope: PolicyScope, request: CertificateRequest): string[] {
  const problems: string[] = [];
  const { spec } = request;
  const label = `scope ${scope.name}`;
  const emails = emailsOf(spec.names);
  const types: Record<SanType, readonly string[]> = { dns: spec.names.dns, ip: spec.names.ip, uri: spec.names.uri, email: emails };
  if (scope.sanTypes) {
    for (const t of ['dns', 'ip', 'uri', 'email'] as const) {
      if (types[t].length > 0 && !scope.sanTypes.includes(t)) problems.push(`${label} does not allow ${t.toUpperCase()} names (${types[t].join(', ')})`);
    }
  }
  const check = (values: readonly string[], allowed: readonly string[] | undefined, kind: NameKind, what: string) => {
    if (!allowed) return;
    for (const v of values) if (!allowed.some((p) => matchName(p, v, kind))) problems.push(`${what} ${v} is outside the names ${label} allows`);
  };
  check(spec.names.dns, scope.allowedDnsNames, 'dns', 'DNS name');
  check(spec.names.ip, scope.allowedIps, 'dns', 'IP address');
  check(spec.names.uri, scope.allowedUris, 'uri', 'URI');
  if (emails.length > 0 && scope.allowedEmails === undefined) {
    problems.push(`${label} allows no email addresses, so it cannot grant ${emails.join(', ')} (set allowedEmails)`);
  }
  check(emails, scope.allowedEmails, 'email', 'email address');
  problems.push(...usageViolations(scope, spec, label));
  if (scope.issuers && !scope.issuers.includes(spec.issuer.name)) problems.push(`issuer ${spec.issuer.name} is not one ${label} may use (${scope.issuers.join(', ')})`);
  if (scope.keyAlgorithms && !scope.keyAlgorithms.includes(spec.keyAlgorithm)) problems.push(`key algorithm ${spec.keyAlgorithm} is not one ${label} allows (${scope.keyAlgorithms.join(', ')})`);
  if (scope.minValidityDays !== undefined && validityHoursOf(spec) < scope.minValidityDays * DAY_HOURS) problems.push(`validity of ${describeValidity(spec)} is below the ${String(scope.minValidityDays)} days ${label} requires`);
  if (scope.maxValidityDays !== undefined && longerThan(spec, scope.maxValidityDays)) problems.push(`validity of ${describeValidity(spec)} is above the ${String(scope.maxValidityDays)} days ${label} allows`);
  void policy;
  return problems;
}

/** Reasons the request needs more than one pair of eyes, each with the approvals it needs. */
function sensitivity(policy: ApprovalPolicy, scope: PolicyScope | undefined, request: CertificateRequest, context: PolicyContext): { reason: string; approvals: number }[] {
  const rules = policy.sensitive;
  if (!rules) return [];
  const found: { reason: string; approvals: number }[] = [];
  const { spec } = request;
  const wildcards = spec.names.dns.filter((n) => n.startsWith('*.'));
  if (rules.wildcards && wildcards.length > 0) found.push({ reason: `wildcard name ${wildcards.join(', ')} needs ${String(rules.wildcards)} approvers`, approvals: rules.wildcards });
  const apexes = spec.names.dns.filter((n) => (scope?.ownZones ?? []).some((z) => z.toLowerCase() === n) || n.split('.').length <= 2);
  if (rules.apexNames && apexes.length > 0) found.push({ reason: `apex name ${apexes.join(', ')} needs ${String(rules.apexNames)} approvers`, approvals: rules.apexNames });
  if (rules.longValidity && longerThan(spec, rules.longValidity.days)) {
    found.push({ reason: `validity of ${describeValidity(spec)} is above ${String(rules.longValidity.days)} and needs ${String(rules.longValidity.approvals)} approvers`, approvals: rules.longValidity.approvals });
  }
  if (rules.newIssuer && context.previous && context.previous.issuer.name !== spec.issuer.name) {
    found.push({ reason: `issuer ${spec.issuer.name} is new for this certificate (was ${context.previous.issuer.name}) and needs ${String(rules.newIssuer)} approvers`, approvals: rules.newIssuer });
  }
  return found.filter((f) => f.approvals > 0);
}

function unchangedIdentity(request: CertificateRequest, context: PolicyContext): boolean {
  const prev = context.previous;
  return (
    request.reason === 'renewal' &&
    prev !== undefined &&
    sameNames(prev.names, request.spec.names) &&
    // The CN is a client certificate's identity (a Roles Anywhere source identity): a new one is a new grant.
    prev.commonName === request.spec.commonName &&
    usageOf(prev) === usageOf(request.spec) &&
    prev.issuer.name === request.spec.issuer.name &&
    prev.keyAlgorithm === request.spec.keyAlgorithm
  );
}

/**
 * Pure policy evaluation: what must happen to a new request, with every reason in words. Refusals
 * come first and are all listed (forbidden names, weak keys, scope bounds, an issuer's own maximum);
 * then sensitive rules, which a human must always decide; then automatic approval.
 */
export function evaluatePolicy(policy: ApprovalPolicy, request: CertificateRequest, now: Date, context: PolicyContext = {}): PolicyVerdict {
  const { spec } = request;
  const vouched = vouchedNames(spec);
  const names = vouched.map((v) => v.name);
  const refusals: string[] = [];
  for (const { name, kind } of vouched) {
    // A deny list errs on the side of refusing: a CN is granted with case, but forbidding `root` forbids `Root` too.
    if (policy.forbiddenNames.some((p) => isForbidden(p, name, kind))) refusals.push(`name ${name} is forbidden by policy`);
  }
  if (names.length === 0) refusals.push('the request names nothing');
  const rsaBits = RSA_BITS[spec.keyAlgorithm];
  const minRsa = Math.max(2048, policy.minRsaBits ?? 2048);
  if (rsaBits !== undefined && rsaBits < minRsa) refusals.push(`RSA keys of ${String(rsaBits)} bits are below the ${String(minRsa)} bits policy requires`);
  const issuerMax = policy.issuerMaxValidityDays ? ownValue(policy.issuerMaxValidityDays, spec.issuer.name) : undefined;
  if (issuerMax !== undefined && longerThan(spec, issuerMax)) {
    refusals.push(`validity of ${describeValidity(spec)} is above issuer ${spec.issuer.name}'s maximum of ${String(issuerMax)} days`);
  }
  const scoped = (policy.scopes?.length ?? 0) > 0;
  const scope = scoped ? scopeOf(policy, request) : undefined;
  if (scoped && !scope) refusals.push(`no policy scope covers team ${spec.owner} or the names ${names.join(', ')}`);
  if (scope) refusals.push(...scopeViolations(policy, scope, request));
  if (refusals.length > 0) return { kind: 'deny', reason: summary(refusals), reasons: refusals };

  const deadline = new Date(now.getTime() + policy.approvalTtlHours * 3_600_000);
  const groups = scope?.approverGroups;
  const baseApprovals = Math.max(1, scope?.requiredApprovals ?? policy.requiredApprovals);
  const sensitive = sensitivity(policy, scope, request, context);
  if (sensitive.length > 0) {
    const reasons = sensitive.map((s) => s.reason);
    return {
      kind: 'needs-approval',
      requiredApprovals: Math.max(baseApprovals, ...sensitive.map((s) => s.approvals)),
      deadline,
      reason: summary(reasons),
      reasons,
      ...(groups ? { approverGroups: groups } : {}),
    };
  }

  if (policy.autoApproveUnchangedRenewals && unchangedIdentity(request, context)) {
    return { kind: 'auto-approve', rule: 'unchanged-renewal', reasons: ['a renewal with the names, common name, usage, issuer and key algorithm of the certificate now issued'] };
  }
  if (scope?.ownZones && spec.names.dns.length > 0 && spec.names.ip.length === 0 && spec.names.uri.length === 0 && emailsOf(spec.names).length === 0) {
    const zones = scope.ownZones;
    if (spec.names.dns.every((n) => zones.some((z) => isUnder(z, n)))) {
      return { kind: 'auto-approve', rule: `${scope.name}-own-zones`, reasons: [`every name is under a zone of scope ${scope.name} (${zones.join(', ')})`] };
    }
  }
  for (const rule of policy.autoApprove) {
    if (rule.issuers && !rule.issuers.includes(spec.issuer.name)) continue;
    if (rule.reasons && !rule.reasons.includes(request.reason)) continue;
    if (rule.maxValidityDays !== undefined && longerThan(spec, rule.maxValidityDays)) continue;
    if (!(rule.usages ?? ['server']).includes(usageOf(spec))) continue;
    if (everyNameMatches(request, rule.names)) return { kind: 'auto-approve', rule: rule.name, reasons: [`every name matches auto-approval rule ${rule.name}`] };
  }
  const reason = 'no auto-approval rule covers every name of the request';
  return {
    kind: 'needs-approval',
    requiredApprovals: baseApprovals,
    deadline,
    reason,
    reasons: [reason],
    ...(groups ? { approverGroups: groups } : {}),
  };
}

export { castVote, expireIfOverdue, type VerifiedVoter } from './approval-votes.js';
