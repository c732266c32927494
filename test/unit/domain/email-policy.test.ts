import { describe, expect, it } from 'vitest';
import { evaluatePolicy, type ApprovalPolicy, type PolicyScope } from '../../../src/domain/approval-policy.js';
import type { CertificateSpec, SubjectNames } from '../../../src/domain/certificate.js';
import { matchName, patternProblem, type StepCounter } from '../../../src/domain/name-match.js';
import { aPolicy, aRequest, aSpec, T0 } from '../../support/builders.js';

/** The mail team may hold its host names and mailboxes at example.com, plus one exact address elsewhere. */
const MAIL_SCOPE: PolicyScope = {
  name: 'mail',
  teams: ['team-mail'],
  allowedDnsNames: ['**.mail.example.com'],
  allowedEmails: ['*@example.com', '*@**.example.com', 'Postmaster@example.org'],
};

const policy = (overrides: Partial<ApprovalPolicy> = {}, scope: Partial<PolicyScope> = {}): ApprovalPolicy =>
  aPolicy({
    forbiddenNames: ['*@vault.example.com', 'root@example.com', 'secret.example.com'],
    autoApprove: [{ name: 'mail-hosts', names: ['**.mail.example.com'] }],
    scopes: [{ ...MAIL_SCOPE, ...scope }, { name: 'web', teams: ['team-web'], allowedDnsNames: ['**.web.example.com'] }],
    ...overrides,
  });

const names = (email: readonly string[], dns: readonly string[] = ['smtp.mail.example.com']): SubjectNames => ({ dns, ip: [], uri: [], email });
const mailSpec = (overrides: Partial<CertificateSpec> = {}): CertificateSpec =>
  aSpec({ id: 'smtp', owner: 'team-mail', commonName: 'smtp.mail.example.com', names: names(['ops@example.com']), ...overrides });
const requestFor = (spec: CertificateSpec) => aRequest({ state: 'requested', spec });

describe('evaluatePolicy on email SANs', () => {
  it.each([
    ['any mailbox at the scope domain', ['ops@example.com']],
    ['a mailbox at a sub-domain, the domain written in capitals', ['alerts@EU.Example.com']],
    ['the exact address allowed elsewhere', ['Postmaster@example.org']],
  ])('lets %s through to a human', (_, email) => {
    // Act
    const verdict = evaluatePolicy(policy(), requestFor(mailSpec({ names: names(email) })), T0);

    // Assess
    expect(verdict.kind).toBe('needs-approval');
  });

  it.each([
    ['a mailbox at another domain', ['ops@example.net'], 'email address ops@example.net is outside the names scope mail allows'],
    ['an exact address with another case in its local part (the local part is case-sensitive)', ['postmaster@example.org'], 'email address postmaster@example.org is outside the names scope mail allows'],
    ['a mailbox at a domain that merely ends like the allowed one', ['ops@badexample.com'], 'email address ops@badexample.com is outside the names scope mail allows'],
  ])('refuses %s, saying why', (_, email, reason) => {
    // Act
    const verdict = evaluatePolicy(policy(), requestFor(mailSpec({ names: names(email) })), T0);

    // Assess
    expect(verdict).toMatchObject({ kind: 'deny', reasons: [reason] });
  });

  it('refuses an email when the scope sanTypes leave out email, naming the addresses', () => {
    // Act
    const verdict = evaluatePolicy(policy({}, { sanTypes: ['dns'] }), requestFor(mailSpec()), T0);

    // Assess
    expect(verdict).toMatchObject({ kind: 'deny', reasons: ['scope mail does not allow EMAIL names (ops@example.com)'] });
  });

  it('lets an email through when sanTypes include email', () => {
    // Act
    const verdict = evaluatePolicy(policy({}, { sanTypes: ['dns', 'email'] }), requestFor(mailSpec()), T0);

    // Assess
    expect(verdict.kind).toBe('needs-approval');
  });

  it('grants no email from a scope without allowedEmails (a scope written before email SANs existed)', () => {
    // Prepare
    const spec = mailSpec({ owner: 'team-web', names: names(['ops@web.example.com'], ['a.web.example.com']) });

    // Act
    const verdict = evaluatePolicy(policy(), requestFor(spec), T0);

    // Assess
    expect(verdict).toMatchObject({ kind: 'deny', reasons: ['scope web allows no email addresses, so it cannot grant ops@web.example.com (set allowedEmails)'] });
  });

  it.each([
    ['an email pattern', 'keys@vault.example.com'],
    ['an exact address', 'root@example.com'],
    ['a DNS pattern covering the domain', 'ops@secret.example.com'],
  ])('refuses a name forbidden by %s', (_, email) => {
    // Act
    const verdict = evaluatePolicy(policy(), requestFor(mailSpec({ names: names([email]) })), T0);

    // Assess
    expect(verdict).toMatchObject({ kind: 'deny', reasons: [`name ${email} is forbidden by policy`] });
  });

  it('does not auto-approve when a rule covers the host names but not the email', () => {
    // Prepare: without the email, the same request is approved by rule mail-hosts
    const plain = evaluatePolicy(policy(), requestFor(mailSpec({ names: names([]) })), T0);

    // Act
    const verdict = evaluatePolicy(policy(), requestFor(mailSpec()), T0);

    // Assess
    expect(plain).toMatchObject({ kind: 'auto-approve', rule: 'mail-hosts' });
    expect(verdict).toMatchObject({ kind: 'needs-approval', reasons: ['no auto-approval rule covers every name of the request'] });
  });

  it('auto-approves when a rule names the email with an email pattern', () => {
    // Prepare
    const rules = { autoApprove: [{ name: 'mail', names: ['**.mail.example.com', '*@example.com'] }] };

    // Act
    const verdict = evaluatePolicy(policy(rules), requestFor(mailSpec()), T0);

    // Assess
    expect(verdict).toMatchObject({ kind: 'auto-approve', rule: 'mail' });
  });

  it('does not auto-approve under the own zones when the request also carries an email', () => {
    // Prepare
    const zoned = policy({ autoApprove: [] }, { ownZones: ['mail.example.com'] });

    // Act
    const withEmail = evaluatePolicy(zoned, requestFor(mailSpec()), T0);
    const without = evaluatePolicy(zoned, requestFor(mailSpec({ names: names([]) })), T0);

    // Assess
    expect(without).toMatchObject({ kind: 'auto-approve', rule: 'mail-own-zones' });
    expect(withEmail.kind).toBe('needs-approval');
  });

  it('does not auto-approve an unchanged renewal whose new spec adds an email', () => {
    // Prepare
    const previous = mailSpec({ names: names([]) });
    const request = aRequest({ state: 'requested', reason: 'renewal', spec: mailSpec() });

    // Act
    const verdict = evaluatePolicy(policy({ autoApprove: [], autoApproveUnchangedRenewals: true }), request, T0, { previous });
    const unchanged = evaluatePolicy(policy({ autoApprove: [], autoApproveUnchangedRenewals: true }), request, T0, { previous: mailSpec() });

    // Assess
    expect(verdict.kind).toBe('needs-approval');
    expect(unchanged).toMatchObject({ kind: 'auto-approve', rule: 'unchanged-renewal' });
  });
});

