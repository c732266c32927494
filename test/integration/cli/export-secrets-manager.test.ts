import { createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeSecretsManager } from '../../fakes/fake-secrets-manager.js';
import { certflow } from '../../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'certflow-export-sm-'));
const sm = new FakeSecretsManager();
let mock: ReturnType<FakeSecretsManager['install']>;

beforeAll(() => {
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  mock = sm.install();
});
afterAll(() => {
  mock.restore();
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe('certflow with the Secrets Manager key store', () => {
  it('issues into Secrets Manager and exports from it, the key store being whatever the configuration names', async () => {
    // Prepare
    writeFileSync(
      join(dir, 'certflow.yaml'),
      `
dataDir: data
keyStore: { kind: secrets-manager, options: { namePrefix: certflow/local/ } }
issuers: [{ name: local, kind: local-ca }]
policy: { autoApprove: [{ name: all, names: ['**.example.com'] }] }
certificates:
  - { id: api, dnsNames: [api.example.com], issuer: local, owner: team-api }
`,
    );
    // Act
    const run = await certflow(['run'], { cwd: dir });
    const exported = await certflow(['export', 'api', '--out', 'out'], { cwd: dir });
    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(exported.code, exported.stderr).toBe(0);
    const current = [...(sm.secrets.get('certflow/local/api')?.versions.values() ?? [])].find((v) => v.stages.has('AWSCURRENT'));
    const value = JSON.parse(current?.value ?? '{}') as { certificate: string; privateKey: string };
    const files = readdirSync(join(dir, 'out'));
    const cert = files.find((f) => /cert/.test(f) && !/full|chain/.test(f)) ?? '';
    expect(readFileSync(join(dir, 'out', cert), 'utf8').trim()).toBe(value.certificate.trim());
    expect(new X509Certificate(value.certificate).publicKey.export({ type: 'spki', format: 'der' })).toEqual(createPublicKey(value.privateKey).export({ type: 'spki', format: 'der' }));
  }, 60_000);
});
