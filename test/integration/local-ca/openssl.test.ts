import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCaIssuer, type LocalCaOptions } from '../../../src/adapters/local/local-ca/index.js';
import { createCsr, generateKeyPair, parseCsr } from '../../../src/crypto/index.js';
import type { KeyAlgorithm } from '../../../src/domain/certificate.js';
import type { IssuedCertificate, IssuerStep } from '../../../src/ports/issuer.port.js';
import { aTempDir, allNames, anOrder, openssl, writeFiles } from './support.js';

let dir: ReturnType<typeof aTempDir>;
const clock = { now: () => new Date() };
const scratch: (() => void)[] = [];

/** A working directory for openssl, removed after all tests. */
function aWorkDir(): string {
  const work = aTempDir('certflow-openssl-files-');
  scratch.push(work.remove);
  return work.path;
}

function issued(step: IssuerStep): IssuedCertificate {
  if (step.status !== 'issued') throw new Error(`expected issued, got ${step.status}`);
  return step.certificate;
}

beforeAll(() => {
  dir = aTempDir('certflow-openssl-');
});

afterAll(() => {
  for (const remove of scratch) remove();
  dir.remove();
});

describe.each<[KeyAlgorithm, NonNullable<LocalCaOptions['keyAlgorithm']>]>([
  ['EC_P256', 'EC_P256'],
  ['EC_P384', 'EC_P256'],
  ['RSA_2048', 'EC_P256'],
  ['EC_P256', 'EC_P384'],
  ['EC_P256', 'RSA_2048'],
])('a %s leaf from a %s local CA', (leafAlgorithm, caAlgorithm) => {
  let work: string;
  let keyPem: string;

  beforeAll(async () => {
    const issuer = new LocalCaIssuer({ dataDir: dir.path, clock }, `ca-${caAlgorithm.toLowerCase()}`, { keyAlgorithm: caAlgorithm });
    const { order, key } = anOrder({ orderId: `openssl-${leafAlgorithm}`, spec: { keyAlgorithm: leafAlgorithm } });
    const certificate = issued(await issuer.submit(order));
    work = aWorkDir();
    keyPem = key.privateKeyPem;
    writeFiles(work, {
      'root.pem': await issuer.trustAnchorsPem(),
      'chain.pem': certificate.chainPem,
      'cert.pem': certificate.certificatePem,
      'csr.pem': order.csrPem,
      'key.pem': key.privateKeyPem,
    });
    issuer.close();
  });

  it('passes openssl verify, strict and for TLS servers', () => {
    // Act
    const plain = openssl(['verify', '-CAfile', 'root.pem', '-untrusted', 'chain.pem', 'cert.pem'], work);
    const strict = openssl(['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', 'root.pem', '-untrusted', 'chain.pem', 'cert.pem'], work);

    // Assess
    expect(plain).toEqual({ status: 0, output: 'cert.pem: OK\n' });
    expect(strict).toEqual({ status: 0, output: 'cert.pem: OK\n' });
  });

  it('shows the names, usages, key identifiers and CA:FALSE in openssl x509 -text', () => {
    // Act
    const { output } = openssl(['x509', '-in', 'cert.pem', '-noout', '-text'], work);

    // Assess
    expect(output).toContain('DNS:api.example.com, DNS:www.example.com, IP Address:10.0.0.1, IP Address:2001:DB8:0:0:0:0:0:1, URI:spiffe://example.com/api');
    const usage = leafAlgorithm.startsWith('RSA') ? 'Digital Signature, Key Encipherment' : 'Digital Signature';
    expect(output).toMatch(new RegExp(`Key Usage: critical\\n\\s+${usage}\\n`));
    expect(output).toMatch(/Extended Key Usage: \n\s+TLS Web Server Authentication\n/);
    expect(output).toMatch(/Basic Constraints: critical\n\s+CA:FALSE/);
    expect(output).toContain('X509v3 Subject Key Identifier');
    expect(output).toContain('X509v3 Authority Key Identifier');
    expect(output).toContain('Subject: CN = www.example.com');
  });

  it('links each certificate to its issuer by key identifier', () => {
    // Act
    const ski = (file: string) => /Subject Key Identifier: \n\s+([0-9A-F:]+)/.exec(openssl(['x509', '-in', file, '-noout', '-text'], work).output)?.[1];
    const aki = (file: string) => /Authority Key Identifier: \n\s+(?:keyid:)?([0-9A-F:]+)/.exec(openssl(['x509', '-in', file, '-noout', '-text'], work).output)?.[1];

    // Assess
    expect(aki('cert.pem')).toBe(ski('chain.pem'));
    expect(aki('chain.pem')).toBe(ski('root.pem'));
    expect(ski('cert.pem')).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
  });

  it('makes a CSR that openssl req -verify accepts', () => {
    // Act
    const result = openssl(['req', '-in', 'csr.pem', '-noout', '-verify'], work);

    // Assess
    expect(result.status).toBe(0);
    expect(result.output).toContain('verify OK');
  });

  it('issues for the public key of the private key', () => {
    // Act
    const fromKey = openssl(['pkey', '-in', 'key.pem', '-pubout'], work);
    const fromCertificate = openssl(['x509', '-in', 'cert.pem', '-noout', '-pubkey'], work);

    // Assess
    expect(fromKey.status).toBe(0);
    expect(fromKey.output).toBe(fromCertificate.output);
    expect(keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });
});

describe('CSRs made by openssl', () => {
  it('are parsed and issued by the local CA', async () => {
    // Prepare
    const work = aWorkDir();
    const made = openssl([
      'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'key.pem', '-out', 'csr.pem',
      '-subj', '/CN=www.example.com',
      '-addext', 'subjectAltName=DNS:www.example.com,DNS:api.example.com,IP:10.0.0.1,IP:2001:db8::1,URI:spiffe://example.com/api',
    ], work);
    const { order } = anOrder({ orderId: 'openssl-made' });
    const csrPem = readFileSync(join(work, 'csr.pem'), 'utf8');
    const issuer = new LocalCaIssuer({ dataDir: dir.path, clock }, 'ca-openssl');

    // Act
    const parsed = parseCsr(csrPem);
    const step = await issuer.submit({ ...order, csrPem });

    // Assess
    expect(made.status).toBe(0);
    expect(parsed.names).toEqual({ dns: ['api.example.com', 'www.example.com'], ip: ['10.0.0.1', '2001:db8::1'], uri: ['spiffe://example.com/api'] });
    writeFiles(work, { 'root.pem': await issuer.trustAnchorsPem(), 'chain.pem': issued(step).chainPem, 'cert.pem': issued(step).certificatePem });
    expect(openssl(['verify', '-CAfile', 'root.pem', '-untrusted', 'chain.pem', 'cert.pem'], work).output).toBe('cert.pem: OK\n');
    issuer.close();
  });

  it('come out of createCsr readable by openssl req -text', () => {
    // Prepare
    const work = aWorkDir();
    writeFiles(work, { 'csr.pem': createCsr(generateKeyPair().privateKey, { commonName: 'www.example.com', names: allNames }) });

    // Act
    const { output } = openssl(['req', '-in', 'csr.pem', '-noout', '-text'], work);

    // Assess
    expect(output).toContain('Subject: CN = www.example.com');
    expect(output).toContain('DNS:www.example.com, DNS:api.example.com, IP Address:10.0.0.1, IP Address:2001:DB8:0:0:0:0:0:1, URI:spiffe://example.com/api');
  });
});
