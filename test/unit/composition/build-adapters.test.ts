import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { ADAPTER_FAMILIES, registries, withKinds, type AdapterFamily, type AdapterRegistries } from '../../../src/adapters/registries.js';
import type { AdapterDescriptor } from '../../../src/adapters/registry/descriptor.js';
import { buildAdapters } from '../../../src/composition/build-adapters.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { ErrorCodes, isCertflowError } from '../../../src/domain/errors/index.js';
import type { CertificateSource } from '../../../src/ports/certificate-source.port.js';
import type { KeyStore } from '../../../src/ports/key-store.port.js';
import type { Notifier } from '../../../src/ports/notifier.port.js';
import type { CertificateIssuer } from '../../../src/ports/issuer.port.js';
import { factoryDeps } from '../../support/factory-deps.js';

/** Test kinds of four families that record what was created. */
const created: string[] = [];
const none = Type.Object({}, { additionalProperties: false });
function kind<T>(family: string, value: T): AdapterDescriptor<T, typeof none> {
  return {
    kind: `test-${family}`,
    summary: `test only: a ${family}`,
    runtimes: ['aws'],
    optionsSchema: none,
    create: (_deps, { name }) => {
      created.push(`${family}:${name}`);
      return Promise.resolve(value);
    },
  };
}
const memoryKeys: KeyStore = {
  putVersion: () => Promise.reject(new Error('unused')),
  getVersion: () => Promise.resolve(undefined),
  moveLabel: () => Promise.resolve(),
  removeLabel: () => Promise.resolve(),
  listVersions: () => Promise.resolve([]),
};
const heard: string[] = [];
const testRegistries: AdapterRegistries = withKinds(registries, {
  keyStores: { 'test-keyStore': kind<KeyStore>('keyStore', memoryKeys) },
  issuers: { 'test-issuer': kind<CertificateIssuer>('issuer', { kind: 'test', name: 'ca', needsPrivateKey: false, submit: () => Promise.reject(new Error('unused')), resume: () => Promise.reject(new Error('unused')), revoke: () => Promise.resolve(), trustAnchorsPem: () => Promise.resolve('') }) },
  sources: { 'test-source': kind<CertificateSource>('source', { name: 'seen', listScopes: () => Promise.resolve([]), scan: () => Promise.reject(new Error('unused')) }) },
  notifiers: { 'test-notifier': kind<Notifier>('notifier', { notify: (n) => Promise.resolve(void heard.push(n.title)) }) },
});
const config = parseConfig(
  JSON.stringify({
    keyStore: { kind: 'test-keyStore' },
    issuers: [{ name: 'ca', kind: 'test-issuer' }],
    sources: [{ name: 'seen', kind: 'test-source' }],
    notifiers: [{ name: 'tell', kind: 'test-notifier' }],
    certificates: [],
  }),
  '/tmp/certflow.json',
  { kinds: testRegistries, runtime: 'aws' },
);
const base = () => factoryDeps('/tmp/certflow', { now: () => new Date() }, { runtime: 'aws' });

async function refusal(use: () => unknown): Promise<{ code?: string; context?: unknown }> {
  try {
    await use();
  } catch (error) {
    if (isCertflowError(error)) return { code: error.code, context: error.context };
    throw error;
  }
  throw new Error('the stand-in did not refuse');
}

describe('buildAdapters with the families a function builds', () => {
  it('builds every family by default', async () => {
    // Prepare
    created.length = 0;
    // Act
    const built = await buildAdapters(config, testRegistries, base());
    // Assess
    expect(created.sort()).toEqual(['issuer:ca', 'keyStore:keys', 'notifier:tell', 'source:seen']);
    expect(built.issuers.get('ca').name).toBe('ca');
  });

  it('builds only the families named; every other configured adapter is a stand-in that refuses with ADAPTER.FAMILY_NOT_BUILT', async () => {
    // Prepare
    created.length = 0;
    // Act
    const built = await buildAdapters(config, testRegistries, base(), new Set<AdapterFamily>(['notifiers']));
    await built.notifiers[0]!.notify({ severity: 'info', title: 'hello', text: '' });
    const refusals = await Promise.all([
      refusal(() => built.keys.getVersion('api', { label: 'CURRENT' })),
      refusal(() => built.keys.putVersion('api', 'v1', { privateKeyPem: 'k' }, ['RESERVED'])),
      refusal(() => built.issuers.get('ca')),
      refusal(() => built.sources[0]!.listScopes()),
      refusal(() => built.destinations.get('anywhere')),
    ]);
    // Assess: nothing else was created, and configuration still names what the stand-ins stand for
    expect(created).toEqual(['notifier:tell']);
    expect(heard).toContain('hello');
    expect(refusals.map((r) => r.code)).toEqual(Array(5).fill(ErrorCodes.ADAPTER_FAMILY_NOT_BUILT));
    expect(refusals.map((r) => r.context)).toEqual([
      { family: 'keyStores', name: 'keys' },
      { family: 'keyStores', name: 'keys' },
      { family: 'issuers', name: 'ca' },
      { family: 'sources', name: 'seen' },
      { family: 'destinations', name: 'anywhere' },
    ]);
    expect(built.issuers.names()).toEqual(['ca']);
    expect(built.sources.map((s) => s.name)).toEqual(['seen']);
  });

  it('gives a function that builds no family stand-ins for the notifiers too, never an empty list that does nothing', async () => {
    // Act
    const built = await buildAdapters(config, testRegistries, base(), new Set());
    const error = await refusal(() => built.notifiers[0]!.notify({ severity: 'info', title: 'lost', text: '' }));
    // Assess
    expect(error).toEqual({ code: ErrorCodes.ADAPTER_FAMILY_NOT_BUILT, context: { family: 'notifiers', name: 'tell' } });
    expect(heard).not.toContain('lost');
  });

  it('lists every family of the registries', () => {
    // Assess
    expect([...ADAPTER_FAMILIES].sort()).toEqual(Object.keys(registries).sort());
  });
});
