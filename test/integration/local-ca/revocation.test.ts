import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cycleFailed, runCycle } from '../../../src/app/run-cycle.use-case.js';
import { revokeCertificate } from '../../../src/app/revoke-certificate.use-case.js';
import { publishPendingEvents } from '../../../src/app/publish-events.use-case.js';
import type { LocalCaIssuer } from '../../../src/adapters/local/local-ca/index.js';
import { CertflowError, ErrorCodes, isCertflowError } from '../../../src/domain/errors/index.js';
import type { KeyLabel, KeyStore } from '../../../src/ports/key-store.port.js';
import { LocalFixture } from '../../support/local-fixture.js';

const ONE = `
dataDir: data
issuers: [{ name: local, kind: local-ca }]
policy: { autoApprove: [{ name: all, names: ['**.example.com'] }] }
certificates:
  - { id: api, dnsNames: [api.example.com], issuer: local, owner: team-api }
  - { id: web, dnsNames: [web.example.com], issuer: local, owner: team-web }
`;

/** A key store that refuses to remove CURRENT, as the Secrets Manager store does (AWSCURRENT only moves). */
function onlyMovesCurrent(keys: KeyStore): KeyStore {
  return Object.assign(Object.create(keys) as KeyStore, {
    removeLabel: (secret: string, label: KeyLabel) =>
      label === 'CURRENT' ? Promise.reject(new CertflowError(ErrorCodes.KEYSTORE_LABEL_PROTECTED, 'CURRENT can only move')) : keys.removeLabel(secret, label),
  });
}

