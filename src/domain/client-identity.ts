import { emailsOf, isClientUsage, usageOf, type CertificateSpec } from './certificate.js';
import { matchName, type NameKind } from './name-match.js';
import type { PolicyScope } from './approval-policy.js';

/*
 * The policy's rules for client certificates: a client certificate's CN names a workload (IAM
 * Roles Anywhere makes it the session's source identity), so policy treats it as a name the
 * certificate vouches for, and grants it per scope like SANs.
 */

/**
 * Every name the certificate vouches for, with the kind to match it as: its SANs, and for a
 * client certificate its CN too (the workload identity a verifier such as Roles Anywhere reads).
 */
export function vouchedNames(spec: CertificateSpec): { name: string; kind: NameKind }[] {
  const sans: { name: string; kind: NameKind }[] = [
    ...[...spec.names.dns, ...spec.names.ip].map((name) => ({ name, kind: 'dns' as const })),
    ...spec.names.uri.map((name) => ({ name, kind: 'uri' as const })),
    ...emailsOf(spec.names).map((name) => ({ name, kind: 'email' as const })),
  ];
  return isClientUsage(usageOf(spec)) && spec.commonName !== '' ? [{ name: spec.commonName, kind: 'cn' }, ...sans] : sans;
}

/** Reasons the request's usage, or its client CN, is not one the scope grants. */
export function usageViolations(scope: PolicyScope, spec: CertificateSpec, label: string): string[] {
  const usage = usageOf(spec);
  const usages = scope.usages ?? ['server'];
  if (!usages.includes(usage)) return [`${label} does not allow ${usage} certificates (allowed: ${usages.join(', ')})`];
  if (!isClientUsage(usage)) return [];
  const cn = spec.commonName;
  const allowed = scope.allowedCommonNames ?? [];
  if (allowed.length === 0) return [`${label} allows no client common names, so it cannot grant common name ${cn} (set allowedCommonNames)`];
  return allowed.some((p) => matchName(p, cn, 'cn')) ? [] : [`common name ${cn} is outside the common names ${label} allows`];
}
