import { closeSync, openSync, readSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ErrorObject } from 'ajv/dist/2020.js';
import { LineCounter, parseDocument } from 'yaml';
import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import { isClientUsage, normalizeNames, type CertificateSpec, type IssuerRef, type KeyAlgorithm } from '../domain/certificate.js';
import type { ApprovalPolicy } from '../domain/approval-policy.js';
import { checkPolicy, resolvePolicy } from './policy-config.js';
import type { CertflowConfigFile } from './config.schema.js';
import { validateConfigFile } from '../generated/validators/config.js';
import { checkAdapters, checkCertificatesAgainstAdapters, type AdapterSettings, type ConfigKinds } from './adapter-settings.js';
import { DEFAULT_URI_SCHEMES, defaultCommonName, dnsNameProblem, emailAddressProblem, uriProblem, workloadNameProblem } from './name-checks.js';
import { serverCommonNameProblem, specValidity, usageField, validityProblems } from './certificate-checks.js';

export type { AdapterSettings, ConfigKinds } from './adapter-settings.js';
export type IssuerSettings = AdapterSettings;

/** How configuration is read: which kinds exist, and which runtime must run them. */
export interface ConfigContext {
  readonly kinds: ConfigKinds;
  /** `local` (the default) or `aws`: kinds that cannot run there are refused. */
  readonly runtime?: string;
}

export interface ManagedCertificate {
  readonly spec: CertificateSpec;
  readonly requester: string;
  /** Destination names, delivered in order after each promotion. Outside the spec: adding one never re-issues. */
  readonly destinations: readonly string[];
}

/** The validated, resolved, frozen configuration. */
export interface CertflowConfig {
  readonly configPath: string;
  readonly dataDir: string;
  readonly alertThresholdsDays: readonly number[];
  readonly policy: ApprovalPolicy;
  readonly keyStore: AdapterSettings;
  readonly dnsProviders: readonly AdapterSettings[];
  readonly issuers: readonly AdapterSettings[];
  readonly sources: readonly AdapterSettings[];
  readonly accountSources: readonly AdapterSettings[];
  readonly notifiers: readonly AdapterSettings[];
  readonly destinations: readonly AdapterSettings[];
  readonly certificates: readonly ManagedCertificate[];
  /** Re-issue a certificate whose CURRENT key store version is gone (see check-stores.use-case.ts). */
  readonly reissueMissingKeys: boolean;
}

/** A config file is a few KB; anything larger is a mistake (or `/dev/zero`) and is refused before it fills memory. */
export const MAX_CONFIG_BYTES = 1024 * 1024;
/** YAML aliases expanded at most this many times: a "billion laughs" document is refused, not expanded. */
const MAX_ALIAS_COUNT = 100;

// Precompiled from ConfigSchema by `npm run validators` (ajv, defaults applied, strict off).
const validateFile = validateConfigFile;

function describeAjvError(e: ErrorObject): string {
  const path = e.instancePath || '/';
  if (e.keyword === 'additionalProperties') return `${path}: unknown property '${String(e.params['additionalProperty'])}'`;
  return `${path}: ${e.message ?? 'is invalid'}`;
}

/**
 * Reads and validates a config file; every problem is reported, with its path, in one error.
 * Relative paths resolve against the file's real path, so a symlinked config shares its target's data.
 */
export function loadConfigFile(path: string, context: ConfigContext): CertflowConfig {
  let text: string;
  let realPath: string;
  try {
    realPath = realpathSync(path);
    text = readBounded(realPath);
  } catch (cause) {
    if (cause instanceof CertflowError) throw cause;
    throw new CertflowError(ErrorCodes.CONFIG_UNREADABLE, `cannot read config file ${path} (${errnoOf(cause)})`, { cause, context: { path } });
  }
  return parseConfig(text, realPath, context);
}

/** Reads at most MAX_CONFIG_BYTES (+1 to notice more): a device or a pipe that never ends cannot exhaust memory. */
function readBounded(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(MAX_CONFIG_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > MAX_CONFIG_BYTES) {
      throw new CertflowError(ErrorCodes.CONFIG_INVALID, `${path} is larger than ${(MAX_CONFIG_BYTES / 1024).toString()} KiB; it cannot be a certflow config`, {
        context: { path },
      });
    }
    return buffer.subarray(0, length).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function errnoOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}

