import { children, decode, decodeOid, expectTag, Tag } from '../../crypto/der.js';
import { pemToDer } from '../../crypto/index.js';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';

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
