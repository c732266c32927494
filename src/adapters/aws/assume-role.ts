import type { STSClient } from '@aws-sdk/client-sts';
import { CertflowError, ErrorCodes } from '../../domain/errors/index.js';
import type { AwsClientFactory } from './client-factory.js';

/** Temporary credentials as the SDK's credential providers return them. */
export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export type CredentialsProvider = () => Promise<TemporaryCredentials>;

// Imported when a role is first assumed, so a bundle that never discovers never loads STS.
const stsSdk = () => import('@aws-sdk/client-sts');

export interface AssumedRolesOptions {
  readonly aws: AwsClientFactory;
  /** Wall-clock milliseconds (the injected clock in tests). */
  readonly now: () => number;
  readonly sessionName?: string;
  readonly durationSeconds?: number;
  /** Refresh this long before the credentials expire, so no call goes out on credentials about to lapse. */
  readonly refreshBeforeMs?: number;
  /** Region of the STS endpoint (regional endpoints; default the runtime's). */
  readonly stsRegion?: string;
}

/**
 * Credentials for discovery roles in member accounts: one AssumeRole per role (so per account),
 * shared by every region's clients, refreshed shortly before expiry; concurrent callers wait on the
 * same call instead of each assuming the role.
 */
export class AssumedRoles {
  private readonly cache = new Map<string, { credentials?: TemporaryCredentials; pending?: Promise<TemporaryCredentials> }>();
  /** AssumeRole calls made (for tests and metrics). */
  calls = 0;

  constructor(private readonly options: AssumedRolesOptions) {}

  provider(roleArn: string, externalId: string | undefined): CredentialsProvider {
    return () => this.credentials(roleArn, externalId);
  }

  async credentials(roleArn: string, externalId: string | undefined): Promise<TemporaryCredentials> {
    const key = `${roleArn}|${externalId ?? ''}`;
    let entry = this.cache.get(key);
    if (!entry) {
      entry = {};
      this.cache.set(key, entry);
    }
    const fresh = entry.credentials;
    const refreshBefore = this.options.refreshBeforeMs ?? 5 * 60_000;
    if (fresh && (!fresh.expiration || fresh.expiration.getTime() - refreshBefore > this.options.now())) return fresh;
    if (!entry.pending) {
      const slot = entry;
      slot.pending = this.assume(roleArn, externalId).then(
        (c) => {
          slot.credentials = c;
          delete slot.pending;
          return c;
        },
        (error: unknown) => {
          delete slot.pending;
          throw error;
        },
      );
    }
    return entry.pending as Promise<TemporaryCredentials>;
  }

  private async assume(roleArn: string, externalId: string | undefined): Promise<TemporaryCredentials> {
    this.calls++;
    const { STSClient: Sts, AssumeRoleCommand } = await stsSdk();
    const sts: STSClient = this.options.aws.client(Sts, this.options.stsRegion ? { region: this.options.stsRegion } : {});
    let out;
    try {
      out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: this.options.sessionName ?? 'certflow-discovery',
          DurationSeconds: this.options.durationSeconds ?? 3600,
          ...(externalId === undefined ? {} : { ExternalId: externalId }),
        }),
      );
    } catch (error) {
      const name = (error as { name?: unknown } | undefined)?.name;
      const denied = name === 'AccessDenied' || name === 'AccessDeniedException';
      throw new CertflowError(
        denied ? ErrorCodes.SOURCE_ACCESS_DENIED : ErrorCodes.SOURCE_UNAVAILABLE,
        denied ? `cannot assume ${roleArn} (check its trust policy and ExternalId)` : `AssumeRole into ${roleArn} failed`,
        { retryable: !denied, cause: error, context: { roleArn } },
      );
    }
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) {
      throw new CertflowError(ErrorCodes.SOURCE_UNAVAILABLE, `AssumeRole into ${roleArn} returned no credentials`, { retryable: true, context: { roleArn } });
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: new Date(c.Expiration) } : {}),
    };
  }
}

/** The account id in an ARN (`arn:<partition>:<service>:<region>:<account>:...`). */
export function accountOfArn(arn: string): string | undefined {
  return arn.split(':')[4] || undefined;
}

