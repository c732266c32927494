import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalCaIssuer, localCaIssuer } from '../../../src/adapters/local/local-ca/index.js';
import { generateKeyPair, pemToDer, readCertificateFacts, toPem, verifyBundle } from '../../../src/crypto/index.js';
import { ErrorCodes } from '../../../src/domain/errors/index.js';
import type { IssuerStep } from '../../../src/ports/issuer.port.js';
import { aTempDir, allNames, anOrder } from './support.js';
import { factoryDeps } from '../../support/factory-deps.js';

const DAY = 86_400_000;
const run = promisify(execFile);

let dir: ReturnType<typeof aTempDir>;
let now: Date;
const clock = { now: () => now };
const open: LocalCaIssuer[] = [];

function anIssuer(options: ConstructorParameters<typeof LocalCaIssuer>[2] = {}, name = 'local'): LocalCaIssuer {
  const issuer = new LocalCaIssuer({ dataDir: dir.path, clock }, name, options);
  open.push(issuer);
  return issuer;
}

function certificateOf(step: IssuerStep): { certificatePem: string; chainPem: string } {
  if (step.status !== 'issued') throw new Error(`expected issued, got ${step.status}: ${step.status === 'failed' ? step.error.message : ''}`);
  return step.certificate;
}

const caFile = (file: string) => join(dir.path, 'ca', 'local', file);
const mode = (path: string) => statSync(path).mode & 0o777;

beforeEach(() => {
  dir = aTempDir();
  now = new Date();
});

afterEach(() => {
  for (const issuer of open.splice(0)) issuer.close();
  dir.remove();
});

