import { isIPv4, isIPv6 } from 'node:net';
import { emailsOf, normalizeNames, type SubjectNames } from '../domain/certificate.js';
import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import { children, decodeString, implicit, sequence, type DerElement } from './der.js';

// GeneralName context tags (RFC 5280 §4.2.1.6).
const RFC822_NAME = 1;
const DNS_NAME = 2;
const URI = 6;
const IP_ADDRESS = 7;
const ASCII = /^[\x21-\x7e]+$/;

function invalidName(message: string): CertflowError {
  return new CertflowError(ErrorCodes.INPUT_INVALID, message);
}

const EMBEDDED_V4 = /(\d+\.\d+\.\d+\.\d+)$/;

function hexGroups(part: string | undefined): number[] {
  return part ? part.split(':').map((group) => parseInt(group, 16)) : [];
}

/** Octets of an IPv4 (4) or IPv6 (16) address; INPUT.INVALID for anything else. */
export function ipToBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  if (!isIPv6(ip) || ip.includes('%')) throw invalidName(`"${ip.slice(0, 64)}" is not an IP address`);
  let text = ip;
  const v4 = EMBEDDED_V4.exec(text);
  if (v4?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = v4[1].split('.').map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = hexGroups(head);
  const right = hexGroups(tail);
  const words = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const out = Buffer.alloc(16);
  words.forEach((word, i) => out.writeUInt16BE(word, i * 2));
  return out;
}

/** Text of IP octets: dotted IPv4, or RFC 5952 IPv6 (lower-case, longest zero run as `::`). */
export function bytesToIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) throw invalidName('an iPAddress name must be 4 or 16 octets');
  const words = Array.from({ length: 8 }, (_, i) => (bytes[i * 2]! << 8) | bytes[i * 2 + 1]!);
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

/** The canonical text of an IP address, or the trimmed lower-cased input when it is not one. */
export function canonicalIp(ip: string): string {
  const text = ip.trim().toLowerCase();
  try {
    return bytesToIp(ipToBytes(text));
  } catch {
    return text;
  }
}

/** normalizeNames, plus canonical IP text, so `2001:DB8:0::1` and `2001:db8::1` compare equal. */
export function canonicalNames(names: Partial<SubjectNames>): SubjectNames {
  return normalizeNames({ ...names, ip: (names.ip ?? []).map(canonicalIp) });
}

function ascii(value: string, kind: string): Buffer {
  if (!ASCII.test(value)) throw invalidName(`${kind} name "${value.slice(0, 64)}" must be non-empty printable ASCII (use punycode for IDNs)`);
  return Buffer.from(value, 'latin1');
}

/** The number of names of every type; a set with none needs no subjectAltName extension. */
export function countNames(names: SubjectNames): number {
  return names.dns.length + names.ip.length + names.uri.length + emailsOf(names).length;
}

/**
 * GeneralNames DER (the subjectAltName extension value): email addresses (rfc822Name, an
 * IA5String, RFC 5280 §4.2.1.6), DNS names, IPs, then URIs, in GeneralName tag order.
 */
export function encodeGeneralNames(names: SubjectNames): Buffer {
  return sequence(
    ...emailsOf(names).map((email) => implicit(RFC822_NAME, ascii(email, 'email'))),
    ...names.dns.map((dns) => implicit(DNS_NAME, ascii(dns, 'DNS'))),
    ...names.ip.map((ip) => implicit(IP_ADDRESS, ipToBytes(ip))),
    ...names.uri.map((uri) => implicit(URI, ascii(uri, 'URI'))),
  );
}

/** Names of a GeneralNames element; types certflow does not model (otherName, directoryName…) are skipped. */
export function decodeGeneralNames(element: DerElement): SubjectNames {
  const dns: string[] = [];
  const ip: string[] = [];
  const uri: string[] = [];
  const email: string[] = [];
  for (const name of children(element)) {
    if (name.tag === (0x80 | DNS_NAME)) dns.push(decodeString({ ...name, tag: 0x16 }));
    else if (name.tag === (0x80 | IP_ADDRESS)) ip.push(bytesToIp(name.value));
    else if (name.tag === (0x80 | URI)) uri.push(decodeString({ ...name, tag: 0x16 }));
    else if (name.tag === (0x80 | RFC822_NAME)) email.push(decodeString({ ...name, tag: 0x16 }));
  }
  // bytesToIp already gives canonical text, so the cheaper normalizeNames suffices here.
  return normalizeNames({ dns, ip, uri, email });
}

/**
 * Names of node's `X509Certificate.subjectAltName` text: `DNS:a, IP Address:1.2.3.4, URI:…, email:…`,
 * where values holding separators are JSON-quoted (node ≥ 17.3.1).
 */
export function parseSubjectAltName(text: string | undefined): SubjectNames {
  const dns: string[] = [];
  const ip: string[] = [];
  const uri: string[] = [];
  const email: string[] = [];
  for (let rest = text ?? ''; rest.length > 0; ) {
    const colon = rest.indexOf(':');
    if (colon < 0) break;
    const type = rest.slice(0, colon);
    let value: string;
    rest = rest.slice(colon + 1);
    if (rest.startsWith('"')) {
      const end = closingQuote(rest);
      value = JSON.parse(rest.slice(0, end + 1)) as string;
      rest = rest.slice(end + 1);
    } else {
      const comma = rest.indexOf(', ');
      value = comma < 0 ? rest : rest.slice(0, comma);
      rest = comma < 0 ? '' : rest.slice(comma);
    }
    rest = rest.startsWith(', ') ? rest.slice(2) : rest;
    if (type === 'DNS') dns.push(value);
    else if (type === 'IP Address') ip.push(value);
    else if (type === 'URI') uri.push(value);
    else if (type === 'email') email.push(value);
  }
  return canonicalNames({ dns, ip, uri, email });
}

function closingQuote(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}
