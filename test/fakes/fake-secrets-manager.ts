import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidParameterException,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
  UpdateSecretVersionStageCommand,
  type CreateSecretCommandInput,
  type CreateSecretCommandOutput,
  type DescribeSecretCommandInput,
  type DescribeSecretCommandOutput,
  type GetSecretValueCommandInput,
  type GetSecretValueCommandOutput,
  type ListSecretVersionIdsCommandInput,
  type ListSecretVersionIdsCommandOutput,
  type PutSecretValueCommandInput,
  type PutSecretValueCommandOutput,
  type UpdateSecretVersionStageCommandInput,
  type UpdateSecretVersionStageCommandOutput,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { FakeService } from './fake-service.js';

interface Version {
  readonly id: string;
  readonly value: string;
  readonly createdAt: Date;
  stages: Set<string>;
}

interface Secret {
  readonly name: string;
  readonly arn: string;
  readonly kmsKeyId?: string;
  readonly tags: readonly { Key?: string; Value?: string }[];
  readonly versions: Map<string, Version>;
}

const meta = { httpStatusCode: 400, requestId: 'fake' };
const notFound = (what: string) => new ResourceNotFoundException({ message: `Secrets Manager can't find the specified ${what}.`, $metadata: meta });
const invalidParameter = (message: string) => new InvalidParameterException({ message, $metadata: meta });

/** An error the service raises that the SDK models only as its base class (AccessDenied, Throttling). */
export function serviceError(name: 'AccessDeniedException' | 'ThrottlingException', message: string = name): SecretsManagerServiceException {
  return new SecretsManagerServiceException({
    name,
    $fault: 'client',
    message,
    $metadata: meta,
    ...(name === 'ThrottlingException' ? { $retryable: { throttling: true } } : {}),
  });
}

type Operation = 'CreateSecret' | 'PutSecretValue' | 'GetSecretValue' | 'DescribeSecret' | 'UpdateSecretVersionStage' | 'ListSecretVersionIds';

/**
 * Secrets Manager in memory, faithful to the behaviours certflow relies on (from the API reference):
 * - a secret's first version gets AWSCURRENT whatever stages the call names;
 * - PutSecretValue is idempotent on ClientRequestToken with the same value (stages untouched) and
 *   refuses another value under it (ResourceExistsException); omitted VersionStages mean AWSCURRENT;
 * - a stage is on one version at a time and moves when named; moving AWSCURRENT moves AWSPREVIOUS
 *   to the version it left;
 * - UpdateSecretVersionStage needs RemoveFromVersionId when the stage is elsewhere, and refuses to
 *   remove AWSCURRENT without moving it (InvalidParameterException);
 * - GetSecretValue returns one version whole (value, VersionStages, CreatedDate), AWSCURRENT by default;
 * - DescribeSecret's VersionIdsToStages lists only versions that have stages.
 * Every call yields to the event loop before it acts, so concurrent callers interleave as over a network.
 */
export class FakeSecretsManager extends FakeService<Operation> {
  readonly secrets = new Map<string, Secret>();
  private tick = 0;

