import { Type } from '@sinclair/typebox';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registries, withKinds, type AdapterRegistries } from '../../../src/adapters/registries.js';
import type { AdapterDescriptor, Registry } from '../../../src/adapters/registry/descriptor.js';
import { loadLocalConfig, openLocalRuntime } from '../../../src/composition/local-runtime.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { ErrorCodes } from '../../../src/domain/errors/index.js';
import type { CertificateIssuer } from '../../../src/ports/issuer.port.js';
import type { Notifier, Notification } from '../../../src/ports/notifier.port.js';
import { thrown } from '../../support/thrown.js';

const BASE = `
issuers:
  - { name: local, kind: local-ca }
`;

/** A kind no shipped registry has: the registry of a family is all a composition root needs to build it. */
const heard: Notification[] = [];
const memoryNotifierOptions = Type.Object({ prefix: Type.String({ minLength: 1 }) }, { additionalProperties: false });
const memoryNotifier = {
  kind: 'memory',
  summary: 'keeps notifications in the test',
  runtimes: ['local'],
  optionsSchema: memoryNotifierOptions,
  create(_deps, { options }) {
    return Promise.resolve({
      notify: (n: Notification) => Promise.resolve(void heard.push({ ...n, title: `${options.prefix}${n.title}` })),
    });
  },
} as const satisfies AdapterDescriptor<Notifier, typeof memoryNotifierOptions>;

const extended: AdapterRegistries = withKinds(registries, { notifiers: { [memoryNotifier.kind]: memoryNotifier } satisfies Registry<Notifier> });

describe('adapter registries', () => {
  it('builds a kind registered by a test, with its options checked and defaulted by its own schema', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'certflow-registry-'));
    writeFileSync(join(dir, 'certflow.yaml'), `${BASE}\nnotifiers:\n  - { name: mine, kind: memory, options: { prefix: 'test: ' } }\n`);
    const config = loadLocalConfig(join(dir, 'certflow.yaml'), extended);
    const rt = await openLocalRuntime(config, { now: () => new Date() }, { registries: extended });
    // Act
    await rt.deps.notifier?.notify({ severity: 'info', title: 'hello', text: 'x' });
    await rt.close();
    // Assess
    expect(heard.map((n) => n.title)).toContain('test: hello');
    expect(rt.notifications.map((n) => n.title)).toEqual(['hello']);
  });

  it('refuses a kind no registry knows, naming the family and the kinds it has', () => {
    // Act
    const error = thrown(() => parseConfig(`${BASE}\nnotifiers:\n  - { name: mine, kind: memory, options: { prefix: x } }\n`, '/tmp/c.yaml', { kinds: registries }));
    // Assess
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.details).toEqual(["/notifiers/0/kind: unknown notifier kind 'memory' (known: log, slack)"]);
  });

  it('checks every family in one pass and reports each problem with its path', () => {
    // Act
    const error = thrown(() =>
      parseConfig(
        `${BASE}
keyStore: { kind: vault }
sources:
  - { name: legacy, kind: pem-folder }
notifiers:
  - { name: mine, kind: memory, options: { prefix: '', extra: 1 } }
accounts:
  - { name: prod, kind: static, options: { accounts: [{ accountId: '12', regions: [eu-west-1] }] } }
`,
        '/tmp/c.yaml',
        { kinds: extended },
      ),
    );
    // Assess
    expect(error.details).toEqual([
      "/keyStore/kind: unknown key store kind 'vault' (known: sqlite, secrets-manager)",
      "/sources/0: must have required property 'path'",
      '/accounts/0/options/accounts/0/accountId: must match pattern "^\\d{12}$"',
      "/notifiers/0/options: unknown property 'extra'",
      '/notifiers/0/options/prefix: must NOT have fewer than 1 characters',
    ]);
  });

  it('refuses in the AWS runtime a kind that runs only locally, before anything is built', () => {
    // Act
    const error = thrown(() => parseConfig(BASE, '/tmp/c.yaml', { kinds: registries, runtime: 'aws' }));
    // Assess
    expect(error.details).toEqual([
      "/keyStore/kind: key store kind 'sqlite' cannot run in the aws runtime (only: local)",
      "/issuers/0/kind: issuer kind 'local-ca' cannot run in the aws runtime (only: local)",
    ]);
  });

  it('imports no implementation of a kind until it is built', () => {
    // Assess: descriptors reach their implementation only through import() inside create.
    for (const family of Object.values(registries) as Registry<unknown>[]) {
      for (const descriptor of Object.values(family)) {
        expect(typeof descriptor.create).toBe('function');
      }
    }
    const source = readFileSync(new URL('../../../src/adapters/local/local-ca/index.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^import .*local-ca\.issuer/m);
    expect(source).toMatch(/await import\('\.\/local-ca\.issuer\.js'\)/);
  });

  it('keeps the issuer registry typed to the issuer port', () => {
    // Assess: `satisfies` in the registry file is the check; this names it so a cast there shows up here.
    const issuers: Registry<CertificateIssuer> = registries.issuers;
    expect(Object.keys(issuers)).toEqual(['local-ca', 'acme', 'aws-private-ca']);
  });
});
