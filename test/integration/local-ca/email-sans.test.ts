import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCaIssuer } from '../../../src/adapters/local/local-ca/index.js';
import { parseCertificateDer } from '../../../src/crypto/certificate-parser.js';
import { parseCsr, pemToDer, readCertificateFacts, verifyBundle } from '../../../src/crypto/index.js';
import { ErrorCodes } from '../../../src/domain/errors/index.js';
import type { IssuedCertificate, IssuerStep } from '../../../src/ports/issuer.port.js';
import { aTempDir, anOrder, openssl, writeFiles } from './support.js';

/*
 * Email SANs end to end on the local default: a CSR carrying rfc822Names, the local CA copying
 * them into the certificate, openssl reading them back, and certflow's parsers and bundle check.
 */

let dir: ReturnType<typeof aTempDir>;
let work: ReturnType<typeof aTempDir>;
const clock = { now: () => new Date() };
const names = { dns: ['www.example.com'], ip: [], uri: [], email: ['Ops@example.com', 'security+pki@example.com'] };

function issued(step: IssuerStep): IssuedCertificate {
  if (step.status !== 'issued') throw new Error(`expected issued, got ${step.status}`);
  return step.certificate;
}

describe('email SANs through the local CA', () => {
  let issuer: LocalCaIssuer;
  let certificate: IssuedCertificate;
  let key: ReturnType<typeof anOrder>['key'];
  let csrPem: string;

  beforeAll(async () => {
    dir = aTempDir('certflow-email-ca-');
    work = aTempDir('certflow-email-files-');
    issuer = new LocalCaIssuer({ dataDir: dir.path, clock }, 'local', {});
    const made = anOrder({ orderId: 'email-1', spec: { names } });
    key = made.key;
    csrPem = made.order.csrPem;
    certificate = issued(await issuer.submit(made.order));
    writeFiles(work.path, { 'cert.pem': certificate.certificatePem, 'csr.pem': csrPem });
  });

  afterAll(() => {
    issuer.close();
    work.remove();
    dir.remove();
  });

  it('asks for the email addresses in the CSR', () => {
    // Act
    const csr = parseCsr(csrPem);
    const text = openssl(['req', '-in', 'csr.pem', '-noout', '-text'], work.path);

    // Assess
    expect(csr.names.email).toEqual(['Ops@example.com', 'security+pki@example.com']);
    expect(text.output).toContain('email:Ops@example.com, email:security+pki@example.com, DNS:www.example.com');
  });

  it('issues them as rfc822Name SANs that openssl shows as email:', () => {
    // Act
    const { status, output } = openssl(['x509', '-in', 'cert.pem', '-noout', '-ext', 'subjectAltName'], work.path);

    // Assess
    expect(status).toBe(0);
    expect(output).toContain('email:Ops@example.com, email:security+pki@example.com, DNS:www.example.com');
  });

  it('reads them back with both parsers, the local part with its case', () => {
    // Act
    const parsed = parseCertificateDer(pemToDer(certificate.certificatePem, 'CERTIFICATE'));
    const facts = readCertificateFacts(certificate.certificatePem);

    // Assess
    expect(parsed.facts.names).toEqual(names);
    expect(facts.names).toEqual(names);
  });

  it('verifies the bundle against the expected emails, and refuses it when they differ', async () => {
    // Prepare
    const bundle = { certificatePem: certificate.certificatePem, chainPem: certificate.chainPem, privateKeyPem: key.privateKeyPem, trustAnchorsPem: await issuer.trustAnchorsPem(), at: new Date() };

    // Act: the domain written in capitals is the same address; another local part is not
    const same = verifyBundle({ ...bundle, expectedNames: { ...names, email: ['Ops@EXAMPLE.com', 'security+pki@example.com'] } });
    const otherCase = verifyBundle({ ...bundle, expectedNames: { ...names, email: ['ops@example.com', 'security+pki@example.com'] } });
    const without = verifyBundle({ ...bundle, expectedNames: { dns: names.dns, ip: [], uri: [] } });

    // Assess
    expect(same.ok).toBe(true);
    expect(otherCase).toEqual({ ok: false, reason: 'certificate names differ from the expected names' });
    expect(without).toEqual({ ok: false, reason: 'certificate names differ from the expected names' });
  });

  it('refuses a CSR whose emails differ from the spec', async () => {
    // Prepare
    const { order } = anOrder({ orderId: 'email-2', spec: { names }, csrNames: { ...names, email: ['Ops@example.com'] } });

    // Act
    const step = await issuer.submit(order);

    // Assess
    expect(step).toMatchObject({ status: 'failed', error: { code: ErrorCodes.ISSUER_REJECTED, message: expect.stringContaining('the CSR names differ from the certificate spec names') } });
  });

  it('issues a certificate whose only names are email addresses', async () => {
    // Prepare
    const only = { dns: [], ip: [], uri: [], email: ['ops@example.com'] };
    const { order } = anOrder({ orderId: 'email-3', spec: { commonName: '', names: only } });

    // Act
    const parsed = parseCertificateDer(pemToDer(issued(await issuer.submit(order)).certificatePem, 'CERTIFICATE'));

    // Assess
    expect(parsed.facts.names).toEqual(only);
  });
});
