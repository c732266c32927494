import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../../../scripts/lib/schema-files.js';

const { envCredentials } = createRequire(import.meta.url)(join(REPO_ROOT, 'scripts/esbuild-plugins.cjs')) as { envCredentials: Plugin };
const dir = mkdtempSync(join(tmpdir(), 'certflow-esbuild-plugins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scripts/esbuild-plugins.cjs envCredentials', () => {
  it('bundles an SDK client with credentials from the environment only, and they resolve', async () => {
    // Prepare
    const outfile = join(dir, 'client.mjs');
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'not-a-secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'session');
    // Act
    const result = await build({
      stdin: { contents: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; export const client = new DynamoDBClient({});", resolveDir: REPO_ROOT, loader: 'js' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      mainFields: ['module', 'main'],
      plugins: [envCredentials],
      outfile,
      metafile: true,
      logLevel: 'silent',
      banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
    });
    const { client } = (await import(pathToFileURL(outfile).href)) as { client: { config: { credentials: () => Promise<{ accessKeyId: string; sessionToken?: string }> } } };
    const credentials = await client.config.credentials();
    vi.unstubAllEnvs();
    // Assess
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((p) => /credential-provider-(node|ini|sso|process|web-identity)\//.test(p))).toEqual([]);
    expect({ accessKeyId: credentials.accessKeyId, sessionToken: credentials.sessionToken }).toEqual({ accessKeyId: 'AKIDEXAMPLE', sessionToken: 'session' });
  });
});
