import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certflow } from '../../support/cli.js';
import { cliSchemas } from '../../support/cli-schemas.js';
import { LocalFixture } from '../../support/local-fixture.js';

const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' });

describe('certflow inspect', () => {
  let fx: LocalFixture;
  let out: string;
  const inspect = (...args: string[]) => certflow(['inspect', ...args], { cwd: out, clock: fx.clock });
  beforeAll(async () => {
    fx = new LocalFixture();
    const cli = (...args: string[]) => certflow([...args, '--config', fx.configPath], { cwd: fx.dir, clock: fx.clock });
    await cli('run');
    out = join(fx.dir, 'export');
    expect((await cli('export', 'api', '--out', out)).code).toBe(0);
    await cli('export', 'grpc', '--out', join(fx.dir, 'grpc'));
  });
  afterAll(() => fx.dispose());

  it('describes a certificate, its chain and its key: names, validity, fingerprints, ARI CertID, key match, chain order', async () => {
    // Prepare
    const aki = /keyid:?([0-9A-F:]+)|([0-9A-F]{2}(?::[0-9A-F]{2})+)/i.exec(openssl('x509', '-in', join(out, 'cert.pem'), '-noout', '-ext', 'authorityKeyIdentifier'));
    const akiHex = (aki?.[1] ?? aki?.[2] ?? '').replace(/:/g, '');
    let serialHex = openssl('x509', '-in', join(out, 'cert.pem'), '-noout', '-serial').trim().replace(/^serial=/, '');
    if (serialHex.length % 2) serialHex = `0${serialHex}`;
    if (parseInt(serialHex.slice(0, 2), 16) >= 0x80) serialHex = `00${serialHex}`;
    const ari = `${Buffer.from(akiHex, 'hex').toString('base64url')}.${Buffer.from(serialHex, 'hex').toString('base64url')}`;
    // Act
    const text = await inspect('cert.pem', 'chain.pem', 'root.pem', 'key.pem');
    const json = await inspect('cert.pem', 'chain.pem', 'root.pem', 'key.pem', '--json');
    // Assess
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n').find((l) => l.startsWith('  names ')) ?? '').toMatch(/^(?=.*\bapi\.internal\.example\.com\b)(?=.*\bapi-v2\.internal\.example\.com\b)(?=.*\b10\.0\.0\.10\b)/);
    expect(text.stdout).toMatch(/^ {2}key +EC_P256$/m);
    expect(text.stdout).toContain(`  ARI CertID   ${ari}\n`);
    expect(text.stdout).toMatch(/^key key\.pem#1 matches certificate cert\.pem#1$/m);
    expect(text.stdout).toMatch(/^chain: in order$/m);
    const doc = JSON.parse(json.stdout) as { items: { kind: string; ariCertId?: string }[] };
    expect(cliSchemas().validate('inspection', doc)).toEqual([]);
    expect(doc.items.map((i) => i.kind)).toEqual(['certificate', 'certificate', 'certificate', 'private-key']);
    expect(doc.items[0]?.ariCertId).toBe(ari);
  });

  it('reads DER and CSRs, and reports a key that belongs to another certificate and a chain out of order (exit 1)', async () => {
    // Prepare
    openssl('x509', '-in', join(out, 'cert.pem'), '-outform', 'DER', '-out', join(out, 'cert.der'));
    openssl('req', '-new', '-key', join(out, 'key.pem'), '-subj', '/CN=csr.example.com', '-out', join(out, 'req.csr'));
    // Act
    const der = await inspect('cert.der');
    const csr = await inspect('req.csr');
    const wrongKey = await inspect('cert.pem', join(fx.dir, 'grpc', 'key.pem'));
    const reversed = await inspect('root.pem', 'chain.pem', 'cert.pem');
    // Assess
    expect(der.code).toBe(0);
    expect(der.stdout).toMatch(/^certificate cert\.der#1$/m);
    expect(csr.stdout).toMatch(/^ {2}subject CN +csr\.example\.com$/m);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toMatch(/key\.pem#1 matches none of the certificates given/);
    expect(reversed.code).toBe(1);
    expect(reversed.stdout).toMatch(/^chain: /m);
  });

  it('exits 2 on a file that is neither PEM nor DER', async () => {
    // Prepare
    writeFileSync(join(out, 'junk.bin'), 'not a certificate');
    // Act
    const result = await inspect('junk.bin');
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('certflow: PEM.MALFORMED: junk.bin is neither PEM nor a DER certificate, CSR or key\n');
  });
});
