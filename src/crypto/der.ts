import { CertflowError, ErrorCodes } from '../domain/errors/index.js';

/**
 * Minimal DER (X.690) encoder and decoder: just what certificates and CSRs need.
 * Encoders return fresh Buffers; decoders return views into the input (no copies).
 */

/** Universal tags used by X.509. */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

const CONSTRUCTED = 0x20;

// ---------------------------------------------------------------- encoding

function lengthSize(length: number): number {
  if (length < 0x80) return 1;
  if (length < 0x100) return 2;
  if (length < 0x10000) return 3;
  if (length < 0x1000000) return 4;
  return 5;
}

/** One TLV from a tag and its content parts; allocates once. */
export function tlv(tag: number, ...contents: readonly Uint8Array[]): Buffer {
  let length = 0;
  for (const part of contents) length += part.length;
  const size = lengthSize(length);
  const out = Buffer.allocUnsafe(1 + size + length);
  out[0] = tag;
  if (size === 1) {
    out[1] = length;
  } else {
    out[1] = 0x80 | (size - 1);
    for (let i = size - 1, v = length; i >= 1; i--, v >>>= 8) out[1 + i] = v & 0xff;
  }
  let offset = 1 + size;
  for (const part of contents) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export const sequence = (...items: readonly Uint8Array[]): Buffer => tlv(Tag.SEQUENCE, ...items);

/** SET OF: DER wants the elements sorted by their encodings. */
export function setOf(...items: readonly Buffer[]): Buffer {
  return tlv(Tag.SET, ...[...items].sort(Buffer.compare));
}

/**
 * INTEGER from a small non-negative number, or from an unsigned big-endian magnitude (serials):
 * leading zeros are dropped and a 0x00 is prepended when the top bit is set, so it stays positive.
 */
export function integer(value: number | Uint8Array): Buffer {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError('DER integer must be a non-negative safe integer');
    const bytes: number[] = [];
    for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
    return integer(Uint8Array.from(bytes));
  }
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  const magnitude = value.length === 0 ? Uint8Array.of(0) : value.subarray(start);
  return (magnitude[0] ?? 0) & 0x80 ? tlv(Tag.INTEGER, Uint8Array.of(0), magnitude) : tlv(Tag.INTEGER, magnitude);
}

const oidCache = new Map<string, Buffer>();

/** OBJECT IDENTIFIER from dotted form; encodings are cached (the set of OIDs is small). */
export function oid(dotted: string): Buffer {
  const cached = oidCache.get(dotted);
  if (cached) return cached;
  const arcs = dotted.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0)) throw new RangeError(`invalid OID ${dotted}`);
  const bytes: number[] = [];
  const [first = 0, second = 0, ...rest] = arcs;
  for (const arc of [first * 40 + second, ...rest]) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  const encoded = tlv(Tag.OID, Uint8Array.from(bytes));
  oidCache.set(dotted, encoded);
  return encoded;
}

export const bitString = (bytes: Uint8Array, unusedBits = 0): Buffer => tlv(Tag.BIT_STRING, Uint8Array.of(unusedBits), bytes);

/** BIT STRING of named bits (bit 0 = most significant bit of the first byte), trailing zeros removed. */
export function namedBits(bits: readonly number[]): Buffer {
  if (bits.length === 0) return bitString(new Uint8Array(0));
  const highest = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  return bitString(bytes, 7 - (highest & 7));
}

export const octetString = (bytes: Uint8Array): Buffer => tlv(Tag.OCTET_STRING, bytes);
export const utf8String = (text: string): Buffer => tlv(Tag.UTF8_STRING, Buffer.from(text, 'utf8'));
export const printableString = (text: string): Buffer => tlv(Tag.PRINTABLE_STRING, Buffer.from(text, 'latin1'));
export const ia5String = (text: string): Buffer => tlv(Tag.IA5_STRING, Buffer.from(text, 'latin1'));
export const boolean = (value: boolean): Buffer => Buffer.from([Tag.BOOLEAN, 1, value ? 0xff : 0x00]);
export const NULL: Buffer = Buffer.from([Tag.NULL, 0]);

/** `[n] EXPLICIT`: a constructed context tag wrapping complete TLVs. */
export const explicit = (tagNumber: number, ...contents: readonly Uint8Array[]): Buffer => tlv(0xa0 | tagNumber, ...contents);