/** Parses YAML or JSON config text; `configPath` anchors relative paths. All problems, of shape and of meaning, come in one list. */
export function parseConfig(text: string, configPath: string, context: ConfigContext): CertflowConfig {
  const invalid = (message: string, details: readonly string[]) =>
    new CertflowError(ErrorCodes.CONFIG_INVALID, message, { details, context: { path: configPath } });
  if (text.length > MAX_CONFIG_BYTES) throw invalid(`${configPath} is larger than ${(MAX_CONFIG_BYTES / 1024).toString()} KiB`, []);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  if (doc.errors.length > 0) {
    const details = doc.errors.map((e) => {
      const { line, col } = lineCounter.linePos(e.pos[0]);
      return `line ${line.toString()}, column ${col.toString()}: ${e.code} (${firstLine(e.message)})`;
    });
    throw invalid(`${configPath} is not valid YAML or JSON`, details);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (cause) {
    // The yaml library signals too many aliases with a ReferenceError; nothing else is expected here.
    const why = cause instanceof ReferenceError ? `YAML aliases expand more than ${MAX_ALIAS_COUNT.toString()} times` : 'the YAML cannot be read';
    throw new CertflowError(ErrorCodes.CONFIG_INVALID, `${configPath} is not a usable config: ${why}`, { cause, context: { path: configPath } });
  }
  const shapeOk = validateFile(raw);
  const problems = shapeOk ? [] : (validateFile.errors ?? []).map(describeAjvError);
  // The cast is what the schema check proved; when it failed, the adapter checks still run as far
  // as the file's shape lets them, so kinds and options come in the same list as the shape.
  const adapters = adapterChecks(raw as CertflowConfigFile, context, shapeOk);
  problems.push(...adapters.problems, ...crossCheck(raw));
  if (shapeOk && adapters.settings && adapters.problems.length === 0) {
    const file = raw as CertflowConfigFile;
    problems.push(...checkCertificatesAgainstAdapters(file, context.kinds, adapters.settings.issuers, file.defaults.validityDays, adapters.settings.destinations));
  }
  if (!shapeOk || problems.length > 0 || !adapters.settings) {
    throw invalid(`${configPath} has ${problems.length.toString()} problem(s)`, [...new Set(problems)]);
  }
  return deepFreeze(resolveConfig(raw as CertflowConfigFile, configPath, adapters.settings));
}

function adapterChecks(file: CertflowConfigFile, context: ConfigContext, shapeOk: boolean): { problems: string[]; settings?: ReturnType<typeof checkAdapters>['settings'] } {
  try {
    return checkAdapters(file, context.kinds, context.runtime ?? 'local');
  } catch (error) {
    // Only a malformed file (already reported by the schema) can make the walk over adapters fail.
    if (shapeOk) throw error;
    return { problems: [] };
  }
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? '';
  // The parser's own message repeats the position; keep it short and free of file contents.
  return line.replace(/ at line \d+, column \d+:?.*$/, '').slice(0, 120);
}

/** Reads a property of a value that may not be an object (the file may be any shape when this runs). */
const field = (value: unknown, key: string): unknown => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined);
const list = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Rules a schema cannot say: references, uniqueness, names that can never be issued. Runs on the
 * file whatever its shape (it skips what is malformed, which the schema reports), so one run of
 * the loader lists every problem.
 */
