import { describe, expect, it } from 'vitest';
import { castVote, evaluatePolicy, expireIfOverdue, nameMatches } from '../../../src/domain/approval-policy.js';
import { aPolicy, aRequest, aSpec, T0 } from '../../support/builders.js';

const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe('nameMatches', () => {
  it.each([
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', 'example.com', false],
    ['**.example.com', 'a.b.example.com', true],
    ['**.example.com', 'example.com', false],
    ['API.Example.com', 'api.example.COM', true],
    ['10.0.0.*', '10.0.0.7', true],
  ])('matches %s against %s: %s', (pattern, name, expected) => {
    // Assess
    expect(nameMatches(pattern, name)).toBe(expected);
  });
});

describe('evaluatePolicy', () => {
  it('auto-approves when every name matches a rule for the issuer', () => {
    // Act
    const verdict = evaluatePolicy(aPolicy(), aRequest({ state: 'requested' }), T0);
    // Assess
    expect(verdict).toMatchObject({ kind: 'auto-approve', rule: 'internal' });
  });

  it('needs approval when one name falls outside every rule', () => {
    // Prepare
    const request = aRequest({ spec: aSpec({ names: { dns: ['api.internal.example.com', 'www.example.com'], ip: [], uri: [] } }) });
    // Act
    const verdict = evaluatePolicy(aPolicy(), request, T0);
    // Assess
    expect(verdict).toMatchObject({ kind: 'needs-approval', requiredApprovals: 1, deadline: later(72 * 60) });
  });

  it('denies a forbidden name even when a rule would approve it', () => {
    // Prepare
    const policy = aPolicy({ autoApprove: [{ name: 'all', names: ['**.com'] }] });
    const request = aRequest({ spec: aSpec({ names: { dns: ['vault.bank.example.com'], ip: [], uri: [] } }) });
    // Act
    const verdict = evaluatePolicy(policy, request, T0);
    // Assess
    expect(verdict).toMatchObject({ kind: 'deny', reason: 'name vault.bank.example.com is forbidden by policy' });
  });

  it('does not auto-approve through a rule limited to another issuer or a shorter validity', () => {
    // Prepare
    const otherIssuer = aRequest({ spec: aSpec({ issuer: { kind: 'acme', name: 'letsencrypt' } }) });
    const tooLong = aRequest({ spec: aSpec({ validityDays: 400 }) });
    const policy = aPolicy({ autoApprove: [{ name: 'short', names: ['**.example.com'], issuers: ['local'], maxValidityDays: 90 }] });
    // Assess
    expect(evaluatePolicy(policy, otherIssuer, T0).kind).toBe('needs-approval');
    expect(evaluatePolicy(policy, tooLong, T0).kind).toBe('needs-approval');
  });
});

describe('castVote', () => {
  it('refuses the requester approving their own request', () => {
    // Prepare
    const request = aRequest({ requester: 'alice' });
    // Act
    const act = () => castVote(aPolicy(), request, { approver: 'alice', verdict: 'approve', at: later(1) });
    // Assess
    expect(act).toThrow(expect.objectContaining({ code: 'APPROVAL.SELF_APPROVAL', message: 'alice requested req_test and cannot decide on their own request' }));
  });

  it('approves when another approver votes and writes the decision', () => {
    // Act
    const decided = castVote(aPolicy(), aRequest(), { approver: 'bob', verdict: 'approve', at: later(1) });
    // Assess
    expect(decided.state).toBe('approved');
    expect(decided.decision).toMatchObject({ outcome: 'approved', by: 'approvers', approvers: ['bob'] });
  });

  it('refuses any vote once the decision is written, so it cannot change', () => {
    // Prepare
    const decided = castVote(aPolicy(), aRequest(), { approver: 'bob', verdict: 'approve', at: later(1) });
    // Act
    const act = () => castVote(aPolicy(), decided, { approver: 'dave', verdict: 'deny', at: later(2) });
    // Assess
    expect(act).toThrow(expect.objectContaining({ code: 'APPROVAL.NOT_PENDING' }));
    expect(decided.decision?.outcome).toBe('approved');
  });

  it('needs N distinct approvers and counts a repeated approver once', () => {
    // Prepare
    const request = aRequest({ requiredApprovals: 2 });
    // Act
    const once = castVote(aPolicy(), request, { approver: 'bob', verdict: 'approve', at: later(1) });
    const twice = () => castVote(aPolicy(), once, { approver: 'bob', verdict: 'approve', at: later(2) });
    const done = castVote(aPolicy(), once, { approver: 'dave', verdict: 'approve', at: later(3) });
    // Assess
    expect(once.state).toBe('pending_approval');
    expect(twice).toThrow(expect.objectContaining({ code: 'APPROVAL.ALREADY_VOTED' }));
    expect(done.state).toBe('approved');
    expect(done.decision?.approvers).toEqual(['bob', 'dave']);
  });

  it('denies at the first deny vote', () => {
    // Act
    const denied = castVote(aPolicy(), aRequest({ requiredApprovals: 2 }), { approver: 'bob', verdict: 'deny', at: later(1), comment: 'not ours' });
    // Assess
    expect(denied.state).toBe('denied');
    expect(denied.decision).toMatchObject({ outcome: 'denied', reason: 'not ours' });
  });

  it('refuses approvers outside the policy list and votes after the deadline', () => {
    // Act
    const outsider = () => castVote(aPolicy(), aRequest(), { approver: 'mallory', verdict: 'approve', at: later(1) });
    const late = () => castVote(aPolicy(), aRequest(), { approver: 'bob', verdict: 'approve', at: later(73 * 60) });
    // Assess
    expect(outsider).toThrow(expect.objectContaining({ code: 'APPROVAL.NOT_AUTHORIZED' }));
    expect(late).toThrow(expect.objectContaining({ code: 'APPROVAL.NOT_PENDING' }));
  });
});

describe('expireIfOverdue', () => {
  it('expires a pending request after its deadline and not before', () => {
    // Act
    const early = expireIfOverdue(aRequest(), later(60));
    const overdue = expireIfOverdue(aRequest(), later(73 * 60));
    // Assess
    expect(early).toBeUndefined();
    expect(overdue?.state).toBe('expired');
    expect(overdue?.decision).toMatchObject({ outcome: 'expired', by: 'deadline' });
  });
});

describe('castVote identities', () => {
  it('compares identities trimmed, so padding cannot pass the self-approval check', () => {
    // Act
    const padded = () => castVote(aPolicy({ approvers: [] }), aRequest({ requester: 'carol' }), { approver: ' carol ', verdict: 'approve', at: later(1) });
    // Assess
    expect(padded).toThrow(expect.objectContaining({ code: 'APPROVAL.SELF_APPROVAL' }));
  });
});
