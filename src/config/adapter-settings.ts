import type { TSchema } from '@sinclair/typebox';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { ownValue } from '../domain/own-value.js';
import { adapterOptionValidators } from '../generated/validators/adapter-options.js';
import { schemaFingerprint } from './schema-fingerprint.js';
import type { CertflowConfigFile } from './config.schema.js';
import type { CertificateUsage } from '../domain/certificate.js';
import { specValidity } from './certificate-checks.js';

/** What configuration needs to know of a kind: its options schema and where it can run. */
export interface KindInfo {
  readonly optionsSchema: TSchema;
  readonly runtimes: readonly string[];
  readonly summary?: string;
  /** Checks one certificate naming the adapter (see AdapterDescriptor.checkCertificate). */
  checkCertificate?(options: never, certificate: CertificateUseInfo): string[];
}

/** What a kind's certificate check receives (see CertificateUse in src/adapters/registry/descriptor.ts). */
export interface CertificateUseInfo {
  readonly id: string;
  readonly usage: CertificateUsage;
  readonly validityDays?: number;
  readonly validityHours?: number;
  readonly names: { readonly dns: readonly string[]; readonly ip: readonly string[]; readonly uri: readonly string[]; readonly email?: readonly string[] };
}

/** The kinds of every family, by the configuration key that names them (see src/adapters/registries.ts). */
export interface ConfigKinds {
  readonly keyStores: Readonly<Record<string, KindInfo>>;
  readonly dnsProviders: Readonly<Record<string, KindInfo>>;
  readonly issuers: Readonly<Record<string, KindInfo>>;
  readonly sources: Readonly<Record<string, KindInfo>>;
  readonly accountSources: Readonly<Record<string, KindInfo>>;
  readonly notifiers: Readonly<Record<string, KindInfo>>;
  readonly destinations: Readonly<Record<string, KindInfo>>;
}