  /** A SecretsManagerClient whose every call lands here (aws-sdk-client-mock). */
  client(): SecretsManagerClient {
    const client = new SecretsManagerClient({ region: 'eu-west-1', credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } });
    this.install(client);
    return client;
  }

  /** Routes an existing client (or every client of the class, when none given) to this fake. */
  install(target?: SecretsManagerClient): ReturnType<typeof mockClient> {
    const mock = target ? mockClient(target) : mockClient(SecretsManagerClient);
    mock
      .on(CreateSecretCommand)
      .callsFake((i: CreateSecretCommandInput) => this.call('CreateSecret', i, () => this.createSecret(i)))
      .on(PutSecretValueCommand)
      .callsFake((i: PutSecretValueCommandInput) => this.call('PutSecretValue', i, () => this.putSecretValue(i)))
      .on(GetSecretValueCommand)
      .callsFake((i: GetSecretValueCommandInput) => this.call('GetSecretValue', i, () => this.getSecretValue(i)))
      .on(DescribeSecretCommand)
      .callsFake((i: DescribeSecretCommandInput) => this.call('DescribeSecret', i, () => this.describeSecret(i)))
      .on(UpdateSecretVersionStageCommand)
      .callsFake((i: UpdateSecretVersionStageCommandInput) => this.call('UpdateSecretVersionStage', i, () => this.updateSecretVersionStage(i)))
      .on(ListSecretVersionIdsCommand)
      .callsFake((i: ListSecretVersionIdsCommandInput) => this.call('ListSecretVersionIds', i, () => this.listSecretVersionIds(i)));
    return mock as unknown as ReturnType<typeof mockClient>;
  }

  private secret(id: string | undefined): Secret {
    const secret = [...this.secrets.values()].find((s) => s.name === id || s.arn === id);
    if (!secret) throw notFound('secret');
    return secret;
  }

  private now(): Date {
    // Strictly increasing creation times, as the service's own are for successive versions.
    return new Date(Date.UTC(2026, 0, 1) + ++this.tick);
  }

  private holder(secret: Secret, stage: string): Version | undefined {
    return [...secret.versions.values()].find((v) => v.stages.has(stage));
  }

  /** Attaches `stage` to `to`, taking it from whoever had it; AWSCURRENT carries AWSPREVIOUS along. */
  private attach(secret: Secret, stage: string, to: Version): void {
    const from = this.holder(secret, stage);
    if (from === to) return;
    from?.stages.delete(stage);
    to.stages.add(stage);
    if (stage === 'AWSCURRENT' && from) {
      this.holder(secret, 'AWSPREVIOUS')?.stages.delete('AWSPREVIOUS');
      from.stages.add('AWSPREVIOUS');
    }
  }

  private addVersion(secret: Secret, token: string, value: string, stages: readonly string[] | undefined): Version {
    const version: Version = { id: token, value, createdAt: this.now(), stages: new Set() };
    const first = secret.versions.size === 0;
    secret.versions.set(token, version);
    const named = stages ?? ['AWSCURRENT'];
    for (const stage of first && !named.includes('AWSCURRENT') ? [...named, 'AWSCURRENT'] : named) this.attach(secret, stage, version);
    return version;
  }

  private createSecret(i: CreateSecretCommandInput): CreateSecretCommandOutput {
    if (!i.Name) throw invalidParameter('Name is required');
    if (this.secrets.has(i.Name)) throw new ResourceExistsException({ message: `The operation failed because the secret ${i.Name} already exists.`, $metadata: meta });
    const secret: Secret = {
      name: i.Name,
      arn: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${i.Name}-AbCdEf`,
      ...(i.KmsKeyId ? { kmsKeyId: i.KmsKeyId } : {}),
      tags: i.Tags ?? [],
      versions: new Map(),
    };
    this.secrets.set(i.Name, secret);
    const token = i.ClientRequestToken ?? `sdk-${this.tick.toString().padStart(32, '0')}`;
    if (i.SecretString !== undefined) this.addVersion(secret, token, i.SecretString, ['AWSCURRENT']);
    return { ARN: secret.arn, Name: secret.name, ...(i.SecretString !== undefined ? { VersionId: token } : {}), $metadata: {} };
  }

  private putSecretValue(i: PutSecretValueCommandInput): PutSecretValueCommandOutput {
    const secret = this.secret(i.SecretId);
    const token = i.ClientRequestToken;
    if (!token || token.length < 32 || token.length > 64) throw invalidParameter('ClientRequestToken must be 32 to 64 characters');
    if (i.SecretString === undefined) throw invalidParameter('SecretString is required');
    if (i.VersionStages?.length === 0) throw invalidParameter('VersionStages must name at least one stage');
    const existing = secret.versions.get(token);
    if (existing) {
      if (existing.value !== i.SecretString) {
        throw new ResourceExistsException({ message: 'You can’t modify an existing version, you can only create a new version.', $metadata: meta });
      }
      return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: [...existing.stages], $metadata: {} };
    }
    const version = this.addVersion(secret, token, i.SecretString, i.VersionStages);
    return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: [...version.stages], $metadata: {} };
  }

  private getSecretValue(i: GetSecretValueCommandInput): GetSecretValueCommandOutput {
    const secret = this.secret(i.SecretId);
    const version = i.VersionId !== undefined ? secret.versions.get(i.VersionId) : this.holder(secret, i.VersionStage ?? 'AWSCURRENT');
    if (!version || (i.VersionStage !== undefined && !version.stages.has(i.VersionStage))) throw notFound('secret value for the version or staging label');
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      SecretString: version.value,
      VersionStages: [...version.stages],
      CreatedDate: version.createdAt,
      $metadata: {},
    };
  }

  private describeSecret(i: DescribeSecretCommandInput): DescribeSecretCommandOutput {
    const secret = this.secret(i.SecretId);
    const VersionIdsToStages: Record<string, string[]> = {};
    for (const v of secret.versions.values()) if (v.stages.size > 0) VersionIdsToStages[v.id] = [...v.stages];
    return { ARN: secret.arn, Name: secret.name, ...(secret.kmsKeyId ? { KmsKeyId: secret.kmsKeyId } : {}), Tags: [...secret.tags], VersionIdsToStages, $metadata: {} };
  }

  private updateSecretVersionStage(i: UpdateSecretVersionStageCommandInput): UpdateSecretVersionStageCommandOutput {
    const secret = this.secret(i.SecretId);
    const stage = i.VersionStage;
    if (!stage) throw invalidParameter('VersionStage is required');
    const holder = this.holder(secret, stage);
    if (i.RemoveFromVersionId !== undefined && holder?.id !== i.RemoveFromVersionId) {
      throw invalidParameter(`The staging label ${stage} is not attached to version ${i.RemoveFromVersionId}.`);
    }
    if (i.MoveToVersionId === undefined) {
      if (i.RemoveFromVersionId === undefined) throw invalidParameter('Name MoveToVersionId, RemoveFromVersionId or both');
      if (stage === 'AWSCURRENT') throw invalidParameter('You can’t remove the staging label AWSCURRENT; move it to another version instead.');
      holder?.stages.delete(stage);
      return { ARN: secret.arn, Name: secret.name, $metadata: {} };
    }
    const to = secret.versions.get(i.MoveToVersionId);
    if (!to) throw notFound('version');
    if (holder && holder !== to && i.RemoveFromVersionId === undefined) {
      throw invalidParameter(`The staging label ${stage} is currently attached to version ${holder.id}; name it in RemoveFromVersionId.`);
    }
    this.attach(secret, stage, to);
    return { ARN: secret.arn, Name: secret.name, $metadata: {} };
  }

  private listSecretVersionIds(i: ListSecretVersionIdsCommandInput): ListSecretVersionIdsCommandOutput {
    const secret = this.secret(i.SecretId);
    const versions = [...secret.versions.values()].filter((v) => i.IncludeDeprecated === true || v.stages.size > 0);
    return {
      ARN: secret.arn,
      Name: secret.name,
      Versions: versions.map((v) => ({ VersionId: v.id, VersionStages: [...v.stages], CreatedDate: v.createdAt })),
      $metadata: {},
    };
  }
}
