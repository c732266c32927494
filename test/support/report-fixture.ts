import { SqliteStateStore } from '../../src/adapters/local/sqlite.state-store.js';
import { discoverCertificates } from '../../src/app/discover-certificates.use-case.js';
import { readCertificateFacts } from '../../src/crypto/index.js';
import type { CertificateSource, ObservedCertificate, SourceScope } from '../../src/ports/certificate-source.port.js';
import { aCa, aLeaf } from './certs.js';

const DAY = 86_400_000;

/** An inventory of ACM certificates over three accounts, endpoints with problems, and one unreachable endpoint. */
export async function sampleInventory(now: Date) {
  const state = SqliteStateStore.open(':memory:');
  const ca = aCa('Example Issuing CA', undefined, now);
  const accounts = ['111111111111', '222222222222', '333333333333'];
  const owners = ['team-web', 'team-payments', 'team-data'];
  const days = [-3, 2, 5, 9, 12, 20, 27, 33, 45, 60, 75, 90, 120, 150, 200, 400];
  const acmScopes: { scope: SourceScope; certificates: ObservedCertificate[] }[] = accounts.map((account) => ({
    scope: { id: `acm:${account}:eu-west-1`, description: account, account, region: 'eu-west-1' },
    certificates: [],
  }));
  days.forEach((d, i) => {
    const slot = acmScopes[i % accounts.length]!;
    const leaf = aLeaf({ dns: [`svc${i.toString()}.example.com`], issuer: ca, notBefore: new Date(now.getTime() - 200 * DAY), notAfter: new Date(now.getTime() + d * DAY + 3_600_000) });
    slot.certificates.push({
      origin: 'acm',
      locator: `arn:aws:acm:eu-west-1:${slot.scope.account!}:certificate/${i.toString().padStart(8, '0')}`,
      facts: readCertificateFacts(leaf.pem),
      owner: owners[i % owners.length]!,
      inUse: true,
    });
  });
  const self = aLeaf({ dns: ['legacy.example.com'], now });
  const hostile = aLeaf({ dns: ['evil.example.com'], issuer: ca, now });
  const endpointScope: SourceScope = { id: 'endpoints:edge', description: 'edge' };
  const endpoints: ObservedCertificate[] = [
    { origin: 'endpoint', locator: 'legacy.example.com:443', facts: readCertificateFacts(self.pem), problems: ['self-signed', 'name mismatch'], inUse: true },
    { origin: 'endpoint', locator: 'evil.example.com:443#<script>alert(1)</script>\nFORGED LINE', facts: readCertificateFacts(hostile.pem), problems: ['incomplete chain'], inUse: true },
  ];
  const sources: CertificateSource[] = [
    {
      name: 'acm',
      listScopes: async () => acmScopes.map((s) => s.scope),
      scan: async (scope) => ({ scope, ok: true, certificates: acmScopes.find((s) => s.scope.id === scope.id)!.certificates, problems: [] }),
    },
    {
      name: 'edge',
      listScopes: async () => [endpointScope],
      scan: async (scope) => ({ scope, ok: true, certificates: endpoints, problems: ['gone.example.com:443: unreachable (ECONNREFUSED)'] }),
    },
  ];
  const clock = { now: () => now };
  await discoverCertificates({ state, clock, sources })();
  return { state, clock, total: days.length + endpoints.length, expired: days.filter((d) => d < 0).length };
}
