import { discoveredCertificateId, type CertificateFacts, type CertificateOrigin } from '../domain/certificate.js';
import { isCertflowError } from '../domain/errors/index.js';
import type { CertificateSource, ObservedCertificate, ScanContext, SourceScope } from '../ports/certificate-source.port.js';
import type { AppDeps } from './deps.js';
import { keys, type CertificateRecord } from './records.js';
import { createOnce, saveOver } from './persistence.js';
import { discovered } from './lifecycle-events.js';
import { mapConcurrent } from './concurrency.js';
import { Inventory } from './stores.js';

export interface ScopeReport {
  readonly source: string;
  readonly scope: string;
  readonly account?: string;
  readonly region?: string;
  readonly ok: boolean;
  readonly seen: number;
  readonly added: number;
  readonly changed: number;
  readonly problems: readonly string[];
}

/** Progress as scopes finish, for a terminal display. */
export interface DiscoveryProgress {
  readonly scopesDone: number;
  readonly scopesTotal: number;
  readonly certificatesSeen: number;
  readonly errors: number;
}

export interface DiscoverOptions {
  readonly onProgress?: (p: DiscoveryProgress) => void;
  /** Scopes scanned at once (default {@link SCOPE_CONCURRENCY}); 1 scans one account-region at a time. */
  readonly scopeConcurrency?: number;
}

/**
 * Account-regions (and other scopes) scanned at once in one process. Each ACM scope paces itself
 * by its own token buckets and spends most of its time waiting on them, so this bounds sockets and
 * memory, not the request rate; it is set above a typical estate (20 accounts x 4 regions) so no
 * account-region waits for another's turn.
 */
export const SCOPE_CONCURRENCY = 128;

/**
 * Folds what every source sees into the inventory. Each scope (account-region, folder, endpoint
 * list) is one unit of work, scanned concurrently with the others: one that fails is reported and
 * the others carry on. A certificate a successful scan no longer finds is marked vanished.
 */
export function discoverCertificates(deps: Pick<AppDeps, 'state' | 'sources' | 'clock'>) {
  const inventory = new Inventory(deps.state);
  const context: ScanContext = {
    async known(origin: CertificateOrigin, locator: string) {
      const item = await inventory.get(discoveredCertificateId(origin, locator));
      if (!item) return undefined;
      return { ...(item.data.changeTag ? { changeTag: item.data.changeTag } : {}), ...(item.data.current ? { facts: item.data.current } : {}) };
    },
  };
  return async (options: DiscoverOptions = {}): Promise<ScopeReport[]> => {
    const startedAt = deps.clock.now();
    const units: { source: CertificateSource; scope: SourceScope }[] = [];
    const reports: ScopeReport[] = [];
    for (const source of deps.sources) {
      try {
        for (const scope of await source.listScopes()) units.push({ source, scope });
      } catch (error) {
        reports.push(failedScope(source.name, { id: '*', description: source.name }, error));
      }
    }
    const progress = { scopesDone: 0, scopesTotal: units.length, certificatesSeen: 0, errors: reports.length };
    options.onProgress?.({ ...progress });
    const seenByScope = new Map<string, Set<string>>();
    const scanned = await mapConcurrent(units, options.scopeConcurrency ?? SCOPE_CONCURRENCY, async ({ source, scope }) => {
      const report = await scanOne(deps, source, scope, context, seenByScope);
      progress.scopesDone++;
      progress.certificatesSeen += report.seen;
      if (!report.ok) progress.errors++;
      options.onProgress?.({ ...progress });
      return report;
    });
    reports.push(...scanned);
    await markVanished(deps, inventory, seenByScope, startedAt);
    await recordSweep(deps, reports, startedAt);
    return reports;
  };
}

async function scanOne(
  deps: Pick<AppDeps, 'state' | 'clock'>,
  source: CertificateSource,
  scope: SourceScope,
  context: ScanContext,
  seenByScope: Map<string, Set<string>>,
): Promise<ScopeReport> {
  const where = { ...(scope.account ? { account: scope.account } : {}), ...(scope.region ? { region: scope.region } : {}) };
  try {
    const scan = await source.scan(scope, context);
    if (!scan.ok) return { source: source.name, scope: scope.id, ...where, ok: false, seen: 0, added: 0, changed: 0, problems: [`${scan.code}: ${scan.message}`] };
    let added = 0;
    let changed = 0;
    const seen = new Set<string>();
    for (const observed of scan.certificates) {
      const id = discoveredCertificateId(observed.origin, observed.locator);
      seen.add(id);
      const outcome = await fold(deps, source.name, scope, observed, id);
      if (outcome === 'added') added++;
      if (outcome === 'changed') changed++;
    }
    seenByScope.set(scopeKey(source.name, scope.id), seen);
    return { source: source.name, scope: scope.id, ...where, ok: true, seen: scan.certificates.length, added, changed, problems: scan.problems };
  } catch (error) {
    return { ...failedScope(source.name, scope, error), ...where };
  }
}

