import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, type Tags } from 'yaml';

/** yaml hands a collection tag its node: made plain here, so nested short forms read as plain JS too. */
const plain = (value: unknown): unknown => (value !== null && typeof value === 'object' && 'toJSON' in value ? (value as { toJSON(): unknown }).toJSON() : value);

/** CloudFormation's short forms, read as `{ 'Fn::X': value }` so the template's structure can be checked. */
const cfnTags: Tags = ['Ref', 'Sub', 'If', 'Not', 'Equals', 'GetAtt', 'Select', 'Join', 'And', 'Or', 'Split'].flatMap((name) =>
  (['scalar', 'seq', 'map'] as const).map((collection) => ({
    tag: `!${name}`,
    collection: collection === 'scalar' ? undefined : collection,
    resolve: (value: unknown) => ({ [name === 'Ref' ? 'Ref' : `Fn::${name}`]: plain(value) }),
  })) as unknown as Tags,
);

const PATH = 'deploy/roles-anywhere.yml';
type Node = Record<string, unknown>;
interface Template {
  Parameters: Record<string, { AllowedPattern?: string; Default?: unknown; Type: string }>;
  Resources: Record<string, { Type: string; Properties: Node }>;
  Outputs: Record<string, { Value: unknown }>;
}
const load = (): Template => parse(readFileSync(PATH, 'utf8'), { customTags: cfnTags }) as Template;

const THREE = ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'];
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** Every `Action`/`NotAction` value anywhere in the template, with where it is. */
function actionsIn(node: unknown, at = ''): { at: string; key: string; value: unknown }[] {
  if (Array.isArray(node)) return node.flatMap((n, i) => actionsIn(n, `${at}/${i.toString()}`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) => [...(k === 'Action' || k === 'NotAction' ? [{ at, key: k, value: v }] : []), ...actionsIn(v, `${at}/${k}`)]);
}

/**
 * What the issue asks of the template, as a list of problems (none when it holds), so the same
 * check runs on the shipped template and on mutated copies that must fail it.
 */
function problems(t: Template): string[] {
  const found: string[] = [];
  const byType = (type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);
  const [anchor] = byType('AWS::RolesAnywhere::TrustAnchor');
  const [role] = byType('AWS::IAM::Role');
  const [profile] = byType('AWS::RolesAnywhere::Profile');
  if (!anchor || !role || !profile) return ['needs one trust anchor, one role and one profile'];
  const trust = (role[1].Properties['AssumeRolePolicyDocument'] as { Statement: Node[] }).Statement;
  if (trust.length !== 1) found.push(`trust policy has ${trust.length.toString()} statements`);
  for (const s of trust) {
    if (JSON.stringify(s['Principal']) !== JSON.stringify({ Service: 'rolesanywhere.amazonaws.com' })) found.push('trust principal is not only rolesanywhere.amazonaws.com');
    if (s['Effect'] !== 'Allow' || 'NotAction' in s || 'NotPrincipal' in s) found.push('trust statement is not a plain Allow');
    if (JSON.stringify(asList(s['Action']).slice().sort()) !== JSON.stringify(THREE)) found.push(`trust actions are ${JSON.stringify(s['Action'])}`);
    const condition = (s['Condition'] ?? {}) as Record<string, Node>;
    if (JSON.stringify(condition['ArnEquals']?.['aws:SourceArn']) !== JSON.stringify({ 'Fn::GetAtt': `${anchor[0]}.TrustAnchorArn` })) found.push('trust is not conditioned on the trust anchor ARN');
    if (JSON.stringify(condition['StringEquals']?.['aws:PrincipalTag/x509Subject/CN']) !== JSON.stringify({ Ref: 'AllowedCommonNames' })) found.push('trust is not conditioned on the subject CN');
  }
  const session = profile[1].Properties['SessionPolicy'] ?? profile[1].Properties['ManagedPolicyArns'];
  if (session === undefined) found.push('profile has no session policy');
  if (JSON.stringify(profile[1].Properties['RoleArns']) !== JSON.stringify([{ 'Fn::GetAtt': `${role[0]}.Arn` }])) found.push('profile does not name exactly the role');
  for (const a of actionsIn(t)) {
    if (a.key === 'NotAction') found.push(`NotAction at ${a.at}`);
    for (const action of asList(a.value)) if (typeof action === 'string' && action.includes('*')) found.push(`wildcard action ${action} at ${a.at}`);
  }
  return found;
}

/** The profile's session policy as CloudFormation renders it for given list parameters. */
function renderSessionPolicy(t: Template, actions: string[], resources: string[]): unknown {
  const [text, vars] = (t.Resources['Profile']!.Properties['SessionPolicy'] as { 'Fn::Sub': [string, Record<string, { 'Fn::Join': [string, { Ref: string }] }>] })['Fn::Sub'];
  const lists: Record<string, string[]> = { PermissionActions: actions, PermissionResources: resources };
  return JSON.parse(text.replace(/\$\{(\w+)\}/g, (_, name: string) => lists[vars[name]!['Fn::Join'][1].Ref]!.join(vars[name]!['Fn::Join'][0])));
}

