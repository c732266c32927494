import { CertflowError, ErrorCodes } from './errors/index.js';

/**
 * Who someone is, for approvals: requesters, approvers and group members are compared by the key
 * this module gives, never by the text typed. The key is the identity after Unicode NFKC
 * normalisation and case folding (so `CAROL`, `Carol` and full-width `Ｃａｒｏｌ` are one person);
 * an identity carrying invisible characters or letters of mixed scripts (Cyrillic `с` in `сarol`)
 * is refused with IDENTITY.INVALID / IDENTITY.CONFUSABLE, never counted as someone else (Unicode
 * TR39, "highly restrictive"). Identities whose confusable skeletons are equal count as one person.
 */

const MAX_LENGTH = 256;

/** Characters that show nothing or change how text around them shows. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\u115F\u1160\u3164\uFFA0\u2800]/u;

const SCRIPTS: readonly (readonly [string, RegExp])[] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Georgian', /\p{Script=Georgian}/u],
  ['Cherokee', /\p{Script=Cherokee}/u],
  ['Hebrew', /\p{Script=Hebrew}/u],
  ['Arabic', /\p{Script=Arabic}/u],
  ['Han', /\p{Script=Han}/u],
  ['Hiragana', /\p{Script=Hiragana}/u],
  ['Katakana', /\p{Script=Katakana}/u],
  ['Hangul', /\p{Script=Hangul}/u],
  ['Bopomofo', /\p{Script=Bopomofo}/u],
];
const COMMON_OR_INHERITED = /[\p{Script=Common}\p{Script=Inherited}]/u;

/** TR39 "highly restrictive": one script, or Latin with one of the CJK combinations. */
const ALLOWED_COMBINATIONS: readonly ReadonlySet<string>[] = [
  new Set(['Latin', 'Han', 'Hiragana', 'Katakana']),
  new Set(['Latin', 'Han', 'Bopomofo']),
  new Set(['Latin', 'Han', 'Hangul']),
];

/**
 * Letters of other scripts that look like Latin ones, from Unicode's confusables.txt (TR39): the
 * subset that matters for names typed in Latin. Used for the skeleton and to refuse a name written
 * wholly in look-alike letters (Cyrillic `рау` for `pay`).
 */
const CONFUSABLE: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a', в: 'b', с: 'c', ԁ: 'd', е: 'e', һ: 'h', і: 'i', ј: 'j', к: 'k', ӏ: 'l', м: 'm', н: 'h', о: 'o', р: 'p', ԛ: 'q', ѕ: 's', т: 't',
  ц: 'u', ѵ: 'v', ԝ: 'w', х: 'x', у: 'y', ү: 'y', з: '3', ь: 'b', ѡ: 'w', ԍ: 'g', ɡ: 'g', ԃ: 'd', ӓ: 'a', ё: 'e', ї: 'i', ӧ: 'o',
  // Greek
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', γ: 'y', ω: 'w', ϲ: 'c', ϳ: 'j', μ: 'u',
  // Armenian
  օ: 'o', ս: 'u', հ: 'h', ո: 'n', զ: 'q', ց: 'g', ա: 'w', ե: 'e',
  // Digits and Latin look-alikes inside Latin itself
  '0': 'o', '1': 'l', '|': 'l', ı: 'i', ſ: 'f', ꭵ: 'v',
};

export type IdentityProblem = 'empty' | 'too-long' | 'invisible' | 'mixed-script' | 'confusable';

export type IdentityCheck = { readonly ok: true; readonly key: string } | { readonly ok: false; readonly problem: IdentityProblem; readonly detail: string };

/** NFKC, then full case folding (`ß` → `ss`), then NFKC again: Unicode's NFKC_Casefold in effect. */
export function foldIdentity(raw: string): string {
  return raw.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC').trim().replace(/\s+/gu, ' ');
}

function scriptOf(ch: string): string | undefined {
  if (COMMON_OR_INHERITED.test(ch)) return undefined;
  for (const [name, regex] of SCRIPTS) if (regex.test(ch)) return name;
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase()}`;
}

const codePoint = (ch: string) => `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Checks an identity and gives its comparison key; a value, never a throw. */
export function checkIdentity(raw: string): IdentityCheck {
  const invisible = [...raw].find((ch) => INVISIBLE.test(ch));
  if (invisible !== undefined) {
    return { ok: false, problem: 'invisible', detail: `it contains the invisible character ${codePoint(invisible)}` };
  }
  const key = foldIdentity(raw);
  if (key.length === 0) return { ok: false, problem: 'empty', detail: 'it is empty' };
  if (key.length > MAX_LENGTH) return { ok: false, problem: 'too-long', detail: `it is longer than ${MAX_LENGTH.toString()} characters` };
  const scripts = new Set<string>();
  for (const ch of key) {
    const s = scriptOf(ch);
    if (s) scripts.add(s);
  }
  if (scripts.size > 1 && !ALLOWED_COMBINATIONS.some((allowed) => [...scripts].every((s) => allowed.has(s)))) {
    return { ok: false, problem: 'mixed-script', detail: `it mixes the scripts ${[...scripts].sort().join(' and ')}` };
  }
  const [only] = [...scripts];
  if (scripts.size === 1 && only !== 'Latin') {
    const letters = [...key].filter((ch) => scriptOf(ch) !== undefined);
    if (letters.length > 0 && letters.every((ch) => CONFUSABLE[ch] !== undefined)) {
      return { ok: false, problem: 'confusable', detail: `it is written in ${only ?? ''} letters that look like Latin ones` };
    }
  }
  return { ok: true, key };
}

/**
 * The comparison key of an identity, or IDENTITY.INVALID (invisible characters, empty) /
 * IDENTITY.CONFUSABLE (mixed scripts, look-alike letters). `role` names it in the message.
 */
export function identityKey(raw: string, role = 'identity'): string {
  const check = checkIdentity(raw);
  if (check.ok) return check.key;
  const code = check.problem === 'mixed-script' || check.problem === 'confusable' ? ErrorCodes.IDENTITY_CONFUSABLE : ErrorCodes.IDENTITY_INVALID;
  // The identity itself is not quoted: it may be built to mislead whoever reads the message.
  throw new CertflowError(code, `the ${role} identity is refused: ${check.detail}`, { context: { problem: check.problem } });
}

/** TR39-style skeleton of a key: look-alike letters mapped to the Latin ones they imitate. */
export function skeleton(key: string): string {
  let out = '';
  for (const ch of key.normalize('NFD').replace(/\p{Mn}/gu, '')) out += CONFUSABLE[ch] ?? ch;
  return out.replace(/rn/g, 'm').replace(/vv/g, 'w');
}

/** True when two identities are, or could pass for, the same person. Lenient: never throws. */
export function samePerson(a: string, b: string): boolean {
  const ka = foldIdentity(a.replace(new RegExp(INVISIBLE.source, 'gu'), ''));
  const kb = foldIdentity(b.replace(new RegExp(INVISIBLE.source, 'gu'), ''));
  return ka === kb || skeleton(ka) === skeleton(kb);
}

/** The comparison key of a configured identity, or undefined when it is not one that can be valid (never matches a voter). */
export function validIdentityKey(raw: string): string | undefined {
  const c = checkIdentity(raw);
  return c.ok ? c.key : undefined;
}