const scopeKey = (source: string, scope: string) => `${source}\u0000${scope}`;

function failedScope(source: string, scope: SourceScope, error: unknown): ScopeReport {
  const message = isCertflowError(error) ? `${error.code}: ${error.message}` : 'SOURCE.UNAVAILABLE: scan failed';
  return { source, scope: scope.id, ok: false, seen: 0, added: 0, changed: 0, problems: [message] };
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

async function fold(
  deps: Pick<AppDeps, 'state' | 'clock'>,
  sourceName: string,
  scope: SourceScope,
  observed: ObservedCertificate,
  id: string,
): Promise<'added' | 'changed' | 'same'> {
  const now = deps.clock.now();
  const seenAt = {
    source: sourceName,
    scope: scope.id,
    ...(scope.account ? { account: scope.account } : {}),
    ...(scope.region ? { region: scope.region } : {}),
    ...(observed.inUse === undefined ? {} : { inUse: observed.inUse }),
    ...(observed.changeTag ? { changeTag: observed.changeTag } : {}),
    ...(observed.problems && observed.problems.length > 0 ? { problems: [...observed.problems] } : {}),
  };
  const record: CertificateRecord = {
    id,
    origin: observed.origin,
    locator: observed.locator,
    ...(observed.owner ? { owner: observed.owner } : {}),
    current: observed.facts,
    revision: 0,
    firstSeenAt: now,
    lastSeenAt: now,
    ...seenAt,
  };
  // First sighting of the certificate anywhere: the identity marker carries `Certificate Discovered`
  // (once per certificate, written before the location so a crash in between loses no event).
  const existing = await deps.state.get<CertificateRecord>(keys.certificate(id));
  if (!existing) await announce(deps, record, observed.facts, now);
  const { item, created } = await createOnce(deps.state, keys.certificate(id), record);
  if (created) return 'added';
  const prev = item.data;
  const renewed = prev.current?.serialNumber !== observed.facts.serialNumber;
  const metaChanged =
    prev.changeTag !== observed.changeTag ||
    !sameList(prev.problems, observed.problems) ||
    prev.inUse !== observed.inUse ||
    prev.scope !== scope.id ||
    prev.vanishedAt !== undefined ||
    (observed.owner !== undefined && prev.owner !== observed.owner);
  if (!renewed && !metaChanged) return 'same';
  const { vanishedAt: _gone, problems: _old, changeTag: _tag, ...rest } = prev;
  const next: CertificateRecord = { ...rest, ...(observed.owner ? { owner: observed.owner } : {}), current: observed.facts, lastSeenAt: now, ...seenAt };
  // The same place now holds another certificate: a renewal made outside certflow.
  if (renewed) await announce(deps, next, observed.facts, now);
  await saveOver(deps.state, item, next);
  return renewed ? 'changed' : 'same';
}

/** `Certificate Discovered`, once per certificate identity (its fingerprint), with the place it was first seen. */
async function announce(deps: Pick<AppDeps, 'state'>, record: CertificateRecord, facts: CertificateFacts, now: Date): Promise<void> {
  await createOnce(deps.state, keys.identityMarker(facts.fingerprintSha256, 'DISCOVERED'), { at: now, certificateId: record.id }, { events: [discovered(record, facts, now)] });
}

/** Certificates of a scope that scanned successfully but no longer hold them are marked vanished (once). */
async function markVanished(deps: Pick<AppDeps, 'state'>, inventory: Inventory, seenByScope: Map<string, Set<string>>, at: Date): Promise<void> {
  if (seenByScope.size === 0) return;
  // Only certificates no scope saw this sweep can have vanished: the others are not even read.
  const seenAnywhere = new Set<string>();
  for (const ids of seenByScope.values()) for (const id of ids) seenAnywhere.add(id);
  for await (const id of inventory.ids()) {
    if (seenAnywhere.has(id)) continue;
    const item = await inventory.get(id);
    const r = item?.data;
    if (!item || !r?.source || !r.scope || r.vanishedAt) continue;
    const seen = seenByScope.get(scopeKey(r.source, r.scope));
    if (!seen || seen.has(id)) continue;
    await saveOver(deps.state, item, { ...r, vanishedAt: at });
  }
}

/** The last sweep's reports, kept for the report's "problems found" and `ls`. */
export interface SweepRecord {
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly scopes: readonly ScopeReport[];
}

async function recordSweep(deps: Pick<AppDeps, 'state' | 'clock'>, scopes: readonly ScopeReport[], startedAt: Date): Promise<void> {
  const data: SweepRecord = { startedAt, finishedAt: deps.clock.now(), scopes };
  const key = keys.lastSweep();
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await deps.state.get<SweepRecord>(key);
    const result = await deps.state.write({ key, condition: current ? { kind: 'version', version: current.version } : { kind: 'absent' }, data });
    if (result.ok) return;
  }
}
