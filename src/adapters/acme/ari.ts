import { children, decode, decodeOid, expectTag, Tag } from '../../crypto/der.js';
import { pemToDer } from '../../crypto/index.js';
import { CertflowError, ErrorCodes, type ErrorContext } from '../../domain/errors/index.js';
import type { RenewalInfo } from '../../ports/issuer.port.js';
import type { AcmeSession } from './acme.session.js';

const AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';

/**
 * RFC 9773 §4.1 CertID: base64url(AKI keyIdentifier) "." base64url(DER serial content octets,
 * leading zero included), read from the certificate's own DER.
 */
export function ariCertId(certificatePem: string): string {
  const der = pemToDer(certificatePem, 'CERTIFICATE');
  const [tbs] = children(expectTag(decode(der), Tag.SEQUENCE, 'certificate'));
  const fields = children(expectTag(tbs, Tag.SEQUENCE, 'tbsCertificate'));
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const serial = expectTag(fields[offset], Tag.INTEGER, 'serial number').value;
  const extensions = fields.slice(offset + 6).find((f) => f.tag === 0xa3);
  for (const extension of extensions ? children(children(extensions)[0] ?? expectTag(undefined, Tag.SEQUENCE, 'extensions')) : []) {
    const parts = children(extension);
    if (decodeOid(expectTag(parts[0], Tag.OID, 'extension id')) !== AUTHORITY_KEY_IDENTIFIER) continue;
    const aki = decode(expectTag(parts[parts.length - 1], Tag.OCTET_STRING, 'extension value').value);
    const keyId = children(aki).find((e) => e.tag === 0x80);
    if (keyId) return `${keyId.value.toString('base64url')}.${Buffer.from(serial).toString('base64url')}`;
  }
  throw new CertflowError(ErrorCodes.INPUT_INVALID, 'the certificate has no authority key identifier, so it has no ARI CertID');
}

/** RFC 9773 §4.3: what a client does when the CA's answer carries no Retry-After. */
const ARI_DEFAULT_RECHECK_MS = 6 * 3_600_000;

/**
 * RFC 9773 renewal information, when the directory offers `renewalInfo`: a renewal time picked at
 * random inside the CA's suggested window (so renewals of many certificates spread out), and when
 * to ask again (the CA's Retry-After, kept between a minute and a day; six hours without).
 * Undefined when the CA offers no ARI: the renewal policy's default applies.
 */
export async function askRenewalInfo(session: AcmeSession, certificatePem: string, at: Date, random: () => number, context: ErrorContext): Promise<RenewalInfo | undefined> {
  const base = session.directory.renewalInfo;
  if (!base) return undefined;
  const response = await session.get<{ suggestedWindow?: { start?: string; end?: string } }>(`${base.replace(/\/$/, '')}/${ariCertId(certificatePem)}`, context);
  const start = Date.parse(response.data.suggestedWindow?.start ?? '');
  const end = Date.parse(response.data.suggestedWindow?.end ?? '');
  if (response.status !== 200 || Number.isNaN(start) || Number.isNaN(end) || end < start) {
    throw new CertflowError(ErrorCodes.ISSUER_UNAVAILABLE, 'the CA answered renewalInfo without a usable suggested window', { retryable: true, context });
  }
  const now = at.getTime();
  const asked = response.retryAfter ? response.retryAfter.getTime() - now : ARI_DEFAULT_RECHECK_MS;
  const recheck = Math.min(Math.max(asked, 60_000), 86_400_000);
  return {
    window: { start: new Date(start), end: new Date(end) },
    renewAt: new Date(start + Math.floor(random() * (end - start))),
    checkAgainAt: new Date(now + recheck),
  };
}
