import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PemFolderSource } from '../../src/adapters/local/pem-folder.source.js';
import { buildCertificate, generateKeyPair, randomSerialNumber, readCertificateFacts } from '../../src/crypto/index.js';
import { ErrorCodes } from '../../src/domain/errors/index.js';

const NOW = new Date('2026-11-01T00:00:00Z');

function aSelfSignedPem(commonName: string): { certificatePem: string; privateKeyPem: string } {
  const key = generateKeyPair();
  const certificatePem = buildCertificate({
    subjectPublicKey: key.publicKey, subjectPrivateKey: key.privateKey, subjectCommonName: commonName, issuer: 'self',
    serialNumber: randomSerialNumber(), notBefore: NOW, notAfter: new Date(NOW.getTime() + 30 * 86_400_000),
    names: { dns: [commonName], ip: [], uri: [] }, isCA: false,
  });
  return { certificatePem, privateKeyPem: key.privateKeyPem };
}

let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'certflow-pem-folder-'));
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('PemFolderSource', () => {
  it('lists the folder as its one scope', async () => {
    // Prepare
    const source = new PemFolderSource({ name: 'certs', path: folder });

    // Act
    const scopes = await source.listScopes();

    // Assess
    expect(scopes).toEqual([{ id: folder, description: `PEM files in ${folder}` }]);
  });

  it('observes good files and reports garbage and empty files without stopping', async () => {
    // Prepare
    const good = aSelfSignedPem('good.example.com');
    const other = aSelfSignedPem('other.example.com');
    writeFileSync(join(folder, 'a-good.pem'), good.certificatePem + other.certificatePem);
    writeFileSync(join(folder, 'b-garbage.crt'), 'this is not a certificate');
    writeFileSync(join(folder, 'c-empty.pem'), '');
    writeFileSync(join(folder, 'd-other.CRT'), good.privateKeyPem + other.certificatePem);
    writeFileSync(join(folder, 'notes.txt'), 'ignored');
    const source = new PemFolderSource({ name: 'certs', path: folder, owner: 'team-web' });
    const [scope] = await source.listScopes();

    // Act
    const scan = await source.scan(scope!);

    // Assess
    expect(scan).toEqual({
      scope,
      ok: true,
      certificates: [
        { origin: 'file', locator: join(folder, 'a-good.pem'), facts: readCertificateFacts(good.certificatePem), owner: 'team-web' },
        { origin: 'file', locator: join(folder, 'd-other.CRT'), facts: readCertificateFacts(other.certificatePem), owner: 'team-web' },
      ],
      problems: [`${join(folder, 'b-garbage.crt')}: no PEM block found`, `${join(folder, 'c-empty.pem')}: file is empty`],
    });
  });

  it('reports a corrupt certificate block and never quotes the file', async () => {
    // Prepare
    const { certificatePem, privateKeyPem } = aSelfSignedPem('x.example.com');
    const corrupt = certificatePem.replace(/\n(.{10})/, '\nAAAAAAAAAA');
    writeFileSync(join(folder, 'corrupt.pem'), corrupt);
    writeFileSync(join(folder, 'truncated.pem'), `${privateKeyPem}${certificatePem.slice(0, 200)}`);
    const source = new PemFolderSource({ name: 'certs', path: folder });

    // Act
    const scan = await source.scan((await source.listScopes())[0]!);

    // Assess
    expect(scan.ok && scan.problems).toEqual([
      `${join(folder, 'corrupt.pem')}: CERTIFICATE block is not a valid X.509 certificate`,
      `${join(folder, 'truncated.pem')}: PEM block 2 is truncated or has no END line`,
    ]);
    expect(JSON.stringify(scan)).not.toMatch(/MII|BEGIN/);
  });

  it('skips sub-folders and key-only files', async () => {
    // Prepare
    mkdirSync(join(folder, 'nested.pem'));
    writeFileSync(join(folder, 'key.pem'), generateKeyPair().privateKeyPem);
    const source = new PemFolderSource({ name: 'certs', path: folder });

    // Act
    const scan = await source.scan((await source.listScopes())[0]!);

    // Assess
    expect(scan).toMatchObject({ ok: true, certificates: [], problems: [] });
  });

  it('answers SOURCE.UNAVAILABLE for a folder it cannot read', async () => {
    // Prepare
    const source = new PemFolderSource({ name: 'certs', path: join(folder, 'missing') });

    // Act
    const scan = await source.scan((await source.listScopes())[0]!);

    // Assess
    expect(scan).toMatchObject({ ok: false, code: ErrorCodes.SOURCE_UNAVAILABLE, message: `cannot read folder ${join(folder, 'missing')} (ENOENT)` });
  });

  it('answers SOURCE.UNAVAILABLE for a scope of another source', async () => {
    // Prepare
    const source = new PemFolderSource({ name: 'certs', path: folder });

    // Act
    const scan = await source.scan({ id: '/elsewhere', description: 'x' });

    // Assess
    expect(scan).toMatchObject({ ok: false, code: ErrorCodes.SOURCE_UNAVAILABLE });
  });
});
