import { describe, expect, it } from 'vitest';
import { nodeBundle } from '../../support/node-bundle.js';

describe('discovery code in the CLI bundle', () => {
  it('imports the ACM, Organizations and STS SDKs only when discovery first uses them', async () => {
    // Act: the CLI bundle as scripts/build.mjs makes it (one file; SDK packages stay external)
    const { code } = await nodeBundle('src/cli/bin.ts');
    // Assess
    for (const name of ['@aws-sdk/client-acm', '@aws-sdk/client-organizations', '@aws-sdk/client-sts']) {
      expect(code).not.toMatch(new RegExp(`from ["']${name}["']`));
      expect(code).toContain(`import("${name}")`);
    }
  });
});
