import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADAPTER_FAMILIES } from '../../../src/adapters/registries.js';
import { handlerEntries, lambdaEsbuildOptions } from '../../../scripts/lib/serverless-config.js';
import { REPO_ROOT } from '../../../scripts/lib/schema-files.js';

/*
 * What each Lambda bundle holds, read from esbuild's metafile of a build with serverless.yml's own
 * `custom.esbuild` options (and plugins): serverless-esbuild does not split code, so every `import()`
 * a bundle can reach is inside it. A function carries the implementations (and SDK clients) of the
 * adapter families it builds (functions/lib/families.json), and no other.
 */

const declared = JSON.parse(readFileSync(join(REPO_ROOT, 'functions/lib/families.json'), 'utf8')) as Record<string, string[]>;

/** What one function's bundle holds: each input with the bytes it kept. */
const inputs = new Map<string, Map<string, number>>();

beforeAll(async () => {
  const options = lambdaEsbuildOptions();
  for (const fn of handlerEntries()) {
    const result = await build({ ...options, entryPoints: [fn.entry], outfile: join(REPO_ROOT, '.esbuild', `${fn.name}.mjs`), write: false, metafile: true });
    inputs.set(fn.name, held(result.metafile));
  }
}, 120_000);

function held(metafile: Metafile): Map<string, number> {
  return new Map(Object.values(metafile.outputs).flatMap((o) => Object.entries(o.inputs).map(([path, i]) => [path, i.bytesInOutput] as const)));
}

/**
 * An implementation's module stays in every bundle as a trace when its descriptor's index.ts
 * re-exports it: its calls that initialise what it imports (`init_errors();`), a few dozen bytes.
 * The implementation itself is kilobytes.
 */
const TRACE_BYTES = 100;
const holds = (fn: string, pattern: RegExp, over = 0) => [...(inputs.get(fn) ?? [])].some(([path, bytes]) => bytes > over && pattern.test(path));

/** Heavy packages, each with the functions whose code path needs it. */
const PACKAGES: Record<string, { pattern: RegExp; in: readonly string[] }> = {
  // The ACME issuer: planning asks renewal information, the worker orders.
  'acme-client': { pattern: /node_modules\/acme-client\//, in: ['plan', 'work-requests'] },
  'node-forge': { pattern: /node_modules\/node-forge\//, in: ['plan', 'work-requests'] },
  axios: { pattern: /node_modules\/axios\//, in: ['plan', 'work-requests'] },
  // ACM: the source (plan) and the destination (work-requests).
  'client-acm': { pattern: /node_modules\/@aws-sdk\/client-acm\//, in: ['plan', 'work-requests'] },
  'client-acm-pca': { pattern: /node_modules\/@aws-sdk\/client-acm-pca\//, in: ['plan', 'work-requests'] },
  'client-organizations': { pattern: /node_modules\/@aws-sdk\/client-organizations\//, in: ['plan'] },
  'client-route-53': { pattern: /node_modules\/@aws-sdk\/client-route-53\//, in: ['work-requests'] },
  'client-secrets-manager': { pattern: /node_modules\/@aws-sdk\/client-secrets-manager\//, in: ['work-requests'] },
};

/** Each implementation a descriptor imports lazily, by family; local-only kinds are in no bundle (the aws runtime refuses them). */
const IMPLEMENTATIONS: Record<string, { family: string; localOnly?: true }> = {
  'src/adapters/aws/secrets-manager/secrets-manager.key-store.ts': { family: 'keyStores' },
  'src/adapters/local/sqlite.key-store.ts': { family: 'keyStores', localOnly: true },
  'src/adapters/aws/route53/route53.dns-provider.ts': { family: 'dnsProviders' },
  'src/adapters/dns/challtestsrv/challtestsrv.dns-provider.ts': { family: 'dnsProviders', localOnly: true },
  'src/adapters/acme/acme.issuer.ts': { family: 'issuers' },
  'src/adapters/aws/private-ca/private-ca.issuer.ts': { family: 'issuers' },
  'src/adapters/local/local-ca/local-ca.issuer.ts': { family: 'issuers', localOnly: true },
  'src/adapters/aws/acm-source/acm.source.ts': { family: 'sources' },
  'src/adapters/tls-endpoint/tls-endpoint.source.ts': { family: 'sources' },
  'src/adapters/local/pem-folder.source.ts': { family: 'sources', localOnly: true },
  'src/adapters/aws/organizations-accounts/organizations.account-source.ts': { family: 'accountSources' },
  'src/adapters/slack/slack.notifier.ts': { family: 'notifiers' },
  'src/adapters/aws/acm-destination/acm.destination.ts': { family: 'destinations' },
  'src/adapters/local/directory-destination/directory.destination.ts': { family: 'destinations', localOnly: true },
  'src/adapters/local/roles-anywhere-destination/roles-anywhere.destination.ts': { family: 'destinations', localOnly: true },
};

describe('Lambda bundles', () => {
  it('declare the adapter families of every function, and nothing else', () => {
    // Assess
    expect(Object.keys(declared).sort()).toEqual(handlerEntries().map((f) => f.name).sort());
    for (const families of Object.values(declared)) expect(families.filter((f) => !(ADAPTER_FAMILIES as readonly string[]).includes(f))).toEqual([]);
  });

  it('hold the implementation of each adapter kind only in the functions that build its family', () => {
    // Act
    const found = Object.fromEntries([...inputs.keys()].map((fn) => [fn, Object.keys(IMPLEMENTATIONS).filter((file) => holds(fn, new RegExp(`^${file.replace(/\./g, '\\.')}$`), TRACE_BYTES))]));
    // Assess
    const expected = Object.fromEntries(
      [...inputs.keys()].map((fn) => [fn, Object.entries(IMPLEMENTATIONS).filter(([, i]) => !i.localOnly && declared[fn]!.includes(i.family)).map(([file]) => file)]),
    );
    expect(found).toEqual(expected);
  });

  it('hold the heavy packages (acme-client, node-forge, SDK clients of adapters) only where their code path needs them', () => {
    // Act
    const found = Object.fromEntries(Object.entries(PACKAGES).map(([name, p]) => [name, [...inputs.keys()].filter((fn) => holds(fn, p.pattern)).sort()]));
    // Assess
    expect(found).toEqual(Object.fromEntries(Object.entries(PACKAGES).map(([name, p]) => [name, [...p.in].sort()])));
  });

  it('leave request-intake with what reading the configuration and filing a request need', () => {
    // Act
    const clients = [...new Set([...(inputs.get('request-intake') ?? [])].flatMap(([path, bytes]) => (bytes > 0 ? (/node_modules\/@aws-sdk\/(client-[a-z0-9-]+)\//.exec(path)?.[1] ?? []) : [])))].sort();
    // Assess: SSM or S3 (the configuration), DynamoDB (the table), EventBridge and SQS (the runtime's bus and queue)
    expect(clients).toEqual(['client-dynamodb', 'client-eventbridge', 'client-s3', 'client-sqs', 'client-ssm']);
  });
});
