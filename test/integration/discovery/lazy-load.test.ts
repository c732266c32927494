import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';

describe('discovery code in the CLI bundle', () => {
  it('imports the ACM, Organizations and STS SDKs only when discovery first uses them', async () => {
    // Act: the CLI bundle as scripts/build.mjs makes it (one file; SDK packages stay external)
    const out = await build({ entryPoints: ['src/cli/bin.ts'], bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', write: false, logLevel: 'silent' });
    const code = out.outputFiles[0]?.text ?? '';
    // Assess
    for (const name of ['@aws-sdk/client-acm', '@aws-sdk/client-organizations', '@aws-sdk/client-sts']) {
      expect(code).not.toMatch(new RegExp(`from ["']${name}["']`));
      expect(code).toContain(`import("${name}")`);
    }
  });
});
