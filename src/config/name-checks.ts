import { parse as parseHostname } from 'tldts';

/**
 * Checks of the names a certificate asks for that a JSON Schema pattern cannot make: each
 * returns the reason a name can never be issued, or undefined when it can. Plain functions, so
 * the config loader can list every problem at once and a precompiled schema stays as it is.
 */

/** RFC 5280 ub-common-name: a CN longer than this is refused by every CA (and by certflow's CSR encoder). */
export const MAX_COMMON_NAME_LENGTH = 64;

/** URI SAN schemes accepted when the configuration names none. */
export const DEFAULT_URI_SCHEMES: readonly string[] = ['spiffe', 'https', 'urn'];

/** Names reserved for the local machine (RFC 6761): no CA can vouch that a client reached "localhost". */
const LOCAL_ONLY = /(^|\.)localhost$/;

/** Why `name` (a DNS name that passed the schema's syntax check) cannot be issued, or undefined. */
export function dnsNameProblem(name: string): string | undefined {
  const lower = name.toLowerCase();
  const wildcard = lower.startsWith('*.');
  const base = wildcard ? lower.slice(2) : lower;
  if (LOCAL_ONLY.test(base)) return `'${name}' is reserved for the local machine (RFC 6761)`;
  if (wildcard) {
    // The Public Suffix List (ICANN and private sections): `*.com` or `*.github.io` would cover names of unrelated owners.
    const parsed = parseHostname(base, { allowPrivateDomains: true });
    if (parsed.domain === null || parsed.publicSuffix === base) return `'${name}' is a wildcard on the public suffix '${base}'`;
  }
  const labels = base.split('.');
  if (labels.length < 2) return `'${name}' is a single label, not a fully qualified host name`;
  // An all-numeric top label is an IP address written as a name (or no name at all): SANs of type IP carry those.
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return `'${name}' ends in a numeric label; put IP addresses in ipAddresses`;
  return undefined;
}

/** Why a URI SAN cannot be issued under the allowed schemes, or undefined. */
export function uriProblem(uri: string, allowedSchemes: readonly string[]): string | undefined {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):(.*)$/s.exec(uri);
  if (!match) return `'${shorten(uri)}' has no URI scheme`;
  const scheme = (match[1] ?? '').toLowerCase();
  if (!allowedSchemes.includes(scheme)) {
    return `the URI scheme '${scheme}' is not allowed (allowed: ${allowedSchemes.join(', ')}; set defaults.uriSchemes to change)`;
  }
  const rest = match[2] ?? '';
  // RFC 5280 4.2.1.6: a URI SAN with an authority names a host, and must not be a relative reference.
  if ((scheme === 'https' || scheme === 'spiffe') && !/^\/\/[^/?#\s]+/.test(rest)) return `'${shorten(uri)}' has no host after '${scheme}://'`;
  if (/\s/.test(uri)) return `'${shorten(uri)}' contains white space`;
  return undefined;
}

/** RFC 5321 §4.5.3.1.1: a mailbox's local part has at most 64 octets. */
const MAX_EMAIL_LOCAL_PART = 64;

/**
 * Why an email SAN (an addr-spec that passed the schema's syntax check) cannot be issued, or
 * undefined: the local part's length, and the domain as a host name a mailbox can live at (the
 * checks of dnsNameProblem, and not a public suffix itself, which no one person's mail is at).
 */
export function emailAddressProblem(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at < 1) return `'${shorten(address)}' is not an email address (local-part@domain)`;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  if (local.length > MAX_EMAIL_LOCAL_PART) {
    return `'${shorten(address)}' has a local part of ${local.length.toString()} characters, over the ${MAX_EMAIL_LOCAL_PART.toString()} RFC 5321 allows`;
  }
  if (domain.startsWith('*.')) return `'${shorten(address)}' has a wildcard domain; an email SAN names one mailbox`;
  const why = dnsNameProblem(domain);
  if (why) return `the domain of '${shorten(address)}' cannot be used: ${why}`;
  const parsed = parseHostname(domain, { allowPrivateDomains: true });
  if (parsed.domain === null || parsed.publicSuffix === domain) return `the domain of '${shorten(address)}' is the public suffix '${domain}'`;
  return undefined;
}

/** Why an explicitly configured common name cannot be used, or undefined. */
export function commonNameProblem(commonName: string): string | undefined {
  if (commonName.length > MAX_COMMON_NAME_LENGTH) {
    return `is ${commonName.length.toString()} characters, over the ${MAX_COMMON_NAME_LENGTH.toString()} a common name may have; omit it (the SANs carry the names)`;
  }
  return undefined;
}

/**
 * The characters IAM allows in a session's source identity (STS SetSourceIdentity: 2 to 64 of
 * letters, digits and `_+=,.@-`). IAM Roles Anywhere sets the source identity to a client
 * certificate's CN, so a CN outside these cannot identify the workload there.
 */
const WORKLOAD_NAME = /^[A-Za-z0-9_+=,.@-]{2,64}$/;

/** Why a client certificate's common name (its workload identity) cannot be used, or undefined. */
export function workloadNameProblem(commonName: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (/[\u0000-\u001f\u007f-\u009f]/.test(commonName)) return 'contains a control character';
  if (commonName.length > MAX_COMMON_NAME_LENGTH) return `is ${commonName.length.toString()} characters, over the ${MAX_COMMON_NAME_LENGTH.toString()} a common name may have`;
  if (!WORKLOAD_NAME.test(commonName)) {
    const bad = [...new Set([...commonName].filter((ch) => !/[A-Za-z0-9_+=,.@-]/.test(ch)))].map((ch) => JSON.stringify(ch)).join(' ');
    const why = commonName.length < 2 ? 'is shorter than 2 characters' : `has ${bad}`;
    return `'${shorten(commonName)}' ${why}: a client certificate's common name names the workload and becomes its session's source identity (IAM Roles Anywhere), so it must be 2 to 64 of letters, digits and _+=,.@-`;
  }
  return undefined;
}

/**
 * The common name a certificate gets when the configuration names none: the first DNS name short
 * enough to be one, or none at all (an empty CN is omitted from the CSR; clients read the SANs).
 */
export function defaultCommonName(dnsNames: readonly string[]): string {
  return dnsNames.find((n) => n.length <= MAX_COMMON_NAME_LENGTH) ?? '';
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
