import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCertificate, generateKeyPair, randomSerialNumber, type CertificateSigner, type CertificateTemplate } from '../../../src/crypto/index.js';
import { certflow } from '../../support/cli.js';
import { cliSchemas } from '../../support/cli-schemas.js';

const DAY = 86_400_000;
const noNames = { dns: [], ip: [], uri: [] };

/** A root and an intermediate CA, as a trust anchor bundle holds them, and client certificates signed by the intermediate. */
function aCa(label: string) {
  const now = Date.now();
  const root = generateKeyPair('EC_P256');
  const rootPem = buildCertificate({
    subjectPublicKey: root.publicKey, subjectCommonName: `${label} Root`, subjectOrganization: 'Example', issuer: 'self', subjectPrivateKey: root.privateKey,
    serialNumber: randomSerialNumber(), notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY), names: noNames, isCA: true,
  });
  const intermediate = generateKeyPair('EC_P256');
  const intermediatePem = buildCertificate({
    subjectPublicKey: intermediate.publicKey, subjectCommonName: `${label} Issuing`, subjectOrganization: 'Example',
    issuer: { commonName: `${label} Root`, organization: 'Example', privateKey: root.privateKey, publicKey: root.publicKey },
    serialNumber: randomSerialNumber(), notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY), names: noNames, isCA: true, pathLength: 0,
  });
  const signer: CertificateSigner = { commonName: `${label} Issuing`, organization: 'Example', privateKey: intermediate.privateKey, publicKey: intermediate.publicKey };
  const client = (overrides: Partial<CertificateTemplate> = {}) => {
    const key = generateKeyPair('EC_P256');
    return buildCertificate({
      subjectPublicKey: key.publicKey, subjectCommonName: 'batch.example.com', issuer: signer, serialNumber: randomSerialNumber(),
      notBefore: new Date(now - 60_000), notAfter: new Date(now + DAY), names: { dns: [], ip: [], uri: ['spiffe://example.com/batch'] },
      isCA: false, keyUsage: ['digitalSignature'], extendedKeyUsage: ['clientAuth'], ...overrides,
    });
  };
  return { rootPem, intermediatePem, intermediateKeyPem: intermediate.privateKeyPem, client };
}

