import { describe, expect, it } from 'vitest';
import { castVote } from '../../../src/domain/approval-policy.js';
import { checkIdentity, identityKey, samePerson } from '../../../src/domain/identity.js';
import { aPolicy, aRequest, T0 } from '../../support/builders.js';

const at = new Date(T0.getTime() + 60_000);
// The reproduction: nobody listed, two approvals needed, carol asked.
const open = aPolicy({ approvers: [], requiredApprovals: 2 });
const carols = aRequest({ requester: 'carol', requiredApprovals: 2 });
const vote = (approver: string, request = carols) => () => castVote(open, request, { approver, verdict: 'approve', at });

describe('identityKey', () => {
  it.each([
    ['Carol', 'carol'],
    ['CAROL', 'carol'],
    ['Ｃａｒｏｌ', 'carol'],
    ['  carol  ', 'carol'],
    ['Straße', 'strasse'],
    ['arn:aws:iam::123456789012:user/Carol', 'arn:aws:iam::123456789012:user/carol'],
    ['山田太郎', '山田太郎'],
    ['José', 'josé'],
  ])('folds %s to %s', (raw, key) => {
    // Assess
    expect(identityKey(raw)).toBe(key);
  });

  it.each([
    ['car\u200Bol', 'IDENTITY.INVALID', 'invisible'],
    ['carol\u200D', 'IDENTITY.INVALID', 'invisible'],
    ['\u2066carol\u2069', 'IDENTITY.INVALID', 'invisible'],
    ['car\u00ADol', 'IDENTITY.INVALID', 'invisible'],
    ['\u3164', 'IDENTITY.INVALID', 'invisible'],
    ['   ', 'IDENTITY.INVALID', 'empty'],
    ['\u0441arol', 'IDENTITY.CONFUSABLE', 'mixed-script'],
    ['p\u0430ypal', 'IDENTITY.CONFUSABLE', 'mixed-script'],
    ['\u0440\u0430\u0443', 'IDENTITY.CONFUSABLE', 'confusable'],
    ['\u03BF\u03BD\u03B1', 'IDENTITY.CONFUSABLE', 'confusable'],
  ])('refuses %j with %s (%s)', (raw, code, problem) => {
    // Act
    const act = () => identityKey(raw, 'approver');
    // Assess
    expect(act).toThrow(expect.objectContaining({ code, context: { problem } }));
  });

  it('does not quote the refused identity in its message', () => {
    // Act
    const check = checkIdentity('\u0441arol');
    // Assess
    expect(check).toEqual({ ok: false, problem: 'mixed-script', detail: 'it mixes the scripts Cyrillic and Latin' });
  });

  it('treats look-alike spellings as one person', () => {
    // Assess
    expect(samePerson('carol', 'CAROL')).toBe(true);
    expect(samePerson('carol', '\u0441arol')).toBe(true);
    expect(samePerson('carol', 'car\u200Bol')).toBe(true);
    expect(samePerson('bob', 'b0b')).toBe(true);
    expect(samePerson('carol', 'alice')).toBe(false);
  });
});

describe('castVote under identity variants (the issue reproductions; each passed on the old code)', () => {
  it.each([
    ['Carol', 'APPROVAL.SELF_APPROVAL'],
    ['CAROL', 'APPROVAL.SELF_APPROVAL'],
    ['Ｃａｒｏｌ', 'APPROVAL.SELF_APPROVAL'],
    ['ｃａｒｏｌ', 'APPROVAL.SELF_APPROVAL'],
    ['\u0441arol', 'IDENTITY.CONFUSABLE'],
    ['car\u200Bol', 'IDENTITY.INVALID'],
    ['carol\uFEFF', 'IDENTITY.INVALID'],
  ])('refuses %j approving carol\'s request with %s', (approver, code) => {
    // Assess
    expect(vote(approver)).toThrow(expect.objectContaining({ code }));
  });

  it('refuses "--as Carol then --as CAROL": no vote is ever counted', () => {
    // Act
    const first = vote('Carol');
    // Assess
    expect(first).toThrow(expect.objectContaining({ code: 'APPROVAL.SELF_APPROVAL' }));
    expect(vote('CAROL')).toThrow(expect.objectContaining({ code: 'APPROVAL.SELF_APPROVAL' }));
  });

  it('counts N approvals only from N distinct normalised identities', () => {
    // Prepare
    const once = castVote(open, carols, { approver: 'Bob', verdict: 'approve', at });
    // Act
    const again = ['BOB', 'Ｂｏｂ', 'b0b', ' bob '].map((v) => vote(v, once));
    const done = castVote(open, once, { approver: 'dave', verdict: 'approve', at });
    // Assess
    for (const act of again) expect(act).toThrow(expect.objectContaining({ code: 'APPROVAL.ALREADY_VOTED' }));
    expect(once.votes.map((v) => v.approver)).toEqual(['bob']);
    expect(done.decision).toMatchObject({ outcome: 'approved', approvers: ['bob', 'dave'] });
  });

  it('refuses a requester whose own identity was written with another case', () => {
    // Prepare
    const request = aRequest({ requester: 'Carol', requiredApprovals: 2 });
    // Assess
    expect(vote('carol', request)).toThrow(expect.objectContaining({ code: 'APPROVAL.SELF_APPROVAL' }));
  });

  it('matches listed approvers and group members by normalised identity', () => {
    // Prepare
    const listed = aPolicy({ approvers: ['Alice'] });
    const grouped = aPolicy({ approvers: [], approverGroups: { pki: ['ALICE'] } });
    const request = aRequest({ approverGroups: ['pki'] });
    // Act
    const byList = castVote(listed, aRequest(), { approver: 'ａｌｉｃｅ', verdict: 'approve', at });
    const byGroup = castVote(grouped, request, { approver: 'alice', verdict: 'approve', at });
    const outsider = () => castVote(grouped, request, { approver: 'bob', verdict: 'approve', at });
    const verifiedElsewhere = () => castVote(grouped, request, { approver: 'alice', verdict: 'approve', at }, { groups: ['other'] });
    // Assess
    expect(byList.state).toBe('approved');
    expect(byGroup.state).toBe('approved');
    expect(outsider).toThrow(expect.objectContaining({ code: 'APPROVAL.NOT_AUTHORIZED' }));
    expect(verifiedElsewhere).toThrow(expect.objectContaining({ code: 'APPROVAL.NOT_AUTHORIZED' }));
  });

  it('refuses, with a code, a vote on a request whose approver group is no longer configured, even one named like an Object member', () => {
    // Prepare: the request was made under a scope naming group 'constructor'; the policy has since dropped it
    const policy = aPolicy({ approvers: [], approverGroups: { pki: ['alice'] } });
    const request = aRequest({ approverGroups: ['constructor'] });
    // Act
    const vote = () => castVote(policy, request, { approver: 'alice', verdict: 'approve', at });
    // Assess
    expect(vote).toThrow(expect.objectContaining({ code: 'APPROVAL.NOT_AUTHORIZED' }));
  });
});
