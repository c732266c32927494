import { describe, expect, it } from 'vitest';
import { nodeBundle } from '../../support/node-bundle.js';

describe('ACME and Route 53 code in bundles', () => {
  it('leaves acme-client and the Route 53 and STS SDKs out of the CLI bundle\'s start-up: imported only when first used', async () => {
    // Act: the CLI bundle as scripts/build.mjs makes it.
    const { code } = await nodeBundle('src/cli/bin.ts');

    // Assess
    for (const name of ['acme-client', '@aws-sdk/client-route-53', '@aws-sdk/client-sts']) {
      expect(code).not.toMatch(new RegExp(`from ["']${name}["']`));
      expect(code).toContain(`import("${name}")`);
    }
  });
});