function crossCheck(file: unknown): string[] {
  const problems: string[] = [];
  const issuerNames = new Set<string>();
  for (const issuer of list(field(file, 'issuers'))) {
    const name = text(field(issuer, 'name'));
    if (name !== undefined) issuerNames.add(name);
  }
  const destinationNames = new Set(list(field(file, 'destinations')).map((d) => text(field(d, 'name'))));
  const defaults = field(file, 'defaults');
  const defaultValidity = field(defaults, 'validityDays');
  const schemes = Array.isArray(field(defaults, 'uriSchemes')) ? list(field(defaults, 'uriSchemes')).filter((x) => typeof x === 'string') : DEFAULT_URI_SCHEMES;
  const ids = new Set<string>();
  list(field(file, 'certificates')).forEach((c, i) => {
    const at = `/certificates/${i.toString()}`;
    const id = text(field(c, 'id'));
    if (id !== undefined && ids.has(id)) problems.push(`${at}/id: duplicate certificate id '${id}'`);
    if (id !== undefined) ids.add(id);
    const issuer = text(field(c, 'issuer'));
    if (issuer !== undefined && !issuerNames.has(issuer)) problems.push(`${at}/issuer: no issuer named '${issuer}'`);
    list(field(c, 'destinations')).forEach((d, j) => {
      if (typeof d === 'string' && !destinationNames.has(d)) problems.push(`${at}/destinations/${j.toString()}: no destination named '${d}'`);
    });
    const dnsNames = list(field(c, 'dnsNames'));
    const uris = list(field(c, 'uris'));
    const emails = list(field(c, 'emailAddresses'));
    const client = isClientUsage(usageField(c));
    // A client certificate names its workload in the CN (checked below); it needs no SAN.
    if (!client && dnsNames.length + list(field(c, 'ipAddresses')).length + uris.length + emails.length === 0) {
      problems.push(`${at}: a certificate needs at least one of dnsNames, ipAddresses, uris, emailAddresses`);
    }
    dnsNames.forEach((n, j) => {
      const why = typeof n === 'string' ? dnsNameProblem(n) : undefined;
      if (why) problems.push(`${at}/dnsNames/${j.toString()}: ${why}`);
    });
    uris.forEach((u, j) => {
      const why = typeof u === 'string' ? uriProblem(u, schemes as readonly string[]) : undefined;
      if (why) problems.push(`${at}/uris/${j.toString()}: ${why}`);
    });
    emails.forEach((e, j) => {
      const why = typeof e === 'string' ? emailAddressProblem(e) : undefined;
      if (why) problems.push(`${at}/emailAddresses/${j.toString()}: ${why}`);
    });
    const commonName = text(field(c, 'commonName'));
    if (client && commonName === undefined) problems.push(`${at}/commonName: a ${String(usageField(c))} certificate needs a commonName naming its workload`);
    const cnWhy = commonName === undefined ? undefined : client ? workloadNameProblem(commonName) : serverCommonNameProblem(commonName);
    if (cnWhy) problems.push(`${at}/commonName: ${cnWhy}`);
    problems.push(...validityProblems(c, at, defaultValidity));
  });
  problems.push(...checkPolicy(field(file, 'policy'), issuerNames));
  return problems;
}

function resolveConfig(file: CertflowConfigFile, configPath: string, adapters: ReturnType<typeof checkAdapters>['settings']): CertflowConfig {
  const base = dirname(configPath);
  const kinds = new Map(file.issuers.map((i) => [i.name, i.kind]));
  const certificates = file.certificates.map((c): ManagedCertificate => {
    const issuer: IssuerRef = { kind: kinds.get(c.issuer) ?? '', name: c.issuer };
    const keyAlgorithm: KeyAlgorithm = c.keyAlgorithm ?? file.defaults.keyAlgorithm ?? 'EC_P256';
    const usage = c.usage ?? 'server';
    const spec: CertificateSpec = {
      id: c.id,
      // A server CN is a host name (case-insensitive); a client CN is an identity, kept as written.
      commonName: isClientUsage(usage) ? (c.commonName ?? '') : (c.commonName ?? defaultCommonName(c.dnsNames)).toLowerCase(),
      names: normalizeNames({ dns: c.dnsNames, ip: c.ipAddresses, uri: c.uris, email: c.emailAddresses }),
      keyAlgorithm,
      issuer,
      owner: c.owner,
      // Absent for server: a server spec hashes as before usages existed, so upgrading re-issues nothing.
      ...(usage === 'server' ? {} : { usage }),
      ...specValidity(c, file.defaults.validityDays),
    };
    return { spec, requester: c.requester ?? c.owner, destinations: c.destinations };
  });
  return {
    configPath,
    dataDir: resolve(base, file.dataDir),
    alertThresholdsDays: file.defaults.alertThresholdsDays,
    policy: resolvePolicy(file.policy),
    keyStore: adapters.keyStores[0]!,
    dnsProviders: adapters.dnsProviders,
    issuers: adapters.issuers,
    sources: adapters.sources,
    accountSources: adapters.accountSources,
    notifiers: adapters.notifiers,
    destinations: adapters.destinations,
    certificates,
    reissueMissingKeys: file.defaults.reissueMissingKeys,
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
