import { allNames } from '../domain/certificate.js';
import type { AppDeps } from './deps.js';
import { keys } from './records.js';
import type { SweepRecord } from './discover-certificates.use-case.js';
import { listCertificates, type CertificateView } from './read-inventory.use-case.js';

/** What `ls` may narrow the inventory to. */
export interface CertificateFilter {
  /** Certificates whose notAfter is within this many days (expired ones included). */
  readonly expiringWithinDays?: number;
  readonly account?: string;
  readonly region?: string;
  /** The configured source name, or an origin (`acm`, `endpoint`, `file`, `managed`). */
  readonly source?: string;
}

export function matchesFilter(view: CertificateView, filter: CertificateFilter): boolean {
  const r = view.record;
  if (filter.expiringWithinDays !== undefined && (view.daysRemaining === undefined || view.daysRemaining > filter.expiringWithinDays)) return false;
  if (filter.account !== undefined && r.account !== filter.account) return false;
  if (filter.region !== undefined && r.region !== filter.region) return false;
  if (filter.source !== undefined && r.source !== filter.source && r.origin !== filter.source) return false;
  return true;
}

/** One certificate as the report lists it. */
export interface ReportRow {
  readonly id: string;
  readonly name: string;
  readonly origin: string;
  readonly locator: string;
  readonly account?: string;
  readonly region?: string;
  readonly owner?: string;
  readonly issuer?: string;
  readonly notAfter?: Date;
  readonly daysRemaining?: number;
  readonly status: string;
  readonly problems: readonly string[];
  readonly vanished: boolean;
  /** Every place the certificate is seen (one identity, by fingerprint, may be in ACM and on endpoints). */
  readonly locations: readonly string[];
  /** The fingerprint that groups the locations (discovered certificates). */
  readonly fingerprint?: string;
}

export interface Count {
  readonly key: string;
  readonly count: number;
}

/** A week of the expiry timeline: certificates whose notAfter falls in [start, start + 7 days). */
export interface TimelineWeek {
  readonly start: Date;
  readonly count: number;
}

/** Everything the HTML report shows, computed from the inventory and the last sweep. */
export interface InventoryReport {
  readonly generatedAt: Date;
  readonly totals: {
    readonly certificates: number;
    readonly expired: number;
    readonly expiringWithin30Days: number;
    readonly withProblems: number;
    readonly vanished: number;
  };
  /** Already expired, then one bar per week for `weeks` weeks. */
  readonly timeline: { readonly expired: number; readonly weeks: readonly TimelineWeek[]; readonly later: number };
  /** What expires first (expired first), at most `soonest` rows. */
  readonly soonest: readonly ReportRow[];
  readonly byAccount: readonly Count[];
  readonly byOwner: readonly Count[];
  readonly byIssuer: readonly Count[];
  /** Certificates with problems (endpoints: expired, self-signed, incomplete chain, name mismatch, ...). */
  readonly problems: readonly ReportRow[];
  /** Places the last sweep could not reach or read (unreachable endpoints, accounts that failed). */
  readonly sweepProblems: readonly { readonly source: string; readonly scope: string; readonly problem: string }[];
  readonly lastSweepAt?: Date;
}

const DAY = 86_400_000;

export interface ReportOptions {
  readonly weeks?: number;
  readonly soonest?: number;
}

