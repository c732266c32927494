import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCsr, generateKeyPair, type GeneratedKeyPair } from '../../../src/crypto/index.js';
import type { CertificateSpec } from '../../../src/domain/certificate.js';
import type { IssuanceOrder } from '../../../src/ports/issuer.port.js';
import { aSpec } from '../../support/builders.js';

/** A fresh private directory, removed by the returned cleanup. */
export function aTempDir(prefix = 'certflow-ca-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Runs openssl; stdout and stderr together (openssl 3 prints some verdicts on stderr). */
export function openssl(args: readonly string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
}

export const allNames = { dns: ['www.example.com', 'api.example.com'], ip: ['10.0.0.1', '2001:db8::1'], uri: ['spiffe://example.com/api'] };

/** An order for `spec` (default: aSpec with DNS, IPv4, IPv6 and URI names), with a fresh key and CSR. */
export function anOrder(
  overrides: { orderId?: string; spec?: Partial<CertificateSpec>; key?: GeneratedKeyPair; csrNames?: CertificateSpec['names'] } = {},
): { order: IssuanceOrder; key: GeneratedKeyPair } {
  const spec = aSpec({ commonName: 'www.example.com', names: allNames, ...overrides.spec });
  const key = overrides.key ?? generateKeyPair(spec.keyAlgorithm);
  const csrPem = createCsr(key.privateKey, { commonName: spec.commonName, names: overrides.csrNames ?? spec.names });
  return {
    order: { orderId: overrides.orderId ?? `${spec.id}#1`, certificateId: spec.id, revision: 1, spec, csrPem },
    key,
  };
}
