import { emailsOf, type SubjectNames } from '../certificate.js';

/**
 * Keeps events far below EventBridge's 256 KB entry limit whatever certificate they describe
 * (a discovered certificate may carry thousands of SANs): lists of names are capped, and what
 * was left out is counted in `namesOmitted` (added in schema 1.1) so a consumer knows to look
 * the certificate up rather than trust the list as complete.
 */

/** The schema's `maxItems` of each name list. */
export const MAX_NAMES_PER_TYPE = 100;
/** Characters of names one event may carry in all: 100 long URIs would otherwise approach the limit. */
export const MAX_NAME_CHARACTERS = 32 * 1024;
/** The schema's `maxLength` of one name, by type: a longer name is left out (and counted), never cut. */
const MAX_LENGTH = { dns: 253, ip: 45, uri: 2048, email: 254 } as const;

type Counts = { dns: number; ip: number; uri: number; email?: number };

export interface CappedNames {
  /** `email` (since schema 1.2) only when the certificate has one, so events without emails keep their 1.1 shape. */
  readonly names: { dns: string[]; ip: string[]; uri: string[]; email?: string[] };
  /** Present only when something was left out: how many names of each type (`email` only when one was). */
  readonly namesOmitted?: Counts;
}

export function capNames(all: SubjectNames): CappedNames {
  let budget = MAX_NAME_CHARACTERS;
  const omitted = { dns: 0, ip: 0, uri: 0, email: 0 };
  const names = { dns: [] as string[], ip: [] as string[], uri: [] as string[], email: [] as string[] };
  const source = { dns: all.dns, ip: all.ip, uri: all.uri, email: emailsOf(all) };
  for (const type of ['dns', 'ip', 'uri', 'email'] as const) {
    for (const name of source[type]) {
      if (names[type].length < MAX_NAMES_PER_TYPE && name.length <= MAX_LENGTH[type] && name.length <= budget) {
        names[type].push(name);
        budget -= name.length;
      } else {
        omitted[type] += 1;
      }
    }
  }
  const { email, ...rest } = names;
  const capped = email.length > 0 ? { ...rest, email } : rest;
  const { email: emailOmitted, ...restOmitted } = omitted;
  const counts: Counts = emailOmitted > 0 ? omitted : restOmitted;
  return omitted.dns + omitted.ip + omitted.uri + omitted.email > 0 ? { names: capped, namesOmitted: counts } : { names: capped };
}

/** The schema's `maxLength` of a locator (and of every id). */
export const MAX_LOCATOR_LENGTH = 256;

/**
 * A locator that fits the schema: a longer one (a deep file path) keeps its end, the part that
 * tells files apart, behind an ellipsis. The certificate id, not the locator, identifies it.
 */
export function capLocator(locator: string): string {
  const chars = Array.from(locator);
  return chars.length <= MAX_LOCATOR_LENGTH ? locator : `…${chars.slice(-(MAX_LOCATOR_LENGTH - 1)).join('')}`;
}
