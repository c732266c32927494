import { build, type Metafile } from 'esbuild';

/** An entry bundled in memory the way scripts/build.mjs bundles for Node (packages left external). */
export async function nodeBundle(entry: string): Promise<{ code: string; metafile: Metafile }> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { code: out.outputFiles[0]?.text ?? '', metafile: out.metafile };
}
