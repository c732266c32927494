import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCycle } from '../../../src/app/run-cycle.use-case.js';
import { buildCertificate, generateKeyPair, randomSerialNumber } from '../../../src/crypto/index.js';
import { validateDetail } from '../../../src/domain/events/validate.js';
import { LocalFixture } from '../../support/local-fixture.js';

const CONFIG = `
dataDir: data
issuers: [{ name: local, kind: local-ca }]
sources: [{ name: legacy, kind: pem-folder, path: legacy, owner: team-legacy }]
`;

/** EventBridge's limit on one entry (detail-type, source, detail and resources together). */
const EVENTBRIDGE_ENTRY_LIMIT = 256 * 1024;

describe('a discovered certificate with 20,000 names (defect 8)', () => {
  const fixtures: LocalFixture[] = [];
  afterEach(async () => {
    for (const fx of fixtures.splice(0)) await fx.dispose();
  });

  it('publishes a Certificate Discovered event under 256 KB that lists 100 names and counts the rest', async () => {
    // Prepare
    const fx = new LocalFixture(CONFIG);
    fixtures.push(fx);
    const now = fx.clock.now();
    const key = generateKeyPair();
    const dns = Array.from({ length: 20_000 }, (_, i) => `host-${i.toString()}.big.example.com`);
    const pem = buildCertificate({
      subjectPublicKey: key.publicKey, subjectPrivateKey: key.privateKey, subjectCommonName: 'big.example.com', issuer: 'self',
      serialNumber: randomSerialNumber(), notBefore: now, notAfter: new Date(now.getTime() + 30 * 86_400_000),
      names: { dns, ip: [], uri: [] }, isCA: false,
    });
    mkdirSync(join(fx.dir, 'legacy'));
    writeFileSync(join(fx.dir, 'legacy', 'big.pem'), pem);
    const rt = await fx.open();
    const seen: { detailType: string; detail: unknown }[] = [];
    rt.bus.subscribe('spy', { source: ['certflow'] }, (event) => {
      seen.push({ detailType: event['detail-type'], detail: event.detail });
      return Promise.resolve();
    });
    // Act
    const report = await runCycle(rt.deps)([]);
    // Assess
    expect(report.events.deadLettered).toEqual([]);
    expect(report.events.failed).toEqual([]);
    const found = seen.find((e) => e.detailType === 'Certificate Discovered');
    const detail = found?.detail as { names: { dns: string[] }; namesOmitted: unknown; schemaVersion: string };
    expect(detail.names.dns).toHaveLength(100);
    expect(detail.namesOmitted).toEqual({ dns: 19_900, ip: 0, uri: 0 });
    expect(detail.schemaVersion).toBe('1.2');
    expect(Buffer.byteLength(JSON.stringify(found))).toBeLessThan(EVENTBRIDGE_ENTRY_LIMIT);
    expect(validateDetail('Certificate Discovered', detail).ok).toBe(true);
  }, 60_000);
});
