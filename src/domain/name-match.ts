/**
 * Name patterns of the issuance policy, matched in bounded time whatever the pattern.
 *
 * A pattern is a list of labels (DNS names split on `.`, URIs such as SPIFFE IDs on `/`):
 * - a literal label matches that label, case-insensitively for DNS names;
 * - `*` matches exactly one label (`*.example.com` matches `a.example.com`, not `a.b.example.com`);
 * - `**` matches one or more labels (`**.example.com` matches `a.b.example.com`, not `example.com`).
 *
 * The old matcher recursed over every split of the name at each `**`, so a pattern of many `**`
 * labels against a long name took exponential time and hung a run. This one simulates the pattern
 * as a set of positions advanced label by label (Thompson's construction): each label of the name
 * touches each pattern position at most once, so the work is at most (labels of the name) ×
 * (labels of the pattern + 1) steps; for the forms a policy uses (wildcards on the left only) at
 * most two positions are ever live, i.e. linear in the name plus the pattern.
 */

/** Counts the work a match does, so a test can bound it without a clock. */
export interface StepCounter {
  steps: number;
}

/**
 * `dns`: labels on `.`, case-insensitive. `uri`: labels on `/`, exact. `cn`: a client certificate's
 * common name, labels on `.` but exact: it becomes an IAM source identity, which IAM compares with
 * case, so `Build-Runner` must not pass where only `build-runner` is allowed. `email`: an address
 * `local@domain` (see matchEmail).
 */
export type NameKind = 'dns' | 'uri' | 'cn' | 'email';

/** `local@domain` split at the last `@` (a dot-atom local part holds none), or undefined. */
function splitEmail(text: string): { local: string; domain: string } | undefined {
  const at = text.lastIndexOf('@');
  return at < 0 ? undefined : { local: text.slice(0, at), domain: text.slice(at + 1) };
}

/**
 * An email pattern is `local@domain`: the local part is `*` (any mailbox) or one compared exactly,
 * since RFC 5321 lets a mailbox's local part be case-sensitive; the domain is a DNS pattern, matched
 * without case by the label matcher (`*@example.com`, `*@**.example.com`, `ops@example.com`). One
 * comparison plus the DNS match: still linear. A pattern without `@` matches no address.
 */
function matchEmail(pattern: string, name: string, counter?: StepCounter): boolean {
  const p = splitEmail(pattern);
  const n = splitEmail(name);
  if (counter) counter.steps++;
  if (!p || !n || n.local.length === 0) return false;
  if (p.local !== '*' && p.local !== n.local) return false;
  return matchName(p.domain, n.domain, 'dns', counter);
}

function labelsOf(text: string, kind: NameKind): string[] {
  if (kind === 'dns') return text.toLowerCase().split('.');
  return kind === 'cn' ? text.split('.') : text.split('/');
}

/** True when `name` matches `pattern`; `counter`, when given, receives the steps taken. */
export function matchName(pattern: string, name: string, kind: NameKind = 'dns', counter?: StepCounter): boolean {
  if (kind === 'email') return matchEmail(pattern, name, counter);
  const p = labelsOf(pattern, kind);
  const n = labelsOf(name, kind);
  const m = p.length;
  // live[i]: the first i pattern labels match the labels consumed so far.
  let live = new Uint8Array(m + 1);
  live[0] = 1;
  let liveList = [0];
  let steps = 0;
  for (const label of n) {
    const next = new Uint8Array(m + 1);
    const nextList: number[] = [];
    const add = (i: number) => {
      if (next[i] === 0) {
        next[i] = 1;
        nextList.push(i);
      }
    };
    for (const i of liveList) {
      steps++;
      if (i === m) continue;
      const token = p[i]!;
      if (token === '**') {
        // One label consumed by `**`: it may stop here (i+1) or take more. "More" is modelled by a
        // position that still sits before the `**` having consumed at least one label, i.e. i+1
        // with a back edge: keep i live too.
        add(i + 1);
        add(i);
      } else if (token === '*' ? label.length > 0 : token === label) {
        add(i + 1);
      }
    }
    live = next;
    liveList = nextList;
    if (liveList.length === 0) break;
  }
  if (counter) counter.steps += steps;
  return live[m] === 1;
}

/** A problem with a pattern's form, or undefined: wildcards are whole labels, nothing else is special. */
export function patternProblem(pattern: string, kind: NameKind = 'dns'): string | undefined {
  if (pattern.length === 0) return 'is empty';
  if (pattern.length > 2048) return 'is longer than 2048 characters';
  if (kind === 'email') {
    const parts = splitEmail(pattern);
    if (!parts || parts.local.length === 0) return 'is not an email pattern (local-part@domain, the local part * for any)';
    if (parts.local !== '*' && parts.local.includes('*')) return `has a wildcard inside the local part '${parts.local}' (use * for any local part, or an exact one)`;
    const domain = patternProblem(parts.domain, 'dns');
    return domain === undefined ? undefined : `has a domain that ${domain}`;
  }
  const labels = labelsOf(pattern, kind);
  if (kind !== 'uri' && labels.some((l) => l.length === 0)) return 'has an empty label';
  const partial = labels.find((l) => l.includes('*') && l !== '*' && l !== '**');
  if (partial !== undefined) return `has a wildcard inside the label '${partial}' (a wildcard must be a whole label: * or **)`;
  return undefined;
}
