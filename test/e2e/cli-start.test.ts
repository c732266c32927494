import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every module `file` imports statically, transitively (bundle chunks and packages). */
function staticImports(file: string, seen = new Set<string>()): Set<string> {
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s*"([^"]+)"|^import\s*"([^"]+)"/gm)) {
    const target = spec ?? '';
    if (!target) continue;
    if (target.startsWith('.')) {
      const path = join(dirname(file), target);
      if (!seen.has(path)) {
        seen.add(path);
        staticImports(path, seen);
      }
    } else seen.add(target);
  }
  return seen;
}

describe('the built CLI', () => {
  it('loads no command code, SQLite, ajv or crypto for --version and --help (commands are imported when they run)', () => {
    // Prepare
    execFileSync('node', ['scripts/build.mjs'], { stdio: 'pipe' });
    // Act
    const loaded = [...staticImports(join('dist', 'certflow.mjs'))];
    const version = execFileSync('node', ['bin/certflow.mjs', '--version'], { encoding: 'utf8' });
    // Assess
    expect(loaded.filter((m) => !m.startsWith('node:') && !m.startsWith('dist'))).toEqual([]);
    expect(loaded.filter((m) => m.startsWith('node:')).sort()).toEqual(['node:fs', 'node:path', 'node:url', 'node:util']);
    expect(version).toMatch(/^certflow \d+\.\d+\.\d+\n$/);
  }, 60_000);
});
