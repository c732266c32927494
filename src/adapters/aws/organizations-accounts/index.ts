import { Type } from '@sinclair/typebox';
import type { AdapterDescriptor } from '../../registry/descriptor.js';
import type { AccountSource } from '../../../ports/account-source.port.js';

const Region = Type.String({ pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' });
const optionsSchema = Type.Object(
  {
    regions: Type.Array(Region, { minItems: 1, maxItems: 40, uniqueItems: true }),
    roleName: Type.String({ pattern: '^[\\w+=,.@-]{1,64}$', description: 'The discovery role in every member account (see deploy/member-discovery-role.yml).' }),
    externalId: Type.Optional(Type.String({ pattern: '^[\\w+=,.@:/-]{2,1224}$' })),
    organizationalUnits: Type.Optional(Type.Array(Type.String({ pattern: '^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$' }), { minItems: 1, maxItems: 100 })),
    tags: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 128 }), Type.String({ maxLength: 256 }))),
    excludeAccounts: Type.Optional(Type.Array(Type.String({ pattern: '^\\d{12}$' }), { maxItems: 1000 })),
    cacheSeconds: Type.Integer({ minimum: 0, maximum: 86_400, default: 3600 }),
    region: Type.Optional(Region),
  },
  { additionalProperties: false },
);

/** The organization's active accounts (optionally by OU and tags), through one discovery role. */
export const organizationsAccounts = {
  kind: 'organizations',
  summary: 'the accounts of an AWS Organization, filtered by OU or tag, reached by AssumeRole',
  runtimes: ['local', 'aws'],
  optionsSchema,
  async create(deps, { name, options }) {
    const { OrganizationsAccountSource } = await import('./organizations.account-source.js');
    return new OrganizationsAccountSource({
      name,
      aws: deps.aws,
      now: () => deps.clock.now().getTime(),
      regions: options.regions,
      roleName: options.roleName,
      cacheSeconds: options.cacheSeconds ?? 3600,
      ...(options.externalId === undefined ? {} : { externalId: options.externalId }),
      ...(options.organizationalUnits === undefined ? {} : { organizationalUnits: options.organizationalUnits }),
      ...(options.tags === undefined ? {} : { tags: options.tags }),
      ...(options.excludeAccounts === undefined ? {} : { excludeAccounts: options.excludeAccounts }),
      ...(options.region === undefined ? {} : { region: options.region }),
    });
  },
} as const satisfies AdapterDescriptor<AccountSource, typeof optionsSchema>;
