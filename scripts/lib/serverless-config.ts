import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';
import { parseDocument } from 'yaml';
import { REPO_ROOT } from './schema-files.js';

/** What the bench and the import tests read of serverless.yml. */
export interface ServerlessConfig {
  provider?: { environment?: Record<string, unknown> };
  custom?: { esbuild?: Record<string, unknown> };
  functions?: Record<string, { handler?: string; environment?: Record<string, unknown> }>;
}

const CFN_TAGS = ['GetAtt', 'Sub', 'Ref', 'Equals', 'If', 'Join', 'Select', 'Split', 'ImportValue', 'FindInMap', 'GetAZs', 'Base64', 'Not', 'And', 'Or', 'Condition', 'Cidr'];

/** serverless.yml as plain data; CloudFormation tags (!GetAtt, !Sub …) are read as their text. */
export function readServerless(): ServerlessConfig {
  const doc = parseDocument(readFileSync(join(REPO_ROOT, 'serverless.yml'), 'utf8'), {
    customTags: CFN_TAGS.flatMap((name) => [
      { tag: `!${name}`, resolve: (value: string) => value },
      { tag: `!${name}`, collection: 'seq' as const, resolve: (value: unknown) => value },
      { tag: `!${name}`, collection: 'map' as const, resolve: (value: unknown) => value },
    ]),
  });
  return doc.toJS({ maxAliasCount: -1 }) as ServerlessConfig;
}

/** The Lambda handlers: serverless.yml's `functions:`, then any `functions/*.ts` it does not list yet. */
export function handlerEntries(serverless: ServerlessConfig = readServerless()): { name: string; entry: string }[] {
  const fromYaml = Object.values(serverless.functions ?? {})
    .map((f) => f.handler?.replace(/\.[^./]+$/, ''))
    .filter((h): h is string => h !== undefined)
    .map((h) => join(REPO_ROOT, `${h}.ts`));
  const fromFolder = readdirSync(join(REPO_ROOT, 'functions'))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(REPO_ROOT, 'functions', f));
  return [...new Set([...fromYaml, ...fromFolder])].map((entry) => ({ name: basename(entry, '.ts'), entry }));
}

/** Every variable serverless.yml sets for functions, with a dummy value, and a region. */
export function dummyEnvironment(serverless: ServerlessConfig = readServerless()): Record<string, string> {
  const names = new Set([
    ...Object.keys(serverless.provider?.environment ?? {}),
    ...Object.values(serverless.functions ?? {}).flatMap((f) => Object.keys(f.environment ?? {})),
  ]);
  return {
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
    ...Object.fromEntries([...names].map((n) => [n, `bench-${n.toLowerCase().replace(/_/g, '-')}`])),
  };
}

/** True when a handler builds the configured runtime at cold start (reads its configuration from SSM or S3). */
export function loadsConfiguration(entry: string): boolean {
  // The Slack handlers read the configuration without the whole runtime (loadAwsConfig).
  return /\b(configuredRuntime|loadAwsConfig)\(/.test(readFileSync(entry, 'utf8'));
}

/** serverless-esbuild's own settings in `custom.esbuild`; every other key is an esbuild option. */
const PLUGIN_ONLY = new Set(['exclude', 'packager', 'packagerOptions', 'outputFileExtension', 'installExtraArgs', 'keepOutputDirectory', 'nativeZip', 'watch', 'concurrency', 'zipConcurrency', 'disposeContext', 'skipBuild', 'skipRebuild', 'skipBuildExcludeFns', 'stripEntryResolveExtensions', 'config', 'outputWorkFolder', 'outputBuildFolder', 'plugins']);

/** The esbuild options of `custom.esbuild`, as serverless-esbuild passes them for each function (its `plugins` file loaded). */
export function lambdaEsbuildOptions(serverless: ServerlessConfig = readServerless()): BuildOptions {
  const c = serverless.custom?.esbuild ?? {};
  const passed = Object.fromEntries(Object.entries(c).filter(([k]) => !PLUGIN_ONLY.has(k)));
  const plugins = typeof c.plugins === 'string' ? (createRequire(import.meta.url)(join(REPO_ROOT, c.plugins)) as Plugin[]) : ((c.plugins as Plugin[] | undefined) ?? []);
  return { ...passed, external: (c.exclude as string[] | undefined) ?? [], plugins, metafile: true, logLevel: 'error', absWorkingDir: REPO_ROOT };
}