function counts(values: readonly string[]): Count[] {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

function rowOf(v: CertificateView): ReportRow {
  const r = v.record;
  const names = v.current?.names ?? r.spec?.names;
  return {
    id: r.id,
    name: (names ? allNames(names)[0] : undefined) ?? v.current?.subject ?? r.locator,
    origin: r.origin,
    locator: r.locator,
    ...(r.account ? { account: r.account } : {}),
    ...(r.region ? { region: r.region } : {}),
    ...(r.owner ? { owner: r.owner } : {}),
    ...(v.current ? { issuer: v.current.issuerName, notAfter: v.current.notAfter } : {}),
    ...(v.daysRemaining === undefined ? {} : { daysRemaining: v.daysRemaining }),
    status: r.vanishedAt ? 'vanished' : v.status,
    problems: [...(r.problems ?? [])],
    vanished: r.vanishedAt !== undefined,
    locations: [r.locator],
    ...(r.origin !== 'managed' && v.current ? { fingerprint: v.current.fingerprintSha256 } : {}),
  };
}

/** One row per certificate: locations of the same discovered certificate (same fingerprint) are merged. */
function byIdentity(rows: readonly ReportRow[]): ReportRow[] {
  const groups = new Map<string, ReportRow[]>();
  for (const r of rows) {
    const key = r.fingerprint ?? `id:${r.id}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((group) => {
    const live = group.filter((r) => !r.vanished);
    const lead = live.find((r) => r.account) ?? live[0] ?? (group[0] as ReportRow);
    if (group.length === 1) return lead;
    return {
      ...lead,
      locations: group.map((r) => r.locator).sort(),
      problems: [...new Set(live.flatMap((r) => (r.problems.length > 0 && live.length > 1 ? r.problems.map((p) => `${p} (${r.locator})`) : r.problems)))],
      vanished: live.length === 0,
      status: live.length === 0 ? 'vanished' : lead.status,
      ...(lead.owner ? {} : group.find((r) => r.owner)?.owner ? { owner: group.find((r) => r.owner)?.owner as string } : {}),
    };
  });
}

/** The report of the whole inventory at the clock's time. */
export function buildInventoryReport(deps: Pick<AppDeps, 'state' | 'clock' | 'alertThresholdsDays'>) {
  const list = listCertificates(deps);
  return async (options: ReportOptions = {}): Promise<InventoryReport> => {
    const now = deps.clock.now();
    const weeks = options.weeks ?? 26;
    const views = (await list()).filter((v) => v.current !== undefined);
    const rows = byIdentity(views.map(rowOf));
    const live = rows.filter((r) => !r.vanished);
    const timelineWeeks: TimelineWeek[] = Array.from({ length: weeks }, (_, i) => ({ start: new Date(now.getTime() + i * 7 * DAY), count: 0 }));
    let expired = 0;
    let later = 0;
    for (const r of live) {
      const at = r.notAfter?.getTime() ?? Number.POSITIVE_INFINITY;
      if (at < now.getTime()) expired++;
      else {
        const week = Math.floor((at - now.getTime()) / (7 * DAY));
        const slot = timelineWeeks[week];
        if (slot) timelineWeeks[week] = { ...slot, count: slot.count + 1 };
        else later++;
      }
    }
    const soonest = [...live]
      .sort((a, b) => (a.notAfter?.getTime() ?? Infinity) - (b.notAfter?.getTime() ?? Infinity) || a.id.localeCompare(b.id))
      .slice(0, options.soonest ?? 25);
    const sweep = (await deps.state.get<SweepRecord>(keys.lastSweep()))?.data;
    return {
      generatedAt: now,
      totals: {
        certificates: live.length,
        expired,
        expiringWithin30Days: live.filter((r) => r.daysRemaining !== undefined && r.daysRemaining >= 0 && r.notAfter && r.notAfter.getTime() >= now.getTime() && r.daysRemaining <= 30).length,
        withProblems: live.filter((r) => r.problems.length > 0).length,
        vanished: rows.length - live.length,
      },
      timeline: { expired, weeks: timelineWeeks, later },
      soonest,
      byAccount: counts(live.map((r) => r.account ?? (r.origin === 'acm' ? 'unknown account' : `(${r.origin})`))),
      byOwner: counts(live.map((r) => r.owner ?? '(no owner)')),
      byIssuer: counts(live.map((r) => r.issuer ?? '(unknown)')),
      problems: live.filter((r) => r.problems.length > 0),
      sweepProblems: (sweep?.scopes ?? []).flatMap((s) => s.problems.map((problem) => ({ source: s.source, scope: s.scope, problem }))),
      ...(sweep ? { lastSweepAt: new Date(sweep.finishedAt) } : {}),
    };
  };
}
