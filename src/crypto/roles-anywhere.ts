import { X509Certificate } from 'node:crypto';
import { schemeForOid } from './algorithms.js';
import { parseCertificateDer } from './certificate-parser.js';
import { children, decode, decodeBitString, decodeOid, decodeSmallInteger, decodeString, type DerElement } from './der.js';
import { parseCertificate } from './inspect.js';
import { splitPemChain } from './pem.js';

/**
 * What IAM Roles Anywhere would check of an end-entity certificate and what its session would
 * carry. Pure reading; the rules and tag names are AWS's, from the IAM Roles Anywhere User Guide:
 * - "Trust model", signature validation: the certificate MUST be X.509v3, basic constraints MUST
 *   include CA: false, key usage MUST include Digital Signature, the signing algorithm MUST be
 *   SHA-256 or stronger (MD5 and SHA-1 are rejected); RSA and EC keys are supported; the signing
 *   certificate MUST chain to the trust anchor's CA. Empty subjects are not supported.
 * - "Trust model", principal tags: the subject's and issuer's RDNs become `x509Subject/<attr>` and
 *   `x509Issuer/<attr>`; the first DNS name, URI and directory name of the SAN become
 *   `x509SAN/DNS`, `x509SAN/URI` and `x509SAN/Name/<attr>`; several values of one attribute are
 *   joined with `/` in certificate order. The source identity is the subject CN.
 * certflow adds the usual client-certificate rules (clientAuth when an EKU is present; RSA of at
 * least 2048 bits, EC P-256 or P-384), which the helper and TLS stacks expect as well.
 */

export type RolesAnywhereCheckName =
  | 'chain' | 'validity' | 'version' | 'basicConstraints' | 'keyUsage' | 'extendedKeyUsage' | 'keyAlgorithm' | 'signatureAlgorithm' | 'subject';

export interface RolesAnywhereCheck {
  readonly check: RolesAnywhereCheckName;
  readonly ok: boolean;
  readonly detail: string;
}

export interface RolesAnywhereAssessment {
  /** True when every check passes. */
  readonly accepted: boolean;
  readonly checks: readonly RolesAnywhereCheck[];
  /** The subject CN, which Roles Anywhere sets as the session's source identity; null without one. */
  readonly sourceIdentity: string | null;
  /** `x509Subject/CN` → value, …, as the default attribute mapping of a profile derives them. */
  readonly principalTags: Readonly<Record<string, string>>;
  /** What may not behave as expected though it is not refused (attributes outside the documented set, STS limits). */
  readonly warnings: readonly string[];
}

const OIDS = {
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  anyExtendedKeyUsage: '2.5.29.37.0',
};

/** The attributes the User Guide shows as principal tags. */
const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C', '2.5.4.8': 'ST', '2.5.4.7': 'L',
};

interface Attribute {
  readonly oid: string;
  readonly value: string;
}

function nameAttributes(name: DerElement): Attribute[] {
  return children(name).flatMap((rdn) =>
    children(rdn).map((attribute) => {
      const [type, value] = children(attribute);
      return { oid: decodeOid(type!), value: value ? decodeString(value) : '' };
    }),
  );
}

/** Tags for one name, values of a repeated attribute joined with '/' in order; unknown attributes go to `unmapped`. */
function tagsOf(prefix: string, attributes: readonly Attribute[], unmapped: string[]): [string, string][] {
  const grouped = new Map<string, string[]>();
  for (const { oid, value } of attributes) {
    const short = ATTRIBUTE_NAMES[oid];
    if (!short) {
      unmapped.push(`${prefix} attribute ${oid}`);
      continue;
    }
    grouped.set(short, [...(grouped.get(short) ?? []), value]);
  }
  return [...grouped].map(([short, values]) => [`${prefix}/${short}`, values.join('/')]);
}

interface Fields {
  readonly version: number;
  readonly extensions: ReadonlyMap<string, { readonly critical: boolean; readonly value: Buffer }>;
  readonly subject: Attribute[];
  readonly issuer: Attribute[];
}

