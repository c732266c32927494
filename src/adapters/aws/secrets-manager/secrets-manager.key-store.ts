import { X509Certificate } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CertflowError, ErrorCodes, isCertflowError } from '../../../domain/errors/index.js';
import {
  KEY_LABELS,
  type KeyLabel,
  type KeyMaterial,
  type KeyStore,
  type KeyVersion,
  type KeyVersionInfo,
  type VersionSelector,
} from '../../../ports/key-store.port.js';
import { awsErrorName, secretsManagerError } from './secrets-manager.errors.js';

/** The SDK loads on first use, so a bundle (the CLI's) that never reaches this adapter starts without it. */
const sdk = () => import('@aws-sdk/client-secrets-manager');

/**
 * The JSON value of one secret version: what consumers read (README "The secret's value").
 * A RESERVED version (a key waiting for its certificate) holds `privateKey` only.
 */
export interface CertflowSecretValue {
  readonly certificate?: string;
  readonly chain?: string;
  readonly privateKey: string;
  readonly serialNumber?: string;
  readonly notAfter?: string;
  readonly revision?: number;
}

export interface SecretsManagerKeyStoreSettings {
  readonly client: SecretsManagerClient;
  /** Replaces the `certflow/` of the secret names the use cases pass (default `certflow/`). */
  readonly namePrefix?: string;
  readonly kmsKeyId?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** The custom staging label standing for RESERVED. */
  readonly reservedStage?: string;
}

/**
 * The version a new secret starts with. Secrets Manager puts AWSCURRENT on a secret's first
 * version whatever stages the call names, and certflow's first write is a RESERVED key, which
 * must never be CURRENT: so every secret is created with this empty marker as its first
 * version, which the adapter never shows (a CURRENT or PREVIOUS on it reads as absent).
 */
export const INITIAL_TOKEN = 'certflow-initial-00000000000000000000';
export const INITIAL_VALUE = JSON.stringify({ certflow: 'no certificate yet' });
/** Versions put without labels carry this stage so Secrets Manager's default (AWSCURRENT) never applies. */
export const PARKED_STAGE = 'CERTFLOW_PARKED';

const TOKEN_MIN = 32;
const TOKEN_MAX = 64;

/**
 * Version ids become ClientRequestTokens (32 to 64 characters): the id, `_`, then zeros up to 32.
 * Reversible, and the same id always gives the same token, so a retried put is idempotent.
 */
export function tokenOf(versionId: string): string {
  if (versionId.length + 1 > TOKEN_MAX || !/^[\w-]+$/.test(versionId)) {
    throw new CertflowError(ErrorCodes.INPUT_INVALID, `Version id "${versionId}" does not fit a Secrets Manager ClientRequestToken`, { context: { versionId } });
  }
  const token = `${versionId}_`;
  return token.padEnd(TOKEN_MIN, '0');
}

export function versionIdOf(token: string): string | undefined {
  if (token === INITIAL_TOKEN) return undefined;
  const match = /^([\w-]+?)_0*$/.exec(token);
  return match?.[1];
}

/**
 * Key store on AWS Secrets Manager: one secret per managed certificate, one version per key or
 * bundle, certflow's labels as staging labels (CURRENT ↔ AWSCURRENT, PENDING ↔ AWSPENDING,
 * PREVIOUS ↔ AWSPREVIOUS, RESERVED ↔ a custom stage). A reader gets one version's value whole
 * (GetSecretValue), so a certificate never arrives with another version's key; AWSCURRENT moves
 * in one UpdateSecretVersionStage call, and AWSPREVIOUS follows it there.
 */
export class SecretsManagerKeyStore implements KeyStore {
  private readonly client: SecretsManagerClient;
  private readonly prefix: string;
  private readonly toStage: Readonly<Record<KeyLabel, string>>;
  private readonly toLabel: ReadonlyMap<string, KeyLabel>;

  constructor(private readonly settings: SecretsManagerKeyStoreSettings) {
    this.client = settings.client;
    this.prefix = settings.namePrefix ?? 'certflow/';
    this.toStage = { CURRENT: 'AWSCURRENT', PENDING: 'AWSPENDING', PREVIOUS: 'AWSPREVIOUS', RESERVED: settings.reservedStage ?? 'CERTFLOW_RESERVED' };
    this.toLabel = new Map(KEY_LABELS.map((label) => [this.toStage[label], label]));
  }

  /** The secret's name in Secrets Manager for a use case's secret name (`certflow/<id>`). */
  secretId(secretName: string): string {
    return `${this.prefix}${secretName.replace(/^certflow\//, '')}`;
  }