/** `[n] IMPLICIT`: the context tag replaces the inner tag; pass the inner *content*. */
export const implicit = (tagNumber: number, content: Uint8Array, constructed = false): Buffer =>
  tlv((constructed ? 0xa0 : 0x80) | tagNumber, content);

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; seconds precision, always Z. */
export function time(date: Date): Buffer {
  const year = date.getUTCFullYear();
  const rest = `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  if (year >= 1950 && year < 2050) return tlv(Tag.UTC_TIME, Buffer.from(`${two(year % 100)}${rest}`, 'latin1'));
  return tlv(Tag.GENERALIZED_TIME, Buffer.from(`${String(year).padStart(4, '0')}${rest}`, 'latin1'));
}

// ---------------------------------------------------------------- decoding

/** One decoded TLV; `value` and `raw` are views into the input. */
export interface DerElement {
  readonly tag: number;
  readonly value: Buffer;
  /** The whole TLV, header included (what signatures cover). */
  readonly raw: Buffer;
}

function invalid(message: string): CertflowError {
  return new CertflowError(ErrorCodes.INPUT_INVALID, `DER: ${message}`);
}

/** Reads the TLV at `offset`; `next` is where the following one starts. */
export function readElement(input: Buffer, offset = 0): DerElement & { readonly next: number } {
  if (offset + 2 > input.length) throw invalid('truncated element header');
  const tag = input[offset]!;
  if ((tag & 0x1f) === 0x1f) throw invalid('high tag numbers are not supported');
  let length = input[offset + 1]!;
  let headerLength = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0) throw invalid('indefinite length is not allowed');
    if (count > 4) throw invalid('length too large');
    if (offset + 2 + count > input.length) throw invalid('truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + input[offset + 2 + i]!;
    headerLength += count;
  }
  const start = offset + headerLength;
  const end = start + length;
  if (end > input.length) throw invalid('element runs past the end of its container');
  return { tag, value: input.subarray(start, end), raw: input.subarray(offset, end), next: end };
}

/** Decodes a buffer that must hold exactly one TLV. */
export function decode(input: Buffer): DerElement {
  const element = readElement(input, 0);
  if (element.next !== input.length) throw invalid('trailing bytes after element');
  return element;
}

/** The elements inside a constructed element. */
export function children(element: DerElement): DerElement[] {
  if (!(element.tag & CONSTRUCTED)) throw invalid('expected a constructed element');
  const out: DerElement[] = [];
  for (let offset = 0; offset < element.value.length; ) {
    const child = readElement(element.value, offset);
    out.push(child);
    offset = child.next;
  }
  return out;
}

/** Returns the element if its tag is `tag`; `what` names it in the error. */
export function expectTag(element: DerElement | undefined, tag: number, what: string): DerElement {
  if (!element) throw invalid(`${what} is missing`);
  if (element.tag !== tag) throw invalid(`${what} has an unexpected tag`);
  return element;
}

export function decodeOid(element: DerElement): string {
  const bytes = expectTag(element, Tag.OID, 'object identifier').value;
  if (bytes.length === 0) throw invalid('empty object identifier');
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  if (bytes[bytes.length - 1]! & 0x80) throw invalid('truncated object identifier');
  const first = arcs.shift()!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs].join('.');
}

/** Small non-negative INTEGER (versions, path lengths). */
export function decodeSmallInteger(element: DerElement): number {
  const bytes = expectTag(element, Tag.INTEGER, 'integer').value;
  if (bytes.length === 0 || bytes.length > 6 || bytes[0]! & 0x80) throw invalid('integer out of range');
  return bytes.reduce((acc, b) => acc * 256 + b, 0);
}

export function decodeBitString(element: DerElement): { readonly unusedBits: number; readonly bytes: Buffer } {
  const value = expectTag(element, Tag.BIT_STRING, 'bit string').value;
  if (value.length === 0 || value[0]! > 7) throw invalid('malformed bit string');
  return { unusedBits: value[0]!, bytes: value.subarray(1) };
}

/** Text of a directory string or IA5String, whatever its string type. */
export function decodeString(element: DerElement): string {
  switch (element.tag) {
    case Tag.UTF8_STRING:
      return element.value.toString('utf8');
    case Tag.PRINTABLE_STRING:
    case Tag.IA5_STRING:
    case Tag.T61_STRING:
      return element.value.toString('latin1');
    case Tag.BMP_STRING:
      if (element.value.length % 2 !== 0) throw invalid('malformed BMPString');
      return Buffer.from(element.value).swap16().toString('utf16le');
    default:
      throw invalid('unsupported string type');
  }
}
