import { Type } from '@sinclair/typebox';
import { CertflowError, ErrorCodes } from '../../../domain/errors/index.js';
import type { CertificateSource } from '../../../ports/certificate-source.port.js';
import type { AdapterDescriptor, AdapterFactoryDeps } from '../../registry/descriptor.js';

const optionsSchema = Type.Object(
  {
    accounts: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 20, uniqueItems: true, description: 'Names of configured account sources.' }),
    quotaShare: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.75, description: 'Share of ACM\'s per-account-region request quotas to use.' }),
    describeConcurrency: Type.Integer({ minimum: 1, maximum: 64, default: 16 }),
    ownerTag: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    sessionName: Type.Optional(Type.String({ pattern: '^[\\w+=,.@-]{2,64}$' })),
    sessionSeconds: Type.Integer({ minimum: 900, maximum: 43_200, default: 3600 }),
  },
  { additionalProperties: false },
);

/** Shared by every ACM source of a process: one AssumeRole per role and one bucket per account-region-API. */
const shared = new WeakMap<object, { roles: unknown; limits: Map<number, unknown> }>();

/** ACM in every account-region an account source lists. */
export const acmSource = {
  kind: 'acm',
  summary: 'certificates in AWS Certificate Manager, per account and region',
  runtimes: ['local', 'aws'],
  optionsSchema,
  async create(deps: AdapterFactoryDeps, { name, options }) {
    const [{ AcmSource }, { AssumedRoles }, { RateLimits, ACM_QUOTAS }] = await Promise.all([
      import('./acm.source.js'),
      import('../assume-role.js'),
      import('../token-bucket.js'),
    ]);
    const accounts = options.accounts.map((n) => {
      if (!deps.accountSources?.names().includes(n)) {
        throw new CertflowError(ErrorCodes.CONFIG_INVALID, `source ${name} names account source ${n}, which is not configured`, { context: { name: n } });
      }
      return deps.accountSources.get(n);
    });
    let slot = shared.get(deps.aws);
    if (!slot) {
      slot = {
        roles: new AssumedRoles({
          aws: deps.aws,
          now: () => deps.clock.now().getTime(),
          ...(options.sessionName ? { sessionName: options.sessionName } : {}),
          durationSeconds: options.sessionSeconds ?? 3600,
        }),
        limits: new Map(),
      };
      shared.set(deps.aws, slot);
    }
    const share = options.quotaShare ?? 0.75;
    let limits = slot.limits.get(share) as InstanceType<typeof RateLimits> | undefined;
    if (!limits) {
      limits = new RateLimits(ACM_QUOTAS, share);
      slot.limits.set(share, limits);
    }
    return new AcmSource({
      name,
      aws: deps.aws,
      accounts,
      roles: slot.roles as InstanceType<typeof AssumedRoles>,
      limits,
      describeConcurrency: options.describeConcurrency ?? 16,
      ...(options.ownerTag ? { ownerTag: options.ownerTag } : {}),
    });
  },
} as const satisfies AdapterDescriptor<CertificateSource, typeof optionsSchema>;
