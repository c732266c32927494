import { inflateRawSync } from 'node:zlib';

/*
 * Reading what `osls package` produced: the CloudFormation template (resolving the few intrinsic
 * functions certflow uses into concrete ARNs for one pretend account), an IAM evaluator small
 * enough to trust, and a zip central-directory reader so no `unzip` binary is needed.
 */

/** One CloudFormation resource. */
export interface CfnResource {
  readonly Type: string;
  readonly Condition?: string;
  readonly Properties?: Record<string, unknown>;
}

/** The parts of a template these tests read. */
export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Conditions?: Record<string, unknown>;
}

/** An IAM policy statement as written in a template. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: unknown;
}

/** Where the template is pretended to be deployed. */
export const ACCOUNT = { partition: 'aws', region: 'eu-west-1', accountId: '123456789012' } as const;

export const asList = <T>(value: T | readonly T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? [...(value as T[])] : [value as T]);

/** Resources CloudFormation would create: those under a condition that never holds are left out. */
export function deployed(template: CfnTemplate): Record<string, CfnResource> {
  const never = new Set(
    Object.entries(template.Conditions ?? {})
      .filter(([, c]) => {
        const eq = (c as { 'Fn::Equals'?: unknown[] })['Fn::Equals'];
        return Array.isArray(eq) && typeof eq[0] === 'string' && typeof eq[1] === 'string' && eq[0] !== eq[1];
      })
      .map(([name]) => name),
  );
  return Object.fromEntries(Object.entries(template.Resources).filter(([, r]) => r.Condition === undefined || !never.has(r.Condition)));
}

/** Logical ids named by Ref, Fn::GetAtt and Fn::Sub anywhere in `value`. */
export function referencedIds(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => referencedIds(v, into));
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'Ref' && typeof inner === 'string' && !inner.startsWith('AWS::')) into.add(inner);
      else if (key === 'Fn::GetAtt' && Array.isArray(inner)) into.add(String(inner[0]));
      else if (key === 'Fn::Sub' && typeof inner === 'string') {
        for (const [, name] of inner.matchAll(/\$\{([^}.]+)(?:\.[^}]+)?\}/g)) if (!name!.startsWith('AWS::')) into.add(name!);
      } else referencedIds(inner, into);
    }
  }
  return into;
}

/** The ARN (or name) a resource's Ref / GetAtt Arn stands for, for the resource kinds certflow declares. */
function arnOf(template: CfnTemplate, id: string, attribute: string): string {
  const resource = template.Resources[id];
  if (!resource) throw new Error(`reference to missing resource ${id}`);
  const p = resource.Properties ?? {};
  const { partition, region, accountId } = ACCOUNT;
  const arn = (service: string, rest: string) => `arn:${partition}:${service}:${region}:${accountId}:${rest}`;
  switch (`${resource.Type}.${attribute}`) {
    case 'AWS::DynamoDB::Table.Arn':
      return arn('dynamodb', `table/${String(p.TableName)}`);
    case 'AWS::Events::EventBus.Arn':
      return arn('events', `event-bus/${String(p.Name)}`);
    case 'AWS::SQS::Queue.Arn':
      return arn('sqs', String(p.QueueName));
    case 'AWS::Events::Rule.Arn': {
      // A rule on a custom bus is named under its bus: rule/<bus>/<rule>.
      const bus = p.EventBusName === undefined ? undefined : template.Resources[String((p.EventBusName as { Ref?: string }).Ref)]?.Properties?.Name;
      return arn('events', `rule/${bus === undefined ? '' : `${String(bus)}/`}${String(p.Name)}`);
    }
    case 'AWS::SNS::Topic.Ref':
      return arn('sns', String(p.TopicName));
    default:
      throw new Error(`no ARN rule for ${resource.Type}.${attribute} (${id})`);
  }
}

/** Resolves a value made of strings, Ref, Fn::GetAtt, Fn::Sub and Fn::Join into a string. */
export function resolve(template: CfnTemplate, value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  const pseudo: Record<string, string> = { 'AWS::Partition': ACCOUNT.partition, 'AWS::Region': ACCOUNT.region, 'AWS::AccountId': ACCOUNT.accountId };
  if (typeof v.Ref === 'string') return pseudo[v.Ref] ?? arnOf(template, v.Ref, 'Ref');
  if (Array.isArray(v['Fn::GetAtt'])) return arnOf(template, String(v['Fn::GetAtt'][0]), String(v['Fn::GetAtt'][1]));
  if (typeof v['Fn::Sub'] === 'string') {
    return v['Fn::Sub'].replace(/\$\{([^}.]+)(?:\.([^}]+))?\}/g, (_, name: string, attr?: string) => pseudo[name] ?? arnOf(template, name, attr ?? 'Ref'));
  }
  if (Array.isArray(v['Fn::Join'])) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => resolve(template, part)).join(separator);
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/** Every policy statement in the template, with the resource it sits in. */
export function allStatements(template: CfnTemplate): { owner: string; statement: Statement }[] {
  const found: { owner: string; statement: Statement }[] = [];
  const walk = (owner: string, value: unknown): void => {
    if (Array.isArray(value)) value.forEach((v) => walk(owner, v));
    else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'Statement') asList(inner as Statement | Statement[]).forEach((statement) => found.push({ owner, statement }));
        else walk(owner, inner);
      }
    }
  };
  for (const [id, resource] of Object.entries(template.Resources)) walk(id, resource.Properties);
  return found;
}

/** IAM's wildcard match: `*` any run of characters (across `:` and `/`), `?` one; actions ignore case. */
export function iamMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, ignoreCase ? 'i' : '').test(value);
}

/**
 * Whether `statements` allow `action` on `arn`. Conditions are ignored, which can only widen what
 * is allowed: a call this denies is denied by the real policy too.
 */
export function allows(template: CfnTemplate, statements: readonly Statement[], action: string, arn: string): boolean {
  const hits = (s: Statement) =>
    asList(s.Action).some((a) => iamMatch(a, action, true)) && asList(s.Resource).some((r) => iamMatch(resolve(template, r), arn));
  if (statements.some((s) => s.Effect === 'Deny' && hits(s))) return false;
  return statements.some((s) => s.Effect === 'Allow' && hits(s));
}

/** The bytes of one entry (stored or deflated, the two methods zip tools write). */
export function unzipEntry(zip: Buffer, entry: ZipEntry): Buffer {
  if (zip.readUInt32LE(entry.offset) !== 0x04034b50) throw new Error(`bad local header for ${entry.name}`);
  // The local header repeats name and extra field, with lengths that may differ from the central copy.
  const start = entry.offset + 30 + zip.readUInt16LE(entry.offset + 26) + zip.readUInt16LE(entry.offset + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return Buffer.from(data);
  if (entry.method === 8) return inflateRawSync(data);
  throw new Error(`unsupported compression method ${entry.method} for ${entry.name}`);
}

/** One entry of a zip's central directory. */
export interface ZipEntry {
  readonly name: string;
  readonly compressedSize: number;
  readonly size: number;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  /** Where the entry's local header starts. */
  readonly offset: number;
}

/** Lists a zip's files from its central directory (no extraction, no external tool). */
export function zipEntries(zip: Buffer): ZipEntry[] {
  // The end-of-central-directory record is 22 bytes plus a comment of up to 64 KiB, at the very end.
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip: no end-of-central-directory record');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory header at ${at}`);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    entries.push({
      name: zip.toString('utf8', at + 46, at + 46 + nameLength),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      method: zip.readUInt16LE(at + 10),
      offset: zip.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
