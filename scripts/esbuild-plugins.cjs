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

module.exports = [localOnly];
