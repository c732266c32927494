import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, type Tags } from 'yaml';

/** CloudFormation's short forms, read as `{ 'Fn::X': value }` so the template's structure can be checked. */
const cfnTags: Tags = ['Ref', 'Sub', 'If', 'Not', 'Equals', 'GetAtt', 'Select'].flatMap((name) =>
  (['scalar', 'seq', 'map'] as const).map((collection) => ({
    tag: `!${name}`,
    collection: collection === 'scalar' ? undefined : collection,
    resolve: (value: unknown) => ({ [name === 'Ref' ? 'Ref' : `Fn::${name}`]: value }),
  })) as unknown as Tags,
);

const template = parse(readFileSync('deploy/member-discovery-role.yml', 'utf8'), { customTags: cfnTags }) as {
  Parameters: Record<string, { Default?: unknown }>;
  Resources: { DiscoveryRole: { Properties: { AssumeRolePolicyDocument: { Statement: Array<Record<string, unknown>> }; Policies: Array<{ PolicyDocument: { Statement: Array<{ Action: string[]; Effect: string }> } }> } } };
};

describe('member account discovery role template', () => {
  it('trusts only certflow\'s account and only with the ExternalId', () => {
    // Act
    const trust = template.Resources.DiscoveryRole.Properties.AssumeRolePolicyDocument.Statement;
    // Assess
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({ Effect: 'Allow', Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } } });
    expect(JSON.stringify(trust[0]?.Principal)).toContain('CertflowAccountId');
  });

  it('grants ACM list, describe, get certificate and list tags, and nothing else', () => {
    // Act
    const actions = template.Resources.DiscoveryRole.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement.flatMap((s) => s.Action));
    // Assess
    expect(actions.sort()).toEqual(['acm:DescribeCertificate', 'acm:GetCertificate', 'acm:ListCertificates', 'acm:ListTagsForCertificate']);
  });

  it('has no account-specific values, so one StackSet serves every member account', () => {
    // Act
    const text = readFileSync('deploy/member-discovery-role.yml', 'utf8');
    // Assess
    expect(text).not.toMatch(/\b\d{12}\b/);
    expect(text).not.toMatch(/arn:aws:/);
    expect(template.Parameters.ExternalId?.Default).toBeUndefined();
  });
});
