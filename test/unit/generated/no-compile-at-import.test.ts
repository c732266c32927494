import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { REPO_ROOT } from '../../../scripts/lib/schema-files.js';

/*
 * Issue 7 item 9: nothing imported by a Lambda handler or by the CLI's startup path compiles a
 * schema; handlers carry neither ajv's compiler nor TypeBox (validators are precompiled).
 */

const FUNCTIONS = readdirSync(join(REPO_ROOT, 'functions')).filter((f) => f.endsWith('.ts'));
// ajv's compiler and TypeBox, as paths inside a bundle's metafile. ajv/dist/runtime helpers are fine.
const FORBIDDEN = [/node_modules\/ajv\/dist\/(?!runtime\/)/, /node_modules\/@sinclair\/typebox\//, /node_modules\/fast-uri\//];

describe('at import', () => {
  // The core class, which Ajv2020 extends, owns compile().
  const compile = vi.spyOn(Object.getPrototypeOf(Ajv2020.prototype) as { compile: (schema: unknown) => unknown }, 'compile');
  afterAll(() => compile.mockRestore());

  it('the CLI entry (main) and every handler compile no schema', async () => {
    // Prepare: what serverless.yml sets; handlers read it at module scope (no AWS call is made)
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('CERTFLOW_STAGE', 'test');
    vi.stubEnv('CERTFLOW_STATE_TABLE', 'certflow-test-state');
    vi.stubEnv('CERTFLOW_EVENT_BUS', 'certflow-test');
    // Act
    await import('../../../src/cli/main.js');
    for (const f of FUNCTIONS) await import(join(REPO_ROOT, 'functions', f));
    // Assess
    expect(compile).not.toHaveBeenCalled();
    vi.unstubAllEnvs();
  });
});

describe('Lambda bundles', () => {
  it.each(FUNCTIONS.map((f) => [f]))('%s carries neither ajv’s compiler nor TypeBox', async (file) => {
    // Prepare
    const result = await build({
      entryPoints: [join(REPO_ROOT, 'functions', file)],
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      mainFields: ['module', 'main'],
      write: false,
      metafile: true,
      outfile: 'out.mjs',
      logLevel: 'silent',
    });
    // Act
    const inputs = Object.values(result.metafile.outputs).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([p]) => p));
    // Assess
    expect(inputs.filter((p) => FORBIDDEN.some((re) => re.test(p)))).toEqual([]);
    expect(inputs.some((p) => p.includes('src/generated/validators/'))).toBe(true);
  });
});
