import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import { OID } from './algorithms.js';
import { children, decode, decodeOid, decodeString, expectTag, oid, sequence, setOf, Tag, utf8String, type DerElement } from './der.js';

/** The attributes certflow puts in a distinguished name. */
export interface NameAttributes {
  readonly organization?: string | undefined;
  readonly commonName?: string | undefined;
}

/** RFC 5280 upper bounds (ub-common-name, ub-organization-name). */
const MAX_LENGTH = 64;

function attribute(type: string, value: string): Buffer {
  if (value.length > MAX_LENGTH) throw new CertflowError(ErrorCodes.INPUT_INVALID, `a name attribute is longer than ${MAX_LENGTH} characters`);
  return setOf(sequence(oid(type), utf8String(value)));
}

/** Name DER, O then CN (most significant first, as RFC 4514 prints in reverse); empty when both are absent. */
export function encodeName(name: NameAttributes): Buffer {
  const rdns: Buffer[] = [];
  if (name.organization) rdns.push(attribute(OID.organization, name.organization));
  if (name.commonName) rdns.push(attribute(OID.commonName, name.commonName));
  return sequence(...rdns);
}

/** O and CN of a Name element (the first of each). */
export function decodeNameAttributes(name: DerElement): NameAttributes {
  let organization: string | undefined;
  let commonName: string | undefined;
  for (const rdn of children(expectTag(name, Tag.SEQUENCE, 'name'))) {
    for (const attribute of children(rdn)) {
      const [type, value] = children(attribute);
      if (!type || !value) continue;
      const id = decodeOid(type);
      if (id === OID.organization) organization ??= decodeString(value);
      else if (id === OID.commonName) commonName ??= decodeString(value);
    }
  }
  return { organization, commonName };
}

/** Subject O and CN of a DER certificate: what a CA must write as the issuer of what it signs. */
export function certificateSubjectAttributes(der: Buffer): NameAttributes {
  const [tbs] = children(expectTag(decode(der), Tag.SEQUENCE, 'certificate'));
  const fields = children(expectTag(tbs, Tag.SEQUENCE, 'tbsCertificate'));
  const first = fields[0]?.tag === 0xa0 ? 1 : 0; // [0] version is absent in v1 certificates
  return decodeNameAttributes(expectTag(fields[first + 4], Tag.SEQUENCE, 'subject'));
}
