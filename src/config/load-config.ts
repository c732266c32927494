import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ErrorObject } from 'ajv/dist/2020.js';
import { createAjv } from '../domain/schema/ajv.js';
import { parseDocument } from 'yaml';
import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import { normalizeNames, type CertificateSpec, type IssuerRef, type KeyAlgorithm } from '../domain/certificate.js';
import type { ApprovalPolicy } from '../domain/approval-policy.js';
import { checkPolicy, resolvePolicy } from './policy-config.js';
import { ConfigSchema, type CertflowConfigFile } from './config.schema.js';
import { checkAdapters, type AdapterSettings, type ConfigKinds } from './adapter-settings.js';

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
}

const ajv = createAjv({ useDefaults: true, strict: false });
const validateFile = ajv.compile<CertflowConfigFile>(ConfigSchema);

function describeAjvError(e: ErrorObject): string {
  const path = e.instancePath || '/';
  if (e.keyword === 'additionalProperties') return `${path}: unknown property '${String(e.params['additionalProperty'])}'`;
  return `${path}: ${e.message ?? 'is invalid'}`;
}

/** Reads and validates a config file; every problem is reported, with its path, in one error. */
export function loadConfigFile(path: string, context: ConfigContext): CertflowConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new CertflowError(ErrorCodes.CONFIG_UNREADABLE, `cannot read config file ${path}`, { cause, context: { path } });
  }
  return parseConfig(text, resolve(path), context);
}

/** Parses YAML or JSON config text; `configPath` anchors relative paths. */
export function parseConfig(text: string, configPath: string, context: ConfigContext): CertflowConfig {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const details = doc.errors.map((e) => `line ${(e.linePos?.[0].line ?? 0).toString()}: ${e.code}`);
    throw new CertflowError(ErrorCodes.CONFIG_INVALID, `${configPath} is not valid YAML or JSON`, { details, context: { path: configPath } });
  }
  const raw: unknown = doc.toJS();
  if (!validateFile(raw)) {
    const details = (validateFile.errors ?? []).map(describeAjvError);
    throw new CertflowError(ErrorCodes.CONFIG_INVALID, `${configPath} has ${details.length.toString()} problem(s)`, {
      details,
      context: { path: configPath },
    });
  }
  const adapters = checkAdapters(raw, context.kinds, context.runtime ?? 'local');
  const problems = [...adapters.problems, ...crossCheck(raw)];
  if (problems.length > 0) {
    throw new CertflowError(ErrorCodes.CONFIG_INVALID, `${configPath} has ${problems.length.toString()} problem(s)`, {
      details: problems,
      context: { path: configPath },
    });
  }
  return deepFreeze(resolveConfig(raw, configPath, adapters.settings));
}

/** Rules a schema cannot say: references, uniqueness, per-kind issuer options. */
function crossCheck(file: CertflowConfigFile): string[] {
  const problems: string[] = [];
  const issuerNames = new Set<string>();
  for (const issuer of file.issuers) issuerNames.add(issuer.name);
  const ids = new Set<string>();
  file.certificates.forEach((c, i) => {
    const at = `/certificates/${i.toString()}`;
    if (ids.has(c.id)) problems.push(`${at}/id: duplicate certificate id '${c.id}'`);
    ids.add(c.id);
    if (!issuerNames.has(c.issuer)) problems.push(`${at}/issuer: no issuer named '${c.issuer}'`);
    if (c.dnsNames.length + c.ipAddresses.length + c.uris.length === 0) {
      problems.push(`${at}: a certificate needs at least one of dnsNames, ipAddresses, uris`);
    }
    if (!c.commonName && c.dnsNames.length === 0) problems.push(`${at}/commonName: required when there are no dnsNames`);
    const validity = c.validityDays ?? file.defaults.validityDays;
    if (c.renewBeforeDays !== undefined && c.renewBeforeDays >= validity) {
      problems.push(`${at}/renewBeforeDays: must be less than the validity (${validity.toString()} days)`);
    }
  });
  problems.push(...checkPolicy(file.policy, issuerNames));
  return problems;
}

function resolveConfig(file: CertflowConfigFile, configPath: string, adapters: ReturnType<typeof checkAdapters>['settings']): CertflowConfig {
  const base = dirname(configPath);
  const kinds = new Map(file.issuers.map((i) => [i.name, i.kind]));
  const certificates = file.certificates.map((c): ManagedCertificate => {
    const issuer: IssuerRef = { kind: kinds.get(c.issuer) ?? '', name: c.issuer };
    const keyAlgorithm: KeyAlgorithm = c.keyAlgorithm ?? file.defaults.keyAlgorithm ?? 'EC_P256';
    const spec: CertificateSpec = {
      id: c.id,
      commonName: (c.commonName ?? c.dnsNames[0] ?? '').toLowerCase(),
      names: normalizeNames({ dns: c.dnsNames, ip: c.ipAddresses, uri: c.uris }),
      keyAlgorithm,
      issuer,
      owner: c.owner,
      validityDays: c.validityDays ?? file.defaults.validityDays,
      ...(c.renewBeforeDays === undefined ? {} : { renewBeforeDays: c.renewBeforeDays }),
    };
    return { spec, requester: c.requester ?? c.owner };
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
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
