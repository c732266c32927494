import { discoveredCertificateId } from '../domain/certificate.js';
import { isCertflowError } from '../domain/errors/index.js';
import type { ObservedCertificate } from '../ports/certificate-source.port.js';
import type { AppDeps } from './deps.js';
import { keys, type CertificateRecord } from './records.js';
import { createOnce, saveOver } from './persistence.js';
import { discovered } from './lifecycle-events.js';

export interface ScopeReport {
  readonly source: string;
  readonly scope: string;
  readonly ok: boolean;
  readonly seen: number;
  readonly added: number;
  readonly changed: number;
  readonly problems: readonly string[];
}

/**
 * Folds what every source sees into the inventory. Each scope (account-region, folder, endpoint
 * list) is scanned on its own: one that fails is reported and the others carry on.
 */
export function discoverCertificates(deps: Pick<AppDeps, 'state' | 'sources' | 'clock'>) {
  return async (): Promise<ScopeReport[]> => {
    const reports: ScopeReport[] = [];
    for (const source of deps.sources) {
      let scopes;
      try {
        scopes = await source.listScopes();
      } catch (error) {
        reports.push(failedScope(source.name, '*', error));
        continue;
      }
      for (const scope of scopes) {
        try {
          const scan = await source.scan(scope);
          if (!scan.ok) {
            reports.push({ source: source.name, scope: scope.id, ok: false, seen: 0, added: 0, changed: 0, problems: [`${scan.code}: ${scan.message}`] });
            continue;
          }
          let added = 0;
          let changed = 0;
          for (const observed of scan.certificates) {
            const outcome = await fold(deps, observed);
            if (outcome === 'added') added++;
            if (outcome === 'changed') changed++;
          }
          reports.push({ source: source.name, scope: scope.id, ok: true, seen: scan.certificates.length, added, changed, problems: scan.problems });
        } catch (error) {
          reports.push(failedScope(source.name, scope.id, error));
        }
      }
    }
    return reports;
  };
}

function failedScope(source: string, scope: string, error: unknown): ScopeReport {
  const message = isCertflowError(error) ? `${error.code}: ${error.message}` : 'SOURCE.UNAVAILABLE: scan failed';
  return { source, scope, ok: false, seen: 0, added: 0, changed: 0, problems: [message] };
}

async function fold(deps: Pick<AppDeps, 'state' | 'clock'>, observed: ObservedCertificate): Promise<'added' | 'changed' | 'same'> {
  const now = deps.clock.now();
  const id = discoveredCertificateId(observed.origin, observed.locator);
  const record: CertificateRecord = {
    id,
    origin: observed.origin,
    locator: observed.locator,
    ...(observed.owner ? { owner: observed.owner } : {}),
    current: observed.facts,
    revision: 0,
    firstSeenAt: now,
    lastSeenAt: now,
  };
  const { item, created } = await createOnce(deps.state, keys.certificate(id), record, { events: [discovered(record, observed.facts, now)] });
  if (created) return 'added';
  if (item.data.current?.serialNumber === observed.facts.serialNumber) return 'same';
  // The same place now holds another certificate: a renewal made outside certflow.
  const next: CertificateRecord = { ...item.data, current: observed.facts, lastSeenAt: now };
  await saveOver(deps.state, item, next, { events: [discovered(next, observed.facts, now)] });
  return 'changed';
}
