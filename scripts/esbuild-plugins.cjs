// esbuild plugins for the Lambda bundles (serverless.yml custom.esbuild.plugins).
/* global module */
'use strict';

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

module.exports = [localOnly, envCredentials];
module.exports.envCredentials = envCredentials;
