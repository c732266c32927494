import { build } from 'esbuild';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { dummyEnvironment, handlerEntries, loadsConfiguration } from '../../../scripts/lib/serverless-config.js';

/*
 * Issue 7 item 9: nothing imported by a Lambda handler or by the CLI's startup path compiles a
 * schema, and the handlers' bundles carry neither ajv's compiler nor TypeBox (validators are
 * precompiled in src/generated/validators/).
 *
 * Handlers that build the configured runtime (planner, worker, request intake) are left out: they
 * read and validate the configuration at cold start (top-level await), where adapter option
 * schemas are compiled by src/config/adapter-settings.ts; those are the next to precompile.
 */

const HANDLERS = handlerEntries();
const PLAIN = HANDLERS.filter((h) => !loadsConfiguration(h.entry));
// ajv's compiler and TypeBox, as paths inside a bundle's metafile. ajv/dist/runtime helpers are fine.
const FORBIDDEN = [/node_modules\/ajv\/dist\/(?!runtime\/)/, /node_modules\/@sinclair\/typebox\//, /node_modules\/fast-uri\//];

describe('at import', () => {
  // The core class, which Ajv2020 extends, owns compile().
  const compile = vi.spyOn(Object.getPrototypeOf(Ajv2020.prototype) as { compile: (schema: unknown) => unknown }, 'compile');
  afterAll(() => compile.mockRestore());

  it('the CLI entry (main) and every handler that reads no configuration compile no schema', async () => {
    // Prepare: what serverless.yml sets, as dummies; handlers read it at module scope (no AWS call is made)
    for (const [name, value] of Object.entries(dummyEnvironment())) vi.stubEnv(name, value);
    // Act
    await import('../../../src/cli/main.js');
    for (const h of PLAIN) await import(h.entry);
    // Assess
    expect(PLAIN.map((h) => h.name)).toEqual(expect.arrayContaining(['publish-events', 'ingest-acm-events']));
    expect(compile).not.toHaveBeenCalled();
    vi.unstubAllEnvs();
  });
});

describe('Lambda bundles', () => {
  it.each(PLAIN.map((h) => [h.name, h.entry]))('%s carries neither ajv’s compiler nor TypeBox', async (_name, entry) => {
    // Prepare
    const result = await build({
      entryPoints: [entry],
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
  });
});