describe('IAM Roles Anywhere template', () => {
  it('trusts rolesanywhere.amazonaws.com for exactly AssumeRole, TagSession and SetSourceIdentity, on the anchor ARN and the CN; the profile has a session policy; no wildcard action', () => {
    // Act
    const found = problems(load());
    // Assess
    expect(found).toEqual([]);
  });

  it('fails that check when the template is weakened in any of the ways it guards against', () => {
    // Prepare: one mutation per guarded property, each on a fresh copy
    const mutations: [string, (t: Template) => void][] = [
      ['wildcard trust action', (t) => ((t.Resources['WorkloadRole']!.Properties['AssumeRolePolicyDocument'] as { Statement: Node[] }).Statement[0]!['Action'] = 'sts:*')],
      ['a fourth trust action', (t) => ((t.Resources['WorkloadRole']!.Properties['AssumeRolePolicyDocument'] as { Statement: Node[] }).Statement[0]!['Action'] = [...THREE, 'sts:AssumeRoleWithWebIdentity'])],
      ['no anchor condition', (t) => delete ((t.Resources['WorkloadRole']!.Properties['AssumeRolePolicyDocument'] as { Statement: Node[] }).Statement[0]!['Condition'] as Node)['ArnEquals']],
      ['no CN condition', (t) => delete ((t.Resources['WorkloadRole']!.Properties['AssumeRolePolicyDocument'] as { Statement: Node[] }).Statement[0]!['Condition'] as Node)['StringEquals']],
      ['no session policy', (t) => {
        delete t.Resources['Profile']!.Properties['SessionPolicy'];
        delete t.Resources['Profile']!.Properties['ManagedPolicyArns'];
      }],
      ['wildcard permission', (t) => (((t.Resources['WorkloadRole']!.Properties['Policies'] as Node[])[0]!['PolicyDocument'] as { Statement: Node[] }).Statement[0]!['Action'] = 's3:*')],
    ];
    // Act
    const results = mutations.map(([name, mutate]) => {
      const t = load();
      mutate(t);
      return [name, problems(t).length > 0] as const;
    });
    // Assess
    expect(results.filter(([, failed]) => !failed).map(([name]) => name)).toEqual([]);
  });

  it('repeats the role\'s permission set as the session policy, so the two layers grant the same list', () => {
    // Prepare
    const t = load();
    // Act
    const policy = renderSessionPolicy(t, ['s3:GetObject', 's3:PutObject'], ['arn:aws:s3:::reports/*']);
    const roleStatement = ((t.Resources['WorkloadRole']!.Properties['Policies'] as Node[])[0]!['PolicyDocument'] as { Statement: Node[] }).Statement[0];
    // Assess
    expect(policy).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'SessionScope', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: ['arn:aws:s3:::reports/*'] }],
    });
    expect(roleStatement).toMatchObject({ Effect: 'Allow', Action: { Ref: 'PermissionActions' }, Resource: { Ref: 'PermissionResources' } });
    expect(t.Resources['Profile']!.Properties['ManagedPolicyArns']).toEqual(t.Resources['WorkloadRole']!.Properties['ManagedPolicyArns']);
  });

  it('refuses wildcard actions and CNs (StringEquals would compare the * literally), a bare * resource and text that would break the session policy JSON at parameter time', () => {
    // Prepare
    const { Parameters: p } = load();
    const allowed = (name: string, value: string) => new RegExp(p[name]!.AllowedPattern!).test(value);
    // Act
    const actions = ['s3:GetObject', 's3:*', '*', 's3:Get*', 's3:GetObject"'].map((a) => allowed('PermissionActions', a));
    const resources = ['arn:aws:s3:::reports/*', '*', 'arn:aws:s3:::x"}]'].map((r) => allowed('PermissionResources', r));
    const anchors = ['', 'arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/0b1c2d3e-1111-2222-3333-444455556666', 'arn:aws:iam::123456789012:role/x'].map((a) => allowed('PrivateCaArn', a));
    const commonNames = ['batch.example.com', 'Build-Runner@ci+x=1', '*.example.com', '*', 'x'].map((n) => allowed('AllowedCommonNames', n));
    // Assess
    expect(commonNames).toEqual([true, true, false, false, false]);
    expect(actions).toEqual([true, false, false, false, false]);
    expect(resources).toEqual([true, false, false]);
    expect(anchors).toEqual([true, true, false]);
  });

  it('outputs the anchor, profile and role ARNs the rolesanywhere destination needs, and holds no account-specific value', () => {
    // Prepare
    const t = load();
    // Act
    const outputs = Object.fromEntries(Object.entries(t.Outputs).map(([k, v]) => [k, v.Value]));
    // Assess
    expect(outputs).toEqual({
      TrustAnchorArn: { 'Fn::GetAtt': 'TrustAnchor.TrustAnchorArn' },
      ProfileArn: { 'Fn::GetAtt': 'Profile.ProfileArn' },
      RoleArn: { 'Fn::GetAtt': 'WorkloadRole.Arn' },
    });
    expect(readFileSync(PATH, 'utf8')).not.toMatch(/\b\d{12}\b|arn:aws:/);
  });
});
