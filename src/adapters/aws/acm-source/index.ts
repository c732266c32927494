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
    /**
     * Key types to list (default: every one). Either spelling is accepted: the model's (`RSA_2048`,
     * `EC_prime256v1`) or the one ACM's examples use (`RSA-2048`, `EC-prime256v1`).
     */
    keyTypes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 32 }), { minItems: 1, maxItems: 7 })),
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
    const [{ AcmSource }, { AssumedRoles }, { RateLimits, ACM_QUOTAS }, { acmKeyType, ACM_KEY_TYPES }] = await Promise.all([
      import('./acm.source.js'),
      import('../assume-role.js'),
      import('../token-bucket.js'),
      import('./acm-enums.js'),
    ]);
    const keyTypes = (options.keyTypes ?? [...ACM_KEY_TYPES]).map((k) => {
      const known = acmKeyType(k);
      if (!known) throw new CertflowError(ErrorCodes.CONFIG_INVALID, `source ${name}: unknown ACM key type ${k} (one of ${ACM_KEY_TYPES.join(', ')})`, { context: { name } });
      return known;
    });
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
      keyTypes: [...new Set(keyTypes)],
      ...(options.ownerTag ? { ownerTag: options.ownerTag } : {}),
    });
  },
} as const satisfies AdapterDescriptor<CertificateSource, typeof optionsSchema>;