describe('revocation on the local CA', () => {
  const fixtures: LocalFixture[] = [];
  afterEach(async () => {
    for (const fx of fixtures.splice(0)) await fx.dispose();
  });

  /** A data directory whose first cycle has issued both certificates. */
  async function issued() {
    const fx = new LocalFixture(ONE);
    fixtures.push(fx);
    const rt = await fx.open();
    await runCycle(rt.deps)(rt.config.certificates);
    return { fx, rt };
  }

  it('lists the serial in a CRL openssl reads and verifies, takes CURRENT off the version, and publishes Certificate Revoked', async () => {
    // Prepare
    const { fx, rt } = await issued();
    const before = await rt.deps.keys.getVersion('certflow/api', { label: 'CURRENT' });

    // Act
    const outcome = await revokeCertificate(rt.deps)('api', 'keyCompromise');
    await publishPendingEvents(rt.deps)();

    // Assess
    const issuer = rt.deps.issuers.get('local') as LocalCaIssuer;
    const crl = issuer.crlPath();
    const text = execFileSync('openssl', ['crl', '-in', crl, '-noout', '-text'], { encoding: 'utf8' });
    expect(text).toContain(`Serial Number: ${outcome.serialNumber}`);
    expect(text).toContain('Key Compromise');
    const anchors = join(fx.dir, 'anchors.pem');
    writeFileSync(anchors, `${before?.material.chainPem ?? ''}${await issuer.trustAnchorsPem()}`);
    const verified = spawnSync('openssl', ['crl', '-in', crl, '-CAfile', anchors, '-noout'], { encoding: 'utf8' });
    expect({ status: verified.status, stderr: verified.stderr.trim() }).toEqual({ status: 0, stderr: 'verify OK' });
    expect(await rt.deps.keys.getVersion('certflow/api', { label: 'CURRENT' })).toBeUndefined();
    expect((await rt.deps.keys.getVersion('certflow/api', { versionId: before!.versionId }))?.material.certificatePem).toBe(before?.material.certificatePem);
    expect(await rt.deps.keys.getVersion('certflow/web', { label: 'CURRENT' })).toBeDefined();
    const events = readFileSync(join(fx.dir, 'data', 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { 'detail-type': string; detail: Record<string, unknown> });
    expect(events.filter((e) => e['detail-type'] === 'Certificate Revoked').map((e) => e.detail)).toEqual([
      expect.objectContaining({ certificateId: 'api', serialNumber: outcome.serialNumber, reason: 'keyCompromise' }),
    ]);
  });

  it('revokes and records the revocation when the key store only moves CURRENT (as Secrets Manager does), keeping the version CURRENT', async () => {
    // Prepare: a key store that refuses to remove CURRENT, as the Secrets Manager store does
    const { fx, rt } = await issued();
    const keys = rt.deps.keys;
    const onlyMoves = onlyMovesCurrent(keys);
    const before = await keys.getVersion('certflow/api', { label: 'CURRENT' });

    // Act
    const outcome = await revokeCertificate({ ...rt.deps, keys: onlyMoves })('api', 'superseded');
    await publishPendingEvents(rt.deps)();

    // Assess
    expect(outcome).toMatchObject({ certificateId: 'api', reason: 'superseded', currentKept: true });
    const issuer = rt.deps.issuers.get('local') as LocalCaIssuer;
    expect(execFileSync('openssl', ['crl', '-in', issuer.crlPath(), '-noout', '-text'], { encoding: 'utf8' })).toContain(`Serial Number: ${outcome.serialNumber}`);
    expect((await keys.getVersion('certflow/api', { label: 'CURRENT' }))?.versionId).toBe(before?.versionId);
    const events = readFileSync(join(fx.dir, 'data', 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { 'detail-type': string });
    expect(events.filter((e) => e['detail-type'] === 'Certificate Revoked')).toHaveLength(1);
  });

  it('replaces a certificate revoked for a compromised key at the next run, which reports no lost key store', async () => {
    // Prepare: found when a revoke was followed by a run: it failed with "key store lost, truncated or replaced"
    const { rt } = await issued();
    const revoked = await revokeCertificate(rt.deps)('api', 'keyCompromise');

    // Act
    const report = await runCycle(rt.deps)(rt.config.certificates);

    // Assess
    expect(revoked.replace).toBe(true);
    expect(report.attention).toEqual([]);
    expect(cycleFailed(report)).toBe(false);
    expect(report.work.filter((w) => w.status === 'issued').map((w) => w.certificateId)).toEqual(['api']);
    const current = await rt.deps.keys.getVersion('certflow/api', { label: 'CURRENT' });
    expect(current?.material.certificatePem).toBeDefined();
    expect(current?.versionId.startsWith('r2-')).toBe(true);
  });

  it('replaces a revoked certificate whose key store keeps it CURRENT (as Secrets Manager does), without being asked', async () => {
    // Prepare
    const { rt } = await issued();
    const keys = rt.deps.keys;
    const onlyMoves = onlyMovesCurrent(keys);
    const deps = { ...rt.deps, keys: onlyMoves };
    const revoked = await revokeCertificate(deps)('api', 'superseded');

    // Act
    const report = await runCycle(deps)(rt.config.certificates);
    const again = await runCycle(deps)(rt.config.certificates);

    // Assess
    expect(report.work.filter((w) => w.status === 'issued').map((w) => w.certificateId)).toEqual(['api']);
    expect((await keys.getVersion('certflow/api', { label: 'CURRENT' }))?.versionId.startsWith('r2-')).toBe(true);
    expect((await keys.getVersion('certflow/api', { label: 'CURRENT' }))?.material.certificatePem).not.toContain(revoked.serialNumber);
    expect(again.work).toEqual([]);
  });

  it('does not replace a certificate revoked because it is no longer used, and says so without alarming', async () => {
    // Prepare
    const { rt } = await issued();
    const revoked = await revokeCertificate(rt.deps)('api', 'cessationOfOperation');

    // Act
    const report = await runCycle(rt.deps)(rt.config.certificates);

    // Assess
    expect(revoked.replace).toBe(false);
    expect(report.work).toEqual([]);
    expect(report.attention).toEqual([]);
    expect(report.plan.find((p) => p.certificateId === 'api')).toMatchObject({
      action: 'skipped',
      why: "revoked (cessationOfOperation) and not replaced; remove it from configuration, or run 'certflow renew api' to replace it",
    });
  });

  it('refuses to revoke a certificate with no CURRENT version (a second revocation)', async () => {
    // Prepare
    const { rt } = await issued();
    await revokeCertificate(rt.deps)('api', 'superseded');

    // Act
    const error = await revokeCertificate(rt.deps)('api', 'superseded').then(() => undefined, (e: unknown) => e);

    // Assess
    expect(isCertflowError(error) && error.code).toBe('INPUT.INVALID');
  });
});