function fieldsOf(der: Buffer): Fields {
  const [tbs] = children(decode(der));
  const fields = children(tbs!);
  const explicitVersion = fields[0]?.tag === 0xa0;
  const version = explicitVersion ? decodeSmallInteger(children(fields[0]!)[0]!) + 1 : 1;
  const rest = fields.slice(explicitVersion ? 1 : 0);
  const extensions = new Map<string, { critical: boolean; value: Buffer }>();
  const block = rest.find((f) => f.tag === 0xa3);
  for (const extension of block ? children(children(block)[0]!) : []) {
    const parts = children(extension);
    extensions.set(decodeOid(parts[0]!), { critical: parts.length === 3 && parts[1]!.value[0] !== 0, value: parts[parts.length - 1]!.value });
  }
  return { version, extensions, issuer: nameAttributes(rest[2]!), subject: nameAttributes(rest[4]!) };
}

/** First DNS name, URI and directory name of the SAN, as Roles Anywhere maps them. */
function sanTags(value: Buffer | undefined, unmapped: string[]): [string, string][] {
  if (!value) return [];
  const names = children(decode(value));
  const first = (tag: number) => names.find((n) => n.tag === tag);
  const dns = first(0x82);
  const uri = first(0x86);
  const directory = first(0xa4);
  return [
    ...(dns ? [['x509SAN/DNS', dns.value.toString('latin1')] as [string, string]] : []),
    ...(uri ? [['x509SAN/URI', uri.value.toString('latin1')] as [string, string]] : []),
    ...(directory ? tagsOf('x509SAN/Name', nameAttributes(children(directory)[0]!), unmapped) : []),
  ];
}

/** A path from the certificate through the given intermediates to an anchor, every link verified and valid at `at`. */
function chainCheck(leaf: X509Certificate, intermediates: readonly X509Certificate[], anchors: readonly X509Certificate[], at: Date): RolesAnywhereCheck {
  const issued = (child: X509Certificate, parent: X509Certificate) => parent.ca && child.checkIssued(parent) && child.verify(parent.publicKey);
  const valid = (c: X509Certificate) => at.getTime() >= Date.parse(c.validFrom) && at.getTime() <= Date.parse(c.validTo);
  let current = leaf;
  const used = new Set<X509Certificate>();
  for (let depth = 0; depth <= intermediates.length; depth++) {
    const anchor = anchors.find((a) => issued(current, a));
    if (anchor) {
      const expired = [...used, anchor].find((c) => !valid(c));
      if (expired) return { check: 'chain', ok: false, detail: `chain certificate ${expired.subject.replace(/\n/g, ', ')} is not valid now` };
      return { check: 'chain', ok: true, detail: `leads to the trust anchor ${anchor.subject.replace(/\n/g, ', ')} through ${used.size.toString()} intermediate(s)` };
    }
    const next = intermediates.find((c) => !used.has(c) && issued(current, c));
    if (!next) break;
    used.add(next);
    current = next;
  }
  return { check: 'chain', ok: false, detail: 'no path from the certificate to a certificate of the trust anchor bundle (give the intermediates with the certificate)' };
}

