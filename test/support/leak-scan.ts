/**
 * Finds key material and secrets in text (events, logs, notifications): PEM blocks, base64 DER
 * private keys, private JWK members, Slack tokens and Slack request signatures. Each finding names
 * what was found and where, never the secret itself, so a failing test does not leak it again.
 */

interface Rule {
  readonly name: string;
  readonly regex: RegExp;
  /** A safe hint of the match: a header or the first few characters. */
  readonly hint: (match: string) => string;
}

const RULES: readonly Rule[] = [
  // Any PEM block, certificate or key; a BEGIN line without END (a truncated paste) counts too.
  { name: 'PEM block', regex: /-----BEGIN [A-Z0-9 ]+-----/g, hint: (m) => m },
  // A DER SEQUENCE base64-encodes to "MI…" (long length form: PKCS#8, PKCS#1 RSA, certificates) or,
  // from 75 to 127 bytes, "ME…" to "MH…" (short form: a SEC1 P-256 key is "MHcC…").
  { name: 'base64 DER (key or certificate)', regex: /(?<![A-Za-z0-9+/_-])M[E-I][A-Za-z0-9+/_-]{98,}={0,2}/g, hint: (m) => `${m.slice(0, 4)}… (${m.length} chars)` },
  // "d" is the private exponent / scalar of a JWK (RSA, EC, OKP); also when the JSON is itself escaped in a string.
  { name: 'JWK private member "d"', regex: /\\?"d\\?"\s*:/g, hint: () => '"d":' },
  { name: 'Slack token', regex: /\bxox[a-z]-[A-Za-z0-9-]{8,}/g, hint: (m) => `${m.slice(0, 5)}…` },
  { name: 'Slack request signature', regex: /\bv0=[0-9a-fA-F]{16,}/g, hint: () => 'v0=…' },
];

/** Undoes JSON string escaping of `/` and line breaks so a key inside a JSON string is still found. */
function normalise(text: string): string {
  return text.replace(/\\\//g, '/').replace(/\\r\\n|\\n|\\r/g, '\n');
}

/**
 * Returns one line per finding, e.g. `PEM block at 120: -----BEGIN PRIVATE KEY-----`; an empty
 * array means the text is clean.
 */
export function findKeyMaterial(text: string): string[] {
  const findings: string[] = [];
  const normalised = normalise(text);
  for (const rule of RULES) {
    for (const match of normalised.matchAll(rule.regex)) {
      findings.push(`${rule.name} at ${match.index ?? 0}: ${rule.hint(match[0])}`);
    }
  }
  // Base64 wrapped over lines (64 per line, as in a PEM body without its armour) is joined and rescanned.
  for (const match of normalised.matchAll(/(?<![A-Za-z0-9+/])(M[E-I][A-Za-z0-9+/]{40,}(?:\n[A-Za-z0-9+/]{4,}={0,2})+)/g)) {
    const block = match[1] ?? '';
    const firstLine = block.split('\n')[0] ?? '';
    const joined = block.replace(/\n/g, '');
    // A first line of 100+ characters was already reported by the single-line rule.
    if (firstLine.length < 100 && joined.length >= 100) {
      findings.push(`base64 DER (key or certificate) at ${match.index ?? 0}: ${joined.slice(0, 4)}… (${joined.length} chars, wrapped)`);
    }
  }
  return findings;
}