describe('email patterns', () => {
  it.each([
    ['*@example.com', 'ops@example.com', true],
    ['*@example.com', 'ops@EXAMPLE.COM', true],
    ['*@example.com', 'ops@a.example.com', false],
    ['*@*.example.com', 'ops@a.example.com', true],
    ['*@**.example.com', 'ops@a.b.example.com', true],
    ['Ops@example.com', 'Ops@example.com', true],
    ['Ops@example.com', 'ops@example.com', false],
    ['*@example.com', '@example.com', false],
    ['example.com', 'ops@example.com', false],
  ])('%s matches %s: %s', (pattern, name, expected) => {
    // Act
    const matched = matchName(pattern, name, 'email');

    // Assess
    expect(matched).toBe(expected);
  });

  it.each([
    ['example.com', 'is not an email pattern (local-part@domain, the local part * for any)'],
    ['ops*@example.com', "has a wildcard inside the local part 'ops*' (use * for any local part, or an exact one)"],
    ['*@ex*.com', "has a domain that has a wildcard inside the label 'ex*' (a wildcard must be a whole label: * or **)"],
    ['*@example..com', 'has a domain that has an empty label'],
  ])('refuses the pattern %s, saying why', (pattern, problem) => {
    // Act
    const found = patternProblem(pattern, 'email');

    // Assess
    expect(found).toBe(problem);
  });

  it('matches a pathological domain pattern in steps linear in the name and the pattern', () => {
    // Prepare
    const counter: StepCounter = { steps: 0 };
    const pattern = `*@${Array.from({ length: 50 }, () => '**').join('.')}.example.com`;
    const name = `ops@${Array.from({ length: 200 }, () => 'a').join('.')}.example.org`;

    // Act
    const matched = matchName(pattern, name, 'email', counter);

    // Assess: at most (labels of the name) × (labels of the pattern + 1), plus the local part
    expect(matched).toBe(false);
    expect(counter.steps).toBeLessThanOrEqual(1 + 202 * 53);
  });
});
