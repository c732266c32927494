import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nodeBundle } from '../../support/node-bundle.js';

describe('the certflow/roles-anywhere entry', () => {
  it('is exported by package.json as the file scripts/build.mjs writes', () => {
    // Act
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, { import: string; types: string }> };
    const script = readFileSync('scripts/build.mjs', 'utf8');

    // Assess
    expect(pkg.exports['./roles-anywhere']).toEqual({ types: './src/roles-anywhere/index.ts', import: './dist/roles-anywhere.mjs' });
    expect(script).toContain("entryPoints: { 'roles-anywhere': 'src/roles-anywhere/index.ts' }");
  });

  it('bundles Node built-ins only: no SDK, SQLite, CLI or adapter code, and runs on its own', async () => {
    // Act: the entry as scripts/build.mjs bundles it.
    const { code, metafile } = await nodeBundle('src/roles-anywhere/index.ts');
    const inputs = Object.keys(metafile.inputs);
    const dir = mkdtempSync(join(tmpdir(), 'certflow-ra-entry-'));
    let exported: string[];
    try {
      writeFileSync(join(dir, 'roles-anywhere.mjs'), code);
      exported = Object.keys((await import(pathToFileURL(join(dir, 'roles-anywhere.mjs')).href)) as object);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // Assess
    const imported = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imported.length).toBeGreaterThan(0);
    for (const specifier of imported) expect(specifier).toMatch(/^node:/);
    expect(code).not.toMatch(/import\("/);
    for (const input of inputs) expect(input).toMatch(/^src\/(roles-anywhere|domain\/errors|ports|crypto\/pem\.ts)/);
    expect(exported).toContain('fromRolesAnywhere');
  });
});