export interface AdapterSettings {
  readonly name: string;
  readonly kind: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** The key store when configuration names none: the local default's SQLite file. */
export const DEFAULT_KEY_STORE: AdapterSettings = { name: 'keys', kind: 'sqlite', options: {} };

/** Compiles an options schema that has no precompiled validator; none outside tests. */
export type OptionsCompiler = (schema: TSchema) => ValidateFunction;
// Kept on globalThis under a registered symbol so a test's module reset (vi.resetModules) keeps it.
const COMPILER = Symbol.for('certflow.optionsCompiler');
const holder = globalThis as { [COMPILER]?: OptionsCompiler };

/**
 * Lets a test check options of kinds it registers itself. Code that ships never compiles a schema,
 * so neither the CLI nor a Lambda bundle loads ajv's compiler.
 */
export function useOptionsCompiler(compile: OptionsCompiler | undefined): void {
  if (compile) holder[COMPILER] = compile;
  else delete holder[COMPILER];
}

const found = new WeakMap<TSchema, ValidateFunction>();
/**
 * The validator of an options schema: precompiled for every kind of the registries
 * (src/generated/validators/adapter-options.ts, by fingerprint), so loading a configuration
 * compiles nothing; else the compiler a test gave; else undefined (the kind is reported).
 */
function validatorOf(schema: TSchema): ValidateFunction | undefined {
  let v = found.get(schema);
  if (!v) {
    v = ownValue(adapterOptionValidators, schemaFingerprint(schema)) ?? holder[COMPILER]?.(schema);
    if (v) found.set(schema, v);
  }
  return v;
}

function describe(e: ErrorObject, at: string): string {
  const path = `${at}${e.instancePath}`;
  if (e.keyword === 'additionalProperties') return `${path}: unknown property '${String(e.params['additionalProperty'])}'`;
  return `${path}: ${e.message ?? 'is invalid'}`;
}

type Family = keyof ConfigKinds;
interface Entry {
  readonly at: string;
  readonly settings: AdapterSettings;
}

/** Every adapter the file names, family by family, with the JSON pointer of its options. */
export function adapterEntries(file: CertflowConfigFile): { family: Family; label: string; entries: Entry[] }[] {
  const named = (list: readonly { name: string; kind: string; options?: Record<string, unknown> }[], key: string): Entry[] =>
    list.map((a, i) => ({ at: `/${key}/${i.toString()}/options`, settings: { name: a.name, kind: a.kind, options: a.options ?? {} } }));
  const keyStore = file.keyStore ? { ...DEFAULT_KEY_STORE, kind: file.keyStore.kind, options: file.keyStore.options ?? {} } : DEFAULT_KEY_STORE;
  return [
    { family: 'keyStores', label: 'key store', entries: [{ at: '/keyStore/options', settings: keyStore }] },
    { family: 'dnsProviders', label: 'DNS provider', entries: named(file.dnsProviders, 'dnsProviders') },
    { family: 'issuers', label: 'issuer', entries: named(file.issuers, 'issuers') },
    {
      family: 'sources',
      label: 'source',
      // Sources are flat: everything beside name and kind is the kind's options.
      entries: file.sources.map((s, i) => {
        const { name, kind, ...options } = s as { name: string; kind: string } & Record<string, unknown>;
        return { at: `/sources/${i.toString()}`, settings: { name, kind, options } };
      }),
    },
    { family: 'accountSources', label: 'account source', entries: named(file.accounts, 'accounts') },
    { family: 'notifiers', label: 'notifier', entries: named(file.notifiers, 'notifiers') },
    { family: 'destinations', label: 'destination', entries: named(file.destinations, 'destinations') },
  ];
}

/**
 * Checks every adapter the file names against its kind: known kind, unique name, options valid
 * for the kind, and a kind that can run in this runtime. Applies the options' defaults.
 */
export function checkAdapters(file: CertflowConfigFile, kinds: ConfigKinds, runtime: string): { problems: string[]; settings: Record<Family, AdapterSettings[]> } {
  const problems: string[] = [];
  const settings = {} as Record<Family, AdapterSettings[]>;
  for (const { family, label, entries } of adapterEntries(file)) {
    const known = kinds[family];
    const seen = new Set<string>();
    settings[family] = [];
    for (const { at, settings: s } of entries) {
      const base = at.replace(/\/options$/, '');
      if (seen.has(s.name)) problems.push(`${base}/name: duplicate ${label} '${s.name}'`);
      seen.add(s.name);
      const info = ownValue(known, s.kind);
      if (!info) {
        const list = Object.keys(known);
        problems.push(`${base}/kind: unknown ${label} kind '${s.kind}' (known: ${list.length > 0 ? list.join(', ') : 'none'})`);
        continue;
      }
      if (!info.runtimes.includes(runtime)) {
        problems.push(`${base}/kind: ${label} kind '${s.kind}' cannot run in the ${runtime} runtime (only: ${info.runtimes.join(', ')})`);
      }
      const options = structuredClone(s.options) as Record<string, unknown>;
      const validate = validatorOf(info.optionsSchema);
      if (!validate) problems.push(`${base}/kind: the options of ${label} kind '${s.kind}' have no precompiled validator (run: npm run validators)`);
      else if (!validate(options)) for (const e of validate.errors ?? []) problems.push(describe(e, at));
      settings[family].push({ ...s, options });
    }
  }
  return { problems, settings };
}

/**
 * Per-kind rules on the certificates that name an issuer (e.g. a short-lived Private CA signs
 * at most 7 days) or a destination (a rolesanywhere destination needs a client certificate). Run
 * once every adapter's options are valid, so kinds read well-typed options.
 */
export function checkCertificatesAgainstAdapters(
  file: CertflowConfigFile,
  kinds: ConfigKinds,
  issuers: readonly AdapterSettings[],
  defaultValidityDays: number,
  destinations: readonly AdapterSettings[] = [],
): string[] {
  const problems: string[] = [];
  file.certificates.forEach((c, i) => {
    const { validityDays, validityHours } = specValidity(c, defaultValidityDays);
    const use: CertificateUseInfo = {
      id: c.id,
      usage: c.usage ?? 'server',
      ...(validityHours === undefined ? { validityDays: validityDays ?? defaultValidityDays } : { validityHours }),
      names: { dns: c.dnsNames, ip: c.ipAddresses, uri: c.uris, ...(c.emailAddresses.length > 0 ? { email: c.emailAddresses } : {}) },
    };
    const issuer = issuers.find((s) => s.name === c.issuer);
    const check = issuer ? ownValue(kinds.issuers, issuer.kind)?.checkCertificate : undefined;
    if (issuer && check) for (const problem of check(issuer.options as never, use)) problems.push(`/certificates/${i.toString()}/${problem} (issuer '${issuer.name}')`);
    for (const name of c.destinations) {
      const destination = destinations.find((s) => s.name === name);
      const checkDelivery = destination ? ownValue(kinds.destinations, destination.kind)?.checkCertificate : undefined;
      if (!destination || !checkDelivery) continue;
      for (const problem of checkDelivery(destination.options as never, use)) problems.push(`/certificates/${i.toString()}/${problem} (destination '${destination.name}')`);
    }
  });
  return problems;
}