/** The checks and the derived identity for `leafDer`, given its intermediates and the trust anchor bundle. */
export function assessForRolesAnywhere(leafDer: Buffer, intermediates: readonly X509Certificate[], anchors: readonly X509Certificate[], at: Date): RolesAnywhereAssessment {
  const leaf = new X509Certificate(leafDer);
  const { signatureAlgorithm } = parseCertificateDer(leafDer);
  const f = fieldsOf(leafDer);
  const checks: RolesAnywhereCheck[] = [chainCheck(leaf, intermediates, anchors, at)];
  const add = (check: RolesAnywhereCheckName, ok: boolean, good: string, bad: string) => checks.push({ check, ok, detail: ok ? good : bad });

  const notBefore = new Date(leaf.validFrom);
  const notAfter = new Date(leaf.validTo);
  add('validity', at >= notBefore && at <= notAfter, `valid until ${notAfter.toISOString()}`, at < notBefore ? `not valid before ${notBefore.toISOString()}` : `expired at ${notAfter.toISOString()}`);
  add('version', f.version === 3, 'X.509 v3', `X.509 v${f.version.toString()}: Roles Anywhere requires v3`);
  add('basicConstraints', !leaf.ca, f.extensions.has(OIDS.basicConstraints) ? 'CA:false' : 'absent (not a CA)', 'CA:true: a CA certificate cannot authenticate');
  const keyUsage = f.extensions.get(OIDS.keyUsage);
  const digitalSignature = keyUsage !== undefined && ((decodeBitString(decode(keyUsage.value)).bytes[0] ?? 0) & 0x80) !== 0;
  add('keyUsage', digitalSignature, 'includes digitalSignature', keyUsage ? 'lacks digitalSignature' : 'absent: Roles Anywhere requires digitalSignature');
  const eku = f.extensions.get(OIDS.extKeyUsage);
  const purposes = eku ? children(decode(eku.value)).map((p) => decodeOid(p)) : [];
  add('extendedKeyUsage', !eku || purposes.includes(OIDS.clientAuth) || purposes.includes(OIDS.anyExtendedKeyUsage), eku ? 'includes clientAuth' : 'absent (any purpose)', 'present without clientAuth');
  const key = leaf.publicKey;
  const bits = key.asymmetricKeyDetails?.modulusLength;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const keyText = key.asymmetricKeyType === 'rsa' ? `RSA ${String(bits)}` : key.asymmetricKeyType === 'ec' ? `EC ${String(curve)}` : String(key.asymmetricKeyType);
  const keyOk = (key.asymmetricKeyType === 'rsa' && (bits ?? 0) >= 2048) || (key.asymmetricKeyType === 'ec' && (curve === 'prime256v1' || curve === 'secp384r1'));
  add('keyAlgorithm', keyOk, keyText, `${keyText}: needs RSA of at least 2048 bits or EC P-256/P-384`);
  const scheme = schemeForOid(signatureAlgorithm);
  add('signatureAlgorithm', scheme !== undefined, `${scheme?.keyType === 'ec' ? 'ECDSA' : 'RSA'} with ${scheme?.hash.toUpperCase() ?? ''}`, `${signatureAlgorithm} is not RSA or ECDSA with SHA-256 or stronger`);
  add('subject', f.subject.length > 0, 'not empty', 'empty: Roles Anywhere does not support certificates with an empty subject');

  const unmapped: string[] = [];
  const principalTags = Object.fromEntries([...tagsOf('x509Subject', f.subject, unmapped), ...tagsOf('x509Issuer', f.issuer, unmapped), ...sanTags(f.extensions.get(OIDS.subjectAltName)?.value, unmapped)]);
  const sourceIdentity = f.subject.find((a) => a.oid === '2.5.4.3')?.value ?? null;
  const warnings = [
    ...unmapped.map((u) => `${u} is not among the attributes the User Guide lists as principal tags; it may not become one`),
    ...(sourceIdentity === null ? ['the subject has no CN: the session gets no source identity to match in a trust policy'] : []),
    // STS: SourceIdentity is 2-64 characters of [\w+=,.@-].
    ...(sourceIdentity !== null && !/^[\w+=,.@-]{2,64}$/.test(sourceIdentity) ? ['the CN is not a valid STS source identity (2-64 characters of letters, digits and _+=,.@-)'] : []),
    ...Object.entries(principalTags).filter(([, v]) => v.length > 256).map(([k]) => `${k} is longer than the 256 characters of a session tag value`),
  ];
  return { accepted: checks.every((c) => c.ok), checks, sourceIdentity, principalTags, warnings };
}

/** The certificates of a PEM bundle (the trust anchor file); PEM.MALFORMED for one that is not a certificate. */
export function anchorsOf(pemText: string): X509Certificate[] {
  return splitPemChain(pemText).map((pem) => parseCertificate(pem));
}
