import { CertflowError, ErrorCodes } from '../domain/errors/index.js';

/** One PEM block (RFC 7468): its label and the DER it encodes. */
export interface PemBlock {
  readonly label: string;
  readonly der: Buffer;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]{1,64})-----([^-]*)-----END ([A-Z0-9 ]{1,64})-----/g;
const BEGIN = /-----BEGIN /g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const WHITESPACE = /\s+/g;

/** Messages name the block by position and label only: the input itself may be key material. */
function malformed(message: string): CertflowError {
  return new CertflowError(ErrorCodes.PEM_MALFORMED, message);
}

function decodeBody(body: string, index: number): Buffer {
  if (body.includes(':')) throw malformed(`PEM block ${index} has headers (legacy encrypted PEM is not supported)`);
  const compact = body.replace(WHITESPACE, '');
  if (compact.length === 0) throw malformed(`PEM block ${index} is empty`);
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) throw malformed(`PEM block ${index} is not valid base64`);
  return Buffer.from(compact, 'base64');
}

/**
 * Every PEM block in `text`, in order. Text between blocks is ignored (RFC 7468 allows
 * explanatory text). Throws PEM.MALFORMED when there is no block, a BEGIN has no matching END,
 * or a body is not base64.
 */
export function parsePemBlocks(text: string): PemBlock[] {
  if (typeof text !== 'string') throw malformed('PEM input is not text');
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const [, label = '', body = '', endLabel] = match;
    if (label !== endLabel) throw malformed(`PEM block ${blocks.length + 1} has mismatched BEGIN and END labels`);
    blocks.push({ label, der: decodeBody(body, blocks.length + 1) });
  }
  const begins = text.match(BEGIN)?.length ?? 0;
  if (begins !== blocks.length) throw malformed(`PEM block ${blocks.length + 1} is truncated or has no END line`);
  if (blocks.length === 0) throw malformed('no PEM block found');
  return blocks;
}

/** DER of the first block whose label is one of `labels`; PEM.MALFORMED when there is none. */
export function pemToDer(text: string, ...labels: readonly string[]): Buffer {
  const block = parsePemBlocks(text).find((b) => labels.includes(b.label));
  if (!block) throw malformed(`no ${labels[0] ?? 'matching'} PEM block found`);
  return block.der;
}

/**
 * Splits a chain into one normalised PEM string per certificate, in order.
 * Blank text is an empty chain; any block that is not a CERTIFICATE is PEM.MALFORMED.
 */
export function splitPemChain(text: string): string[] {
  if (typeof text === 'string' && text.trim() === '') return [];
  return parsePemBlocks(text).map((block, i) => {
    if (block.label !== 'CERTIFICATE') throw malformed(`PEM block ${i + 1} of the chain is a ${block.label}, not a CERTIFICATE`);
    return toPem('CERTIFICATE', block.der);
  });
}

/** PEM text for DER: 64-character lines, trailing newline. */
export function toPem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