describe('LocalCaIssuer CA files', () => {
  it('creates the CA on first use in a 0700 directory with 0600 files', async () => {
    // Prepare
    const issuer = anIssuer();

    // Act
    certificateOf(await issuer.submit(anOrder().order));

    // Assess
    expect(mode(join(dir.path, 'ca', 'local'))).toBe(0o700);
    const files = readdirSync(join(dir.path, 'ca', 'local')).filter((f) => !f.endsWith('-wal') && !f.endsWith('-shm'));
    expect(files.sort()).toEqual(['intermediate.key.pem', 'intermediate.pem', 'ledger.db', 'root.key.pem', 'root.pem']);
    for (const file of files) expect(mode(caFile(file)), file).toBe(0o600);
    expect(await issuer.trustAnchorsPem()).toBe(readFileSync(caFile('root.pem'), 'utf8'));
  });

  it('reuses the same CA in later instances', async () => {
    // Prepare
    const firstIssuer = anIssuer({ organization: 'first' });
    certificateOf(await firstIssuer.submit(anOrder({ orderId: 'first-order' }).order));
    const first = await firstIssuer.trustAnchorsPem();
    const intermediate = readFileSync(caFile('intermediate.pem'), 'utf8');

    // Act
    const second = anIssuer({ organization: 'second', keyAlgorithm: 'EC_P384' });
    const leaf = certificateOf(await second.submit(anOrder().order));

    // Assess
    expect(new X509Certificate(await second.trustAnchorsPem()).fingerprint256).toBe(new X509Certificate(first).fingerprint256);
    expect(leaf.chainPem).toBe(intermediate);
    expect(new X509Certificate(leaf.certificatePem).issuer).toBe('O=first\nCN=local Intermediate CA');
  });

  it('creates exactly one CA when processes race on first use', async () => {
    // Prepare
    const fixture = join(import.meta.dirname, 'open-ca.fixture.ts');
    const spawnOne = () => run(process.execPath, ['--import', 'tsx', fixture, dir.path], { cwd: process.cwd() });

    // Act
    const results = await Promise.all([spawnOne(), spawnOne(), spawnOne(), spawnOne()]);

    // Assess
    const fingerprints = new Set(results.map((r) => r.stdout.trim()));
    expect(fingerprints.size).toBe(1);
    expect(readdirSync(join(dir.path, 'ca')).sort()).toEqual(['race']);
  }, 60_000);

  it('never replaces a CA directory that already holds files', async () => {
    // Prepare
    mkdirSync(join(dir.path, 'ca', 'local'), { recursive: true });
    writeFileSync(caFile('notes.txt'), 'operator notes');

    // Act
    const step = await anIssuer().submit(anOrder().order);

    // Assess
    expect(step).toMatchObject({ status: 'failed', error: { code: ErrorCodes.ISSUER_UNAVAILABLE, retryable: false } });
    expect(readdirSync(join(dir.path, 'ca', 'local'))).toEqual(['notes.txt']);
    expect(readdirSync(join(dir.path, 'ca'))).toEqual(['local']);
  });

  it('never creates a CA to answer for its trust anchor: ISSUER.CA_MISSING names the directory (defect 2)', async () => {
    // Prepare
    const issuer = anIssuer();
    // Act
    const error = await issuer.trustAnchorsPem().then(() => undefined, (e: unknown) => e as { code: string; message: string });
    // Assess
    expect(error?.code).toBe(ErrorCodes.ISSUER_CA_MISSING);
    expect(error?.message).toContain(join(dir.path, 'ca', 'local'));
    expect(readdirSync(dir.path)).toEqual([]);
  });

  it('makes CA keys of the configured algorithm', async () => {
    // Prepare
    const issuer = anIssuer({ keyAlgorithm: 'EC_P384', organization: 'Example Org' });

    // Act
    certificateOf(await issuer.submit(anOrder().order));
    const root = new X509Certificate(await issuer.trustAnchorsPem());

    // Assess
    expect(root.publicKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    expect(root.subject).toBe('O=Example Org\nCN=local Root CA');
    expect(root.ca).toBe(true);
    expect(new Date(root.validTo).getTime() - now.getTime()).toBeGreaterThan(3649 * DAY);
  });
});

describe('LocalCaIssuer.submit', () => {
  it('issues a leaf for the spec, chained to the intermediate and valid from a minute ago', async () => {
    // Prepare
    const issuer = anIssuer();
    const { order, key } = anOrder();

    // Act
    const issued = certificateOf(await issuer.submit(order));

    // Assess
    const facts = readCertificateFacts(issued.certificatePem);
    expect(facts.subject).toBe('CN=www.example.com');
    expect(facts.names).toEqual({ dns: ['api.example.com', 'www.example.com'], ip: ['10.0.0.1', '2001:db8::1'], uri: ['spiffe://example.com/api'] });
    expect(facts.notBefore.getTime()).toBe(Math.floor((now.getTime() - 60_000) / 1000) * 1000);
    expect(facts.notAfter.getTime()).toBe(Math.floor((now.getTime() + 90 * DAY) / 1000) * 1000);
    const check = verifyBundle({
      ...issued, privateKeyPem: key.privateKeyPem, trustAnchorsPem: await issuer.trustAnchorsPem(), expectedNames: allNames, at: now,
    });
    expect(check.ok).toBe(true);
  });

  it('returns the same certificate for the same order id, even with a new CSR for the same key', async () => {
    // Prepare
    const issuer = anIssuer();
    const { order, key } = anOrder();
    const first = certificateOf(await issuer.submit(order));

    // Act
    const again = certificateOf(await issuer.submit(anOrder({ key }).order));
    const fromAnotherInstance = certificateOf(await anIssuer().submit(order));

    // Assess
    expect(again).toEqual(first);
    expect(fromAnotherInstance).toEqual(first);
  });

  it('issues a new serial for a new order id', async () => {
    // Prepare
    const issuer = anIssuer();
    const { order, key } = anOrder({ orderId: 'www#1' });

    // Act
    const first = certificateOf(await issuer.submit(order));
    const second = certificateOf(await issuer.submit(anOrder({ orderId: 'www#2', key }).order));

    // Assess
    expect(readCertificateFacts(second.certificatePem).serialNumber).not.toBe(readCertificateFacts(first.certificatePem).serialNumber);
  });

  it('refuses to replay an order id for a different key', async () => {
    // Prepare
    const issuer = anIssuer();
    await issuer.submit(anOrder().order);

    // Act
    const step = await issuer.submit(anOrder().order);

    // Assess
    expect(step).toMatchObject({ status: 'failed', error: { code: ErrorCodes.ISSUER_REJECTED, retryable: false } });
  });

  it.each([
    ['CSR names that differ from the spec', anOrder.bind(null, { csrNames: { dns: ['www.example.com'], ip: [], uri: [] } }), 'the CSR names differ from the certificate spec names'],
    ['a key other than the spec asks for', () => anOrder({ key: generateKeyPair('EC_P384') }), 'the CSR key is EC_P384 but the certificate spec asks for EC_P256'],
    ['a zero validity', anOrder.bind(null, { spec: { validityDays: 0 } }), 'validityDays must be a positive whole number'],
  ])('rejects an order with %s as terminal ISSUER.REJECTED', async (_, make, message) => {
    // Prepare
    const issuer = anIssuer();

    // Act
    const step = await issuer.submit(make().order);

    // Assess
    expect(step).toMatchObject({ status: 'failed', error: { code: ErrorCodes.ISSUER_REJECTED, retryable: false, message } });
  });

  it('rejects an order above maxValidityDays', async () => {
    // Prepare
    const issuer = anIssuer({ maxValidityDays: 30 });

    // Act
    const step = await issuer.submit(anOrder({ spec: { validityDays: 31 } }).order);

    // Assess
    expect(step).toMatchObject({ status: 'failed', error: { code: ErrorCodes.ISSUER_REJECTED, message: "validity of 31 days exceeds this CA's maximum of 30" } });
  });

  it('fails with CSR.MALFORMED for garbage and CSR.SIGNATURE_INVALID for a tampered CSR, quoting neither', async () => {
    // Prepare
    const issuer = anIssuer();
    const { order } = anOrder();
    const der = pemToDer(order.csrPem, 'CERTIFICATE REQUEST');
    der[der.indexOf(Buffer.from('www.example.com'))] = 0x78;
    const tampered = toPem('CERTIFICATE REQUEST', der);

    // Act
    const garbage = await issuer.submit({ ...order, csrPem: 'not a CSR' });
    const forged = await issuer.submit({ ...order, csrPem: tampered });

    // Assess
    expect(garbage).toMatchObject({ status: 'failed', error: { code: ErrorCodes.CSR_MALFORMED } });
    expect(forged).toMatchObject({ status: 'failed', error: { code: ErrorCodes.CSR_SIGNATURE_INVALID, context: { orderId: order.orderId } } });
    for (const step of [garbage, forged]) expect(JSON.stringify(step)).not.toMatch(/BEGIN|MII/);
  });

  it('rotates the intermediate before it can no longer cover a full validity, and never shortens a certificate (defect 5)', async () => {
    // Prepare
    const issuer = anIssuer();
    const first = certificateOf(await issuer.submit(anOrder({ orderId: 'a' }).order));
    const intermediateEnd = new Date(new X509Certificate(first.chainPem).validTo);
    now = new Date(intermediateEnd.getTime() - 10 * DAY);

    // Act
    const issued = certificateOf(await issuer.submit(anOrder({ orderId: 'b', spec: { validityDays: 90 } }).order));
    const reopened = certificateOf(await anIssuer().submit(anOrder({ orderId: 'c', spec: { validityDays: 90 } }).order));

    // Assess
    expect(readCertificateFacts(issued.certificatePem).notAfter).toEqual(new Date(now.getTime() + 90 * DAY));
    expect(issued.chainPem).not.toBe(first.chainPem);
    const root = new X509Certificate(await issuer.trustAnchorsPem());
    const newIntermediate = new X509Certificate(issued.chainPem);
    expect(newIntermediate.verify(root.publicKey)).toBe(true);
    expect(new X509Certificate(issued.certificatePem).verify(newIntermediate.publicKey)).toBe(true);
    expect(reopened.chainPem).toBe(issued.chainPem);
    expect(mode(caFile('intermediate.bundle.pem'))).toBe(0o600);
  });

  it('refuses, with ISSUER.CA_EXPIRING, a validity the root cannot cover instead of a misleading error', async () => {
    // Prepare
    const issuer = anIssuer();
    const first = certificateOf(await issuer.submit(anOrder({ orderId: 'a' }).order));
    const rootEnd = new Date(new X509Certificate(await issuer.trustAnchorsPem()).validTo);
    now = new Date(rootEnd.getTime() - 30 * DAY);

    // Act
    const step = await issuer.submit(anOrder({ orderId: 'b', spec: { validityDays: 90 } }).order);

    // Assess
    expect(first.certificatePem).toMatch(/BEGIN CERTIFICATE/);
    expect(step).toMatchObject({ status: 'failed', error: { code: ErrorCodes.ISSUER_CA_EXPIRING, retryable: false } });
    expect(step.status === 'failed' && step.error.message).toMatch(/^the root of local CA 'local' expires .*, before a 90-day certificate would; create a new CA/);
  });

  it('warns a year before its root expires, and not before', async () => {
    // Prepare
    const issuer = anIssuer();
    certificateOf(await issuer.submit(anOrder({ orderId: 'a' }).order));
    const rootEnd = new Date(new X509Certificate(await issuer.trustAnchorsPem()).validTo);

    // Act
    const early = await issuer.warnings();
    now = new Date(rootEnd.getTime() - 300 * DAY);
    const late = await issuer.warnings();

    // Assess
    expect(early).toEqual([]);
    expect(late).toEqual([expect.stringMatching(/^the root of local CA 'local' expires .*; plan a new CA/)]);
  });

  it('reports an unusable data directory as retryable ISSUER.UNAVAILABLE', async () => {
    // Prepare
    writeFileSync(join(dir.path, 'file'), 'x');
    const issuer = new LocalCaIssuer({ dataDir: join(dir.path, 'file'), clock }, 'local');

    // Act
    const step = await issuer.submit(anOrder().order);

    // Assess
    expect(step).toMatchObject({ status: 'failed', error: { code: ErrorCodes.ISSUER_UNAVAILABLE, retryable: true } });
  });
});

describe('LocalCaIssuer.resume', () => {
  it('replays an issued order', async () => {
    // Prepare
    const issuer = anIssuer();
    const { order } = anOrder();
    const issued = certificateOf(await issuer.submit(order));

    // Act
    const step = await issuer.resume(order, {});

    // Assess
    expect(certificateOf(step)).toEqual(issued);
  });

  it('fails for an order it never issued', async () => {
    // Prepare
    const issuer = anIssuer();
    certificateOf(await issuer.submit(anOrder().order));
    // Act
    const step = await issuer.resume(anOrder().order, {});

    // Assess
    expect(step).toMatchObject({ status: 'failed', error: { code: ErrorCodes.ISSUER_REJECTED } });
  });
});

describe('localCaIssuer descriptor', () => {
  it('declares its kind and that it never needs the private key', async () => {
    // Act
    const issuer = (await localCaIssuer.create(factoryDeps(dir.path, clock), { name: 'local', kind: 'local-ca', options: {} })) as LocalCaIssuer;
    open.push(issuer);

    // Assess
    expect([localCaIssuer.kind, localCaIssuer.runtimes]).toEqual(['local-ca', ['local']]);
    expect([issuer.kind, issuer.name, issuer.needsPrivateKey]).toEqual(['local-ca', 'local', false]);
  });

  it.each([
    ['an unknown option', { organisation: 'typo' }],
    ['an unsupported key algorithm', { keyAlgorithm: 'RSA_4096' }],
    ['a zero maximum validity', { maxValidityDays: 0 }],
  ])('refuses %s as CONFIG.INVALID', async (_, options) => {
    // Act
    const act = localCaIssuer.create(factoryDeps(dir.path, clock), { name: 'local', kind: 'local-ca', options: options as never });

    // Assess
    await expect(act).rejects.toThrow(expect.objectContaining({ code: ErrorCodes.CONFIG_INVALID }));
  });

  it('refuses a name that is not a safe directory name', async () => {
    // Act
    const act = localCaIssuer.create(factoryDeps(dir.path, clock), { name: '../escape', kind: 'local-ca', options: {} });

    // Assess
    await expect(act).rejects.toThrow(expect.objectContaining({ code: ErrorCodes.CONFIG_INVALID }));
  });
});