  async putVersion(secretName: string, versionId: string, material: KeyMaterial, labels: readonly KeyLabel[]): Promise<KeyVersion> {
    const secretId = this.secretId(secretName);
    const token = tokenOf(versionId);
    const wanted = [...new Set(labels.map((l) => this.stageOf(l)))];
    // Promoting on put leaves PENDING behind, as moveLabel does.
    const stages = wanted.includes('AWSCURRENT') ? wanted.filter((s) => s !== 'AWSPENDING') : wanted;
    const input = {
      SecretId: secretId,
      ClientRequestToken: token,
      SecretString: encodeValue(versionId, material),
      VersionStages: stages.length > 0 ? stages : [PARKED_STAGE],
    };
    try {
      await this.client.send(new (await sdk()).PutSecretValueCommand(input));
    } catch (error) {
      if (awsErrorName(error) !== 'ResourceNotFoundException') throw secretsManagerError(error, 'PutSecretValue', secretId, versionId);
      await this.createSecret(secretId);
      try {
        await this.client.send(new (await sdk()).PutSecretValueCommand(input));
      } catch (again) {
        throw secretsManagerError(again, 'PutSecretValue', secretId, versionId);
      }
    }
    // Read back what is stored: an idempotent repeat returns the version with its labels as they are now.
    const stored = await this.getVersion(secretName, { versionId });
    if (!stored) {
      throw new CertflowError(ErrorCodes.KEYSTORE_UNAVAILABLE, `Version ${versionId} of ${secretId} is not readable after PutSecretValue`, {
        retryable: true,
        context: { secretName: secretId, versionId },
      });
    }
    return stored;
  }

  async getVersion(secretName: string, selector: VersionSelector): Promise<KeyVersion | undefined> {
    const secretId = this.secretId(secretName);
    const input = 'label' in selector ? { SecretId: secretId, VersionStage: this.stageOf(selector.label) } : { SecretId: secretId, VersionId: tokenOf(selector.versionId) };
    try {
      const out = await this.client.send(new (await sdk()).GetSecretValueCommand(input));
      const versionId = out.VersionId === undefined ? undefined : versionIdOf(out.VersionId);
      if (versionId === undefined || out.SecretString === undefined) return undefined;
      return {
        versionId,
        labels: this.labelsOf(out.VersionStages),
        createdAt: out.CreatedDate ?? new Date(0),
        ...decodeValue(out.SecretString, secretId, versionId),
      };
    } catch (error) {
      // No such secret, version or stage: absent, as the port says.
      if (awsErrorName(error) === 'ResourceNotFoundException') return undefined;
      throw secretsManagerError(error, 'GetSecretValue', secretId, 'versionId' in selector ? selector.versionId : undefined);
    }
  }

  async moveLabel(secretName: string, label: KeyLabel, toVersionId: string): Promise<void> {
    const secretId = this.secretId(secretName);
    const stage = this.stageOf(label);
    const target = tokenOf(toVersionId);
    // A concurrent move can make the holder we read stale: Secrets Manager refuses then, and we read again.
    for (let attempt = 1; ; attempt++) {
      const holders = await this.stageHolders(secretId);
      const from = holders.get(stage);
      try {
        if (stage === 'AWSCURRENT' && holders.get('AWSPENDING') === target) {
          // Strip AWSPENDING first: a reader of AWSCURRENT then never sees the new version still
          // pending, and a crash in between leaves CURRENT where it was (the retry moves it).
          await this.client.send(new (await sdk()).UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: 'AWSPENDING', RemoveFromVersionId: target }));
        }
        if (from !== target) {
          // One call: AWSCURRENT moves, and Secrets Manager moves AWSPREVIOUS to the version it left.
          await this.client.send(new (await sdk()).UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: stage, MoveToVersionId: target, ...(from ? { RemoveFromVersionId: from } : {}) }));
        }
        return;
      } catch (error) {
        const name = awsErrorName(error);
        if (name === 'ResourceNotFoundException') {
          throw new CertflowError(ErrorCodes.KEYSTORE_VERSION_UNKNOWN, `Secret ${secretId} has no version ${toVersionId}`, {
            context: { secretName: secretId, versionId: toVersionId },
            cause: error,
          });
        }
        if (name === 'InvalidParameterException' && attempt < 3) continue;
        throw secretsManagerError(error, 'UpdateSecretVersionStage', secretId, toVersionId);
      }
    }
  }

  async removeLabel(secretName: string, label: KeyLabel): Promise<void> {
    const secretId = this.secretId(secretName);
    if (label === 'CURRENT') throw currentIsProtected(secretId);
    const stage = this.stageOf(label);
    const from = (await this.stageHolders(secretId)).get(stage);
    if (from === undefined) return;
    try {
      await this.client.send(new (await sdk()).UpdateSecretVersionStageCommand({ SecretId: secretId, VersionStage: stage, RemoveFromVersionId: from }));
    } catch (error) {
      // Already moved or removed by someone else: the label is not on that version any more, as asked.
      if (awsErrorName(error) === 'InvalidParameterException') return;
      throw secretsManagerError(error, 'UpdateSecretVersionStage', secretId);
    }
  }

  async listVersions(secretName: string): Promise<KeyVersionInfo[]> {
    const secretId = this.secretId(secretName);
    const listed: { token: string; stages: string[]; createdAt: Date }[] = [];
    try {
      let nextToken: string | undefined;
      do {
        const out = await this.client.send(new (await sdk()).ListSecretVersionIdsCommand({ SecretId: secretId, IncludeDeprecated: true, ...(nextToken ? { NextToken: nextToken } : {}) }));
        for (const v of out.Versions ?? []) if (v.VersionId) listed.push({ token: v.VersionId, stages: v.VersionStages ?? [], createdAt: v.CreatedDate ?? new Date(0) });
        nextToken = out.NextToken;
      } while (nextToken);
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return [];
      throw secretsManagerError(error, 'ListSecretVersionIds', secretId);
    }
    const infos: KeyVersionInfo[] = [];
    for (const v of listed.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
      const versionId = versionIdOf(v.token);
      if (versionId === undefined) continue;
      // Whether a version holds a certificate is in its value only (one read per version; inventory use).
      const full = await this.getVersion(secretName, { versionId });
      infos.push({ versionId, labels: this.labelsOf(v.stages), createdAt: v.createdAt, hasCertificate: full?.hasCertificate ?? false });
    }
    return infos;
  }

  private async createSecret(secretId: string): Promise<void> {
    const tags = Object.entries(this.settings.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    try {
      await this.client.send(
        new (await sdk()).CreateSecretCommand({
          Name: secretId,
          Description: 'certflow: certificate, chain and private key; versions by staging label (see certflow README)',
          ClientRequestToken: INITIAL_TOKEN,
          SecretString: INITIAL_VALUE,
          ...(this.settings.kmsKeyId ? { KmsKeyId: this.settings.kmsKeyId } : {}),
          ...(tags.length > 0 ? { Tags: tags } : {}),
        }),
      );
    } catch (error) {
      // Another worker created it first.
      if (awsErrorName(error) === 'ResourceExistsException') return;
      throw secretsManagerError(error, 'CreateSecret', secretId);
    }
  }

  /** Which version holds each stage now (DescribeSecret's VersionIdsToStages). */
  private async stageHolders(secretId: string): Promise<Map<string, string>> {
    try {
      const out = await this.client.send(new (await sdk()).DescribeSecretCommand({ SecretId: secretId }));
      const holders = new Map<string, string>();
      for (const [token, stages] of Object.entries(out.VersionIdsToStages ?? {})) for (const stage of stages) holders.set(stage, token);
      return holders;
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return new Map();
      throw secretsManagerError(error, 'DescribeSecret', secretId);
    }
  }

  private stageOf(label: KeyLabel): string {
    const stage = (this.toStage as Record<string, string | undefined>)[label];
    if (stage === undefined) throw new CertflowError(ErrorCodes.INPUT_INVALID, `Unknown key label "${String(label)}"`, { context: { label: String(label) } });
    return stage;
  }

  private labelsOf(stages: readonly string[] | undefined): KeyLabel[] {
    const labels = (stages ?? []).flatMap((s) => {
      const label = this.toLabel.get(s);
      return label ? [label] : [];
    });
    return labels.sort((a, b) => KEY_LABELS.indexOf(a) - KEY_LABELS.indexOf(b));
  }
}

