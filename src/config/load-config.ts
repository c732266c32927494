import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ErrorObject } from 'ajv/dist/2020.js';
import { createAjv } from '../domain/schema/ajv.js';
import type { TSchema } from '@sinclair/typebox';
import { parseDocument } from 'yaml';
import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import { normalizeNames, type CertificateSpec, type IssuerRef, type KeyAlgorithm } from '../domain/certificate.js';
import type { ApprovalPolicy } from '../domain/approval-policy.js';
import { ConfigSchema, type CertflowConfigFile } from './config.schema.js';

/** What the loader needs to know of each issuer kind: its options schema. */
export interface IssuerKindInfo {
  readonly optionsSchema: TSchema;
}

export interface IssuerSettings {
  readonly name: string;
  readonly kind: string;
  readonly options: Readonly<Record<string, unknown>>;
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
  readonly issuers: readonly IssuerSettings[];
  readonly dnsProviders: readonly IssuerSettings[];
  readonly policy: ApprovalPolicy;
  readonly sources: CertflowConfigFile['sources'];
  readonly certificates: readonly ManagedCertificate[];
}

const ajv = createAjv({ useDefaults: true, strict: false });
const validateFile = ajv.compile<CertflowConfigFile>(ConfigSchema);

const DEFAULT_POLICY: ApprovalPolicy = {
  forbiddenNames: [],
  autoApprove: [],
  approvers: [],
  requiredApprovals: 1,
  approvalTtlHours: 72,
};

function describeAjvError(e: ErrorObject): string {
  const path = e.instancePath || '/';
  if (e.keyword === 'additionalProperties') return `${path}: unknown property '${String(e.params['additionalProperty'])}'`;
  return `${path}: ${e.message ?? 'is invalid'}`;
}

/** Reads and validates a config file; every problem is reported, with its path, in one error. */
export function loadConfigFile(path: string, issuerKinds: Readonly<Record<string, IssuerKindInfo>>): CertflowConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new CertflowError(ErrorCodes.CONFIG_UNREADABLE, `cannot read config file ${path}`, { cause, context: { path } });
  }
  return parseConfig(text, resolve(path), issuerKinds);
}

/** Parses YAML or JSON config text; `configPath` anchors relative paths. */
export function parseConfig(text: string, configPath: string, issuerKinds: Readonly<Record<string, IssuerKindInfo>>): CertflowConfig {
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
  const problems = crossCheck(raw, issuerKinds);
  if (problems.length > 0) {
    throw new CertflowError(ErrorCodes.CONFIG_INVALID, `${configPath} has ${problems.length.toString()} problem(s)`, {
      details: problems,
      context: { path: configPath },
    });
  }
  return deepFreeze(resolveConfig(raw, configPath));
}

/** Rules a schema cannot say: references, uniqueness, per-kind issuer options. */
function crossCheck(file: CertflowConfigFile, issuerKinds: Readonly<Record<string, IssuerKindInfo>>): string[] {
  const problems: string[] = [];
  const issuerNames = new Set<string>();
  file.issuers.forEach((issuer, i) => {
    if (issuerNames.has(issuer.name)) problems.push(`/issuers/${i.toString()}/name: duplicate issuer '${issuer.name}'`);
    issuerNames.add(issuer.name);
    const kind = issuerKinds[issuer.kind];
    if (!kind) {
      problems.push(`/issuers/${i.toString()}/kind: unknown issuer kind '${issuer.kind}' (known: ${Object.keys(issuerKinds).join(', ')})`);
      return;
    }
    const validateOptions = ajv.compile(kind.optionsSchema);
    if (!validateOptions(issuer.options ?? {})) {
      for (const e of validateOptions.errors ?? []) {
        problems.push(describeAjvError({ ...e, instancePath: `/issuers/${i.toString()}/options${e.instancePath}` }));
      }
    }
  });
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
  file.policy?.autoApprove.forEach((rule, i) =>
    rule.issuers?.forEach((name, j) => {
      if (!issuerNames.has(name)) problems.push(`/policy/autoApprove/${i.toString()}/issuers/${j.toString()}: no issuer named '${name}'`);
    }),
  );
  const sourceNames = new Set<string>();
  file.sources.forEach((s, i) => {
    if (sourceNames.has(s.name)) problems.push(`/sources/${i.toString()}/name: duplicate source '${s.name}'`);
    sourceNames.add(s.name);
  });
  return problems;
}

function resolveConfig(file: CertflowConfigFile, configPath: string): CertflowConfig {
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
    issuers: file.issuers.map((i) => ({ name: i.name, kind: i.kind, options: i.options ?? {} })),
    dnsProviders: file.dnsProviders.map((d) => ({ name: d.name, kind: d.kind, options: d.options ?? {} })),
    policy: file.policy ?? DEFAULT_POLICY,
    sources: file.sources.map((s) => ({ ...s, path: resolve(base, s.path) })),
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
