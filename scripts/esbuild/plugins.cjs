/* global module */
// The esbuild plugins of the Lambda bundles, for serverless-esbuild:
//   custom.esbuild.plugins: ./scripts/esbuild/plugins.cjs
//
// envCredentials: the AWS SDK clients of a Lambda bundle take their credentials from the
// environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN: what Lambda sets for
// the function's role) instead of the default provider chain, whose SSO, INI, process, web
// identity, container and instance providers (and the STS/SSO clients they carry) a function
// never uses. bench/cold-import.bench.ts measures it beside the stock floor. Lambda bundles only:
// the CLI keeps the full chain.
'use strict';

const ENV_ONLY = "import { fromEnv } from '@aws-sdk/credential-provider-env'; export const defaultProvider = () => fromEnv();";

/** @type {import('esbuild').Plugin} */
const envCredentials = {
  name: 'certflow-env-credentials',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, (args) => ({ path: args.resolveDir, namespace: 'certflow-env-credentials' }));
    // Resolved from the importing package, so the SDK's own copy of credential-provider-env is bundled.
    build.onLoad({ filter: /.*/, namespace: 'certflow-env-credentials' }, (args) => ({ contents: ENV_ONLY, resolveDir: args.path, loader: 'js' }));
  },
};

module.exports = [envCredentials];
module.exports.envCredentials = envCredentials;