export function currentIsProtected(secretName: string): CertflowError {
  return new CertflowError(ErrorCodes.KEYSTORE_LABEL_PROTECTED, `CURRENT of ${secretName} can only be moved to another version, never removed`, {
    context: { secretName },
  });
}

/** Fixed key order, so the same material always gives the same text (PutSecretValue compares values). */
export function encodeValue(versionId: string, material: KeyMaterial): string {
  const facts = certificateFacts(material.certificatePem);
  const revision = /^r(\d+)-/.exec(versionId)?.[1];
  const value: CertflowSecretValue = {
    ...(material.certificatePem === undefined ? {} : { certificate: material.certificatePem }),
    ...(material.chainPem === undefined ? {} : { chain: material.chainPem }),
    privateKey: material.privateKeyPem,
    ...facts,
    ...(revision === undefined ? {} : { revision: Number(revision) }),
  };
  return JSON.stringify(value);
}

function certificateFacts(pem: string | undefined): { serialNumber?: string; notAfter?: string } {
  if (pem === undefined || !pem.includes('-----BEGIN CERTIFICATE-----')) return {};
  try {
    const cert = new X509Certificate(pem);
    return { serialNumber: cert.serialNumber, notAfter: new Date(cert.validTo).toISOString() };
  } catch {
    return {};
  }
}

function decodeValue(text: string, secretId: string, versionId: string): { material: KeyMaterial; hasCertificate: boolean } {
  let value: Partial<CertflowSecretValue>;
  try {
    value = JSON.parse(text) as Partial<CertflowSecretValue>;
  } catch (error) {
    if (isCertflowError(error)) throw error;
    value = {};
  }
  if (typeof value.privateKey !== 'string') {
    // Never quote the value: it holds a key.
    throw new CertflowError(ErrorCodes.KEYSTORE_UNAVAILABLE, `Version ${versionId} of ${secretId} is not a certflow value`, { context: { secretName: secretId, versionId } });
  }
  const material: KeyMaterial = {
    privateKeyPem: value.privateKey,
    ...(value.certificate === undefined ? {} : { certificatePem: value.certificate }),
    ...(value.chain === undefined ? {} : { chainPem: value.chain }),
  };
  return { material, hasCertificate: value.certificate !== undefined };
}