describe('certflow inspect --roles-anywhere', () => {
  let dir: string;
  let ca: ReturnType<typeof aCa>;
  const inspect = (...args: string[]) => certflow(['inspect', ...args], { cwd: dir });
  const write = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return name;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'certflow-inspect-ra-'));
    ca = aCa('Workloads');
    write('anchor.pem', ca.rootPem);
    write('chain.pem', ca.intermediatePem);
    write('issuing.key', ca.intermediateKeyPem);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a client certificate that chains to the anchor, and derives the source identity and principal tags as the User Guide documents them', async () => {
    // Prepare: openssl makes a subject with three OUs and a SAN with two DNS names, a URI and a directory name
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'alice.key');
    openssl('req', '-new', '-key', 'alice.key', '-subj', '/CN=alice/OU=Security/OU=Engineering/OU=Research/O=Example Corp', '-out', 'alice.csr');
    write('alice.ext', [
      'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth',
      'subjectAltName=DNS:alice.example.com,DNS:second.example.com,URI:spiffe://example.com/workload/alice,dirName:dir_sect',
      '[dir_sect]', 'CN=Alice',
    ].join('\n'));
    openssl('x509', '-req', '-in', 'alice.csr', '-CA', 'chain.pem', '-CAkey', 'issuing.key', '-set_serial', '4660', '-days', '1', '-sha256', '-extfile', 'alice.ext', '-out', 'alice.pem');
    // Act
    const text = await inspect('alice.pem', 'chain.pem', '--roles-anywhere', '--trust-anchor', 'anchor.pem');
    const json = await inspect('alice.pem', 'chain.pem', '--roles-anywhere', '--trust-anchor', 'anchor.pem', '--json');
    // Assess
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^roles anywhere alice\.pem#1 against anchor\.pem: would be accepted$/m);
    expect(text.stdout).toMatch(/^ {4}aws:PrincipalTag\/x509Subject\/OU +Security\/Engineering\/Research$/m);
    const doc = JSON.parse(json.stdout) as { rolesAnywhere: { accepted: boolean; sourceIdentity: string; principalTags: Record<string, string>; refusals: string[] } };
    expect(cliSchemas().validate('inspection', doc)).toEqual([]);
    expect(doc.rolesAnywhere.accepted).toBe(true);
    expect(doc.rolesAnywhere.refusals).toEqual([]);
    expect(doc.rolesAnywhere.sourceIdentity).toBe('alice');
    expect(doc.rolesAnywhere.principalTags).toEqual({
      'x509Subject/CN': 'alice',
      'x509Subject/OU': 'Security/Engineering/Research',
      'x509Subject/O': 'Example Corp',
      'x509Issuer/O': 'Example',
      'x509Issuer/CN': 'Workloads Issuing',
      'x509SAN/DNS': 'alice.example.com',
      'x509SAN/URI': 'spiffe://example.com/workload/alice',
      'x509SAN/Name/CN': 'Alice',
    });
  });

  it('refuses, with the reason, a certificate Roles Anywhere would refuse (exit 1)', async () => {
    // Prepare: one defect each
    const other = aCa('Elsewhere');
    const cases = {
      serverOnly: ca.client({ extendedKeyUsage: ['serverAuth'] }),
      noDigitalSignature: ca.client({ keyUsage: ['keyAgreement'] }),
      expired: ca.client({ notBefore: new Date(Date.now() - 3 * DAY), notAfter: new Date(Date.now() - DAY) }),
      otherCa: other.client(),
      aCa: ca.client({ isCA: true, keyUsage: ['digitalSignature', 'keyCertSign'] }),
    };
    // Act
    const results = Object.fromEntries(
      await Promise.all(
        Object.entries(cases).map(async ([name, pem]) => {
          const result = await inspect(write(`${name}.pem`, pem), 'chain.pem', '--roles-anywhere', '--trust-anchor', 'anchor.pem', '--json');
          return [name, { code: result.code, refusals: (JSON.parse(result.stdout) as { rolesAnywhere: { refusals: string[] } }).rolesAnywhere.refusals }];
        }),
      ),
    );
    const textOfServerOnly = await inspect('serverOnly.pem', 'chain.pem', '--roles-anywhere', '--trust-anchor', 'anchor.pem');
    // Assess
    expect(results).toEqual({
      serverOnly: { code: 1, refusals: ['extendedKeyUsage: present without clientAuth'] },
      noDigitalSignature: { code: 1, refusals: ['keyUsage: lacks digitalSignature'] },
      expired: { code: 1, refusals: [expect.stringMatching(/^validity: expired at /)] },
      otherCa: { code: 1, refusals: [expect.stringMatching(/^chain: no path from the certificate to a certificate of the trust anchor bundle/)] },
      aCa: { code: 1, refusals: ['basicConstraints: CA:true: a CA certificate cannot authenticate'] },
    });
    expect(textOfServerOnly.stdout).toMatch(/would be refused\n {2}ok {4}chain/);
    expect(textOfServerOnly.stdout).toMatch(/^ {2}FAIL {2}extendedKeyUsage +present without clientAuth$/m);
  });

  it('refuses a SHA-1 signature and a 1024-bit RSA key', async () => {
    // Prepare
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    openssl('genrsa', '-out', 'weak.key', '1024');
    openssl('req', '-new', '-key', 'weak.key', '-subj', '/CN=weak', '-out', 'weak.csr');
    write('weak.ext', 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
    openssl('x509', '-req', '-in', 'weak.csr', '-CA', 'chain.pem', '-CAkey', 'issuing.key', '-set_serial', '4661', '-days', '1', '-sha1', '-extfile', 'weak.ext', '-out', 'weak.pem');
    // Act
    const result = await inspect('weak.pem', 'chain.pem', '--roles-anywhere', '--trust-anchor', 'anchor.pem', '--json');
    // Assess
    expect(result.code).toBe(1);
    expect((JSON.parse(result.stdout) as { rolesAnywhere: { refusals: string[] } }).rolesAnywhere.refusals).toEqual([
      'keyAlgorithm: RSA 1024: needs RSA of at least 2048 bits or EC P-256/P-384',
      'signatureAlgorithm: 1.2.840.10045.4.1 is not RSA or ECDSA with SHA-256 or stronger',
    ]);
  });

  it('prints text from the certificate with its control characters escaped', async () => {
    // Prepare: a CN that would clear the screen and forge a line
    const pem = ca.client({ subjectCommonName: 'ok\u001b[2J\nroles anywhere x: would be accepted' });
    // Act
    const result = await inspect(write('evil.pem', pem), 'chain.pem', '--roles-anywhere', '--trust-anchor', 'anchor.pem');
    // Assess
    expect(result.stdout).not.toContain('\u001b');
    expect(result.stdout).toContain('ok\\u001b[2J\\u000aroles anywhere x: would be accepted');
    expect(result.stdout).not.toMatch(/^roles anywhere x/m);
  });

  it('needs --trust-anchor with --roles-anywhere, and a readable bundle (exit 2)', async () => {
    // Act
    const missing = await inspect(write('ok.pem', ca.client()), '--roles-anywhere');
    const unreadable = await inspect('ok.pem', '--roles-anywhere', '--trust-anchor', 'nope.pem');
    // Assess
    expect([missing.code, unreadable.code]).toEqual([2, 2]);
    expect(missing.stderr).toContain('--roles-anywhere needs --trust-anchor BUNDLE');
    expect(unreadable.stderr).toContain('cannot read nope.pem: ENOENT');
  });
});
