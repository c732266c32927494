import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certflow } from '../../support/cli.js';
import { cliSchemas } from '../../support/cli-schemas.js';
import { LocalFixture } from '../../support/local-fixture.js';

const CONFIG = `
dataDir: data
issuers:
  - { name: local, kind: local-ca }
policy:
  autoApprove:
    - { name: internal, names: ['**.internal.example.com', '*@internal.example.com'], issuers: [local] }
  approvers: [alice]
certificates:
  - { id: mail, dnsNames: [mail.internal.example.com], emailAddresses: [Ops@Internal.Example.com], issuer: local, owner: team-mail }
  - { id: mailbox, emailAddresses: [alerts@internal.example.com], issuer: local, owner: team-mail }
`;

type Names = { dns: string[]; ip: string[]; uri: string[]; email: string[] };

describe('certflow with email SANs', () => {
  let fx: LocalFixture;
  const cli = (...args: string[]) => certflow([...args, '--config', fx.configPath], { cwd: fx.dir, clock: fx.clock });

  beforeAll(async () => {
    fx = new LocalFixture(CONFIG);
    expect((await cli('run')).code).toBe(0);
  });
  afterAll(() => fx.dispose());

  it('issues the certificates and shows their emails in show, ls and their JSON, which match the schemas', async () => {
    // Act
    const show = await cli('show', 'mail');
    const showJson = await cli('show', 'mail', '--json');
    const ls = await cli('ls');
    const lsJson = await cli('ls', '--json');

    // Assess
    expect(show.stdout).toMatch(/^names +mail\.internal\.example\.com, Ops@internal\.example\.com$/m);
    expect(ls.stdout).toMatch(/^mailbox +managed +alerts@internal\.example\.com /m);
    const detail = JSON.parse(showJson.stdout) as { certificate: { names: Names } };
    expect(detail.certificate.names.email).toEqual(['Ops@internal.example.com']);
    expect(cliSchemas().validate('certificate', detail)).toEqual([]);
    const list = JSON.parse(lsJson.stdout) as { items: { id: string; names: Names }[] };
    expect(cliSchemas().validate('certificate-list', list)).toEqual([]);
    expect(list.items.find((i) => i.id === 'mailbox')?.names).toEqual({ dns: [], ip: [], uri: [], email: ['alerts@internal.example.com'] });
  });

  it('writes the emails into the certificate as rfc822Names', async () => {
    // Prepare
    const out = join(fx.dir, 'mail');
    expect((await cli('export', 'mail', '--out', out)).code).toBe(0);

    // Act
    const san = execFileSync('openssl', ['x509', '-in', join(out, 'cert.pem'), '-noout', '-ext', 'subjectAltName'], { encoding: 'utf8' });

    // Assess
    expect(san).toContain('email:Ops@internal.example.com, DNS:mail.internal.example.com');
  });

  it('inspects a certificate with an email SAN, escaping control characters it carries', async () => {
    // Prepare: an email SAN with an escape sequence, as a hostile certificate could carry
    const dir = join(fx.dir, 'hostile');
    execFileSync('mkdir', ['-p', dir]);
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '3', '-subj', '/CN=x.example.com',
      '-addext', 'subjectAltName=email:ops\u001b[31m@example.com,DNS:x.example.com',
      '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'),
    ], { stdio: 'ignore' });

    // Act
    const text = await certflow(['inspect', 'c.pem'], { cwd: dir, clock: fx.clock });
    const json = await certflow(['inspect', 'c.pem', '--json'], { cwd: dir, clock: fx.clock });

    // Assess
    expect(text.stdout).toContain('  names        x.example.com, ops\\u001b[31m@example.com\n');
    expect(text.stdout).not.toContain('\u001b');
    const doc = JSON.parse(json.stdout) as { items: { names: Names }[] };
    expect(doc.items[0]?.names.email).toEqual(['ops\u001b[31m@example.com']);
    expect(cliSchemas().validate('inspection', doc)).toEqual([]);
  });
});
