import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certflow } from '../../support/cli.js';
import { cliSchemas } from '../../support/cli-schemas.js';
import { aCa, aLeaf } from '../../support/certs.js';
import { LocalFixture } from '../../support/local-fixture.js';

const DAY = 86_400_000;
const schemas = cliSchemas();
const START = new Date();
let fx: LocalFixture;
let server: Server;
let cli: (args: string[], options?: { progress?: boolean }) => ReturnType<typeof certflow>;

beforeAll(async () => {
  const root = aCa('cli test root', undefined, START);
  const leaf = aLeaf({ dns: ['edge.test'], issuer: root, now: START, notAfter: new Date(START.getTime() + 20 * DAY) });
  server = createServer({ key: leaf.privateKeyPem, cert: leaf.pem }, (s) => s.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  fx = new LocalFixture(
    `
dataDir: data
issuers: [{ name: local, kind: local-ca }]
sources:
  - { name: edge, kind: tls-endpoint, endpoints: [{ host: 127.0.0.1, port: ${port.toString()}, serverName: edge.test, owner: team-edge }, { host: 127.0.0.1, port: 1, serverName: gone.test }], timeoutMs: 2000, trustedRoots: [root.pem] }
  - { name: legacy, kind: pem-folder, path: legacy }
`,
    START,
  );
  writeFileSync(join(fx.dir, 'root.pem'), root.pem);
  mkdirSync(join(fx.dir, 'legacy'));
  writeFileSync(join(fx.dir, 'legacy', 'legacy.pem'), aLeaf({ dns: ['legacy.test'], now: START, notAfter: new Date(START.getTime() + 200 * DAY) }).pem);
  // A file name that tries to forge an output line.
  writeFileSync(join(fx.dir, 'legacy', 'evil\nFORGED: all good.pem'), '-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n');
  cli = (args, options = {}) => certflow([...args, '--config', fx.configPath], { cwd: fx.dir, clock: fx.clock, ...options });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await fx.dispose();
});

describe('certflow discover, report and ls filters', () => {
  it('discover sweeps every source, reports the unreachable endpoint, and prints JSON that validates', async () => {
    // Act
    const result = await cli(['discover', '--json']);
    // Assess
    const doc = JSON.parse(result.stdout) as { totals: { seen: number; failed: number }; scopes: { scope: string; problems: string[] }[] };
    expect(schemas.validate('discovery-report', doc)).toEqual([]);
    expect(result.code).toBe(0);
    expect(doc.totals).toMatchObject({ seen: 2, failed: 0 });
    expect(doc.scopes.find((s) => s.scope === 'endpoints:edge')?.problems).toEqual(['127.0.0.1:1#gone.test: unreachable (ECONNREFUSED)']);
  });

  it('draws progress on a terminal and none when piped, and prints outside text escaped on one line', async () => {
    // Act
    const terminal = await cli(['discover'], { progress: true });
    const piped = await cli(['discover'], { progress: false });
    // Assess
    expect(terminal.stderr).toMatch(/certflow discover: 2\/2 account-regions and other scopes, 2 certificates, 0 error\(s\)/);
    expect(piped.stderr).toBe('');
    expect(piped.stdout).toMatch(/^2 certificate\(s\) seen in 2 scope\(s\)$/m);
    expect(piped.stdout).toContain('evil\\u000aFORGED: all good.pem');
    expect(piped.stdout).not.toMatch(/^FORGED/m);
  });

  it('ls filters by expiry window and source', async () => {
    // Act
    const soon = await cli(['ls', '--expiring-within', '30d', '--json']);
    const legacy = await cli(['ls', '--source', 'legacy', '--json']);
    const acm = await cli(['ls', '--source', 'acm', '--account', '111122223333', '--in-region', 'eu-west-1', '--json']);
    const bad = await cli(['ls', '--expiring-within', 'soon']);
    // Assess
    const items = (r: { stdout: string }) => (JSON.parse(r.stdout) as { items: { locator: string; seenIn: { source: string } | null; owner: string | null }[] }).items;
    expect(schemas.validate('certificate-list', JSON.parse(soon.stdout))).toEqual([]);
    expect(items(soon).map((i) => [i.seenIn?.source, i.owner])).toEqual([['edge', 'team-edge']]);
    expect(items(legacy).map((i) => i.seenIn?.source)).toEqual(['legacy']);
    expect(items(acm)).toEqual([]);
    expect(bad.code).toBe(2);
  });

  it('report --html writes one self-contained page with the inventory\'s counts', async () => {
    // Act
    const result = await cli(['report', '--html', 'report.html']);
    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/report\.html: 2 certificate\(s\), 0 expired, 1 within 30 days, 0 with problems$/m);
    const html = readFileSync(join(fx.dir, 'report.html'), 'utf8');
    expect(html).toContain('<svg id="timeline"');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script|<link|src="http|url\(http/i);
  });
});
