// esbuild plugins for the Lambda bundles (serverless.yml custom.esbuild.plugins).
/* global module, require, __dirname */
'use strict';

const { readdirSync, readFileSync } = require('node:fs');
const { basename, dirname, join, relative, resolve } = require('node:path');

const REPO = join(__dirname, '..');
const ADAPTERS = join(REPO, 'src/adapters');

/**
 * The local default's native store (better-sqlite3) has no place in Lambda: the registries refuse
 * its kinds in the aws runtime before anything is built. Its import is replaced by a module that
 * fails loudly if it is ever reached, so no bundle carries it (or a native .node file it cannot load).
 */
const localOnly = {
  name: 'certflow-local-only',
  setup(build) {
    build.onResolve({ filter: /^better-sqlite3$/ }, (args) => ({ path: args.path, namespace: 'certflow-local-only' }));
    build.onLoad({ filter: /.*/, namespace: 'certflow-local-only' }, () => ({
      contents:
        "export default function LocalOnly() { throw new Error('better-sqlite3 is the local default\\'s store and is not in Lambda bundles'); }",
      loader: 'js',
    }));
  },
};

/**
 * The SDK clients take their credentials from the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN: what Lambda sets for the
 * function's role) instead of the default provider chain, whose SSO, INI, process, web identity,
 * container and instance providers (and the STS/SSO clients they carry) a function never uses.
 * bench/cold-import.bench.ts measures it beside the stock floor: the bundles drop to about 0.8 of
 * the stock floor's bytes. Cross-account calls (discovery, a central DNS account) still work: they
 * assume roles with STS, whose own client starts from these same environment credentials.
 */
const ENV_ONLY = "import { fromEnv } from '@aws-sdk/credential-provider-env'; export const defaultProvider = () => fromEnv();";
const envCredentials = {
  name: 'certflow-env-credentials',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, (args) => ({ path: args.resolveDir, namespace: 'certflow-env-credentials' }));
    // Resolved from the importing package, so the SDK's own copy of credential-provider-env is bundled.
    build.onLoad({ filter: /.*/, namespace: 'certflow-env-credentials' }, (args) => ({ contents: ENV_ONLY, resolveDir: args.path, loader: 'js' }));
  },
};

/**
 * The descriptor files, read from the registries: `src/adapters/key-stores.registry.ts` names the
 * family `keyStores`, and each relative import there is a descriptor of it, whose `create` imports
 * its implementation (and the SDK client it needs) with `import()`. `localOnly`: its `runtimes` are
 * `['local']`, a kind the aws runtime refuses at configuration time, so no Lambda creates it.
 */
function descriptors() {
  const found = new Map();
  for (const file of readdirSync(ADAPTERS).filter((f) => f.endsWith('.registry.ts'))) {
    const family = basename(file, '.registry.ts').replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
    for (const [, spec] of readFileSync(join(ADAPTERS, file), 'utf8').matchAll(/^import\s+\{[^}]*\}\s+from\s+'(\.[^']+)\.js';/gm)) {
      const path = resolve(ADAPTERS, `${spec}.ts`);
      const localOnly = /^\s*runtimes:\s*\[\s*'local'\s*\],?$/m.test(readFileSync(path, 'utf8'));
      found.set(path, { families: [...(found.get(path)?.families ?? []), family], localOnly });
    }
  }
  return found;
}

/** The function a build is for: its handler file under functions/, if it is the only entry point. */
function functionOf(options) {
  const entries = Array.isArray(options.entryPoints) ? options.entryPoints : Object.values(options.entryPoints ?? {});
  if (entries.length !== 1) return undefined;
  const entry = resolve(options.absWorkingDir ?? process.cwd(), typeof entries[0] === 'string' ? entries[0] : entries[0].in);
  return dirname(entry) === join(REPO, 'functions') ? basename(entry).replace(/\.[cm]?[jt]s$/, '') : undefined;
}

/**
 * Without code splitting (serverless-esbuild bundles one file per function), esbuild inlines every
 * `import()`: each descriptor's implementation and SDK client would land in every function that
 * imports the registries. For the function being built, the dynamic imports made by descriptors of
 * the families it does not build (functions/lib/families.json; the handler gives those families
 * stand-ins, src/composition/unbuilt-adapters.ts), and by local-only descriptors, resolve to a
 * module that throws if ever reached.
 * Descriptors themselves (kind, options schema, certificate checks) stay: configuration is still
 * validated for every family. A build of anything else (the CLI, the bench's floors) is left alone.
 */
const adapterFamilies = {
  name: 'certflow-adapter-families',
  setup(build) {
    const fn = functionOf(build.initialOptions);
    if (fn === undefined) return;
    const declared = JSON.parse(readFileSync(join(REPO, 'functions/lib/families.json'), 'utf8'));
    if (!Object.hasOwn(declared, fn)) throw new Error(`functions/lib/families.json does not say which adapter families ${fn} builds`);
    const builds = new Set(declared[fn]);
    const left = new Map();
    for (const [path, d] of descriptors()) {
      if (d.localOnly) left.set(path, `a local-only ${d.families.join('/')} kind`);
      else if (!d.families.some((f) => builds.has(f))) left.set(path, `${d.families.join('/')}, a family ${fn} does not build (functions/lib/families.json)`);
    }
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== 'dynamic-import' || !left.has(args.importer)) return undefined;
      // One module per importer and specifier, each saying which descriptor's import it replaces.
      const path = `${relative(REPO, args.importer)}:${args.path}`;
      return { path, namespace: 'certflow-left-out', pluginData: `${path} is not in the ${fn} bundle: ${left.get(args.importer)}` };
    });
    build.onLoad({ filter: /.*/, namespace: 'certflow-left-out' }, (args) => ({ contents: `throw new Error(${JSON.stringify(args.pluginData)});`, loader: 'js' }));
  },
};

module.exports = [localOnly, envCredentials, adapterFamilies];
module.exports.envCredentials = envCredentials;
