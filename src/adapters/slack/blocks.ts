import type { ApprovalPrompt, DecisionNote } from '../../ports/notifier.port.js';

/*
 * Block Kit messages for approvals. Every text a requester could influence (names, reasons) goes
 * in `plain_text` or is escaped for mrkdwn, so a name cannot ping a channel or fake a link.
 */

export const APPROVE_ACTION = 'certflow.approve';
export const DENY_ACTION = 'certflow.deny';

/** What a button carries: the request and the content its message showed. */
export interface ButtonValue {
  readonly requestId: string;
  readonly contentHash: string;
}

export function encodeButtonValue(v: ButtonValue): string {
  return JSON.stringify({ r: v.requestId, h: v.contentHash });
}

export function decodeButtonValue(value: unknown): ButtonValue | undefined {
  if (typeof value !== 'string' || value.length > 512) return undefined;
  try {
    const parsed = JSON.parse(value) as { r?: unknown; h?: unknown };
    if (typeof parsed.r !== 'string' || typeof parsed.h !== 'string' || parsed.r.length === 0 || parsed.h.length === 0) return undefined;
    return { requestId: parsed.r, contentHash: parsed.h };
  } catch {
    return undefined;
  }
}

/** Escapes mrkdwn control characters (Slack: &, <, >) so text shows as typed. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const list = (values: readonly string[], max = 20) => (values.length <= max ? values.join(', ') : `${values.slice(0, max).join(', ')} and ${(values.length - max).toString()} more`);

/** `Approval Requested`: what is asked, why a human must decide, and approve/deny buttons with a confirmation. */
export function approvalMessage(p: ApprovalPrompt): { text: string; blocks: unknown[] } {
  const value = encodeButtonValue({ requestId: p.requestId, contentHash: p.contentHash });
  const fields = [
    ['Names', list(p.names)],
    ['Issuer', p.issuer],
    ['Key', p.keyAlgorithm],
    ...(p.commonName === undefined ? [] : [['Client identity (CN)', p.commonName]]),
    ['Validity', p.validityDays !== undefined ? `${p.validityDays.toString()} days` : p.validityHours !== undefined ? `${p.validityHours.toString()} hours` : 'default'],
    ['Requester', p.requester],
    ['Approvals needed', `${p.requiredApprovals.toString()} before ${p.deadline}`],
  ].map(([k, v]) => ({ type: 'mrkdwn', text: clip(`*${k}*\n${escapeMrkdwn(v ?? '')}`, 2000) }));
  const confirm = (verb: string) => ({
    title: { type: 'plain_text', text: `${verb} issuance?` },
    text: { type: 'plain_text', text: clip(`${verb} a certificate for ${list(p.names, 5)} (request ${p.requestId})`, 300) },
    confirm: { type: 'plain_text', text: verb },
    deny: { type: 'plain_text', text: 'Cancel' },
    ...(verb === 'Approve' ? { style: 'danger' } : {}),
  });
  return {
    text: clip(`Approval needed for ${p.certificateId}: ${list(p.names, 5)}`, 3000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(`Approval needed: ${p.certificateId}`, 150) } },
      { type: 'section', fields },
      { type: 'section', text: { type: 'mrkdwn', text: clip(`*Why a human decides*\n${p.reasons.map((r) => `• ${escapeMrkdwn(r)}`).join('\n')}`, 3000) } },
      {
        type: 'actions',
        // A new block id per content, so a click on an older version of the message is recognisable.
        block_id: clip(`certflow:${p.requestId}:${p.contentHash.slice(0, 16)}`, 255),
        elements: [
          { type: 'button', action_id: APPROVE_ACTION, text: { type: 'plain_text', text: 'Approve' }, style: 'primary', value, confirm: confirm('Approve') },
          { type: 'button', action_id: DENY_ACTION, text: { type: 'plain_text', text: 'Deny' }, style: 'danger', value, confirm: confirm('Deny') },
        ],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(`request ${p.requestId}`) }] },
    ],
  };
}

/** The message once decided: who decided and why, buttons removed. */
export function decidedMessage(d: DecisionNote, title = `Request ${d.requestId}`): { text: string; blocks: unknown[] } {
  const what = d.outcome === 'expired' ? 'Expired: nobody decided before the deadline' : `${d.outcome === 'approved' ? 'Approved' : 'Denied'} by ${d.approvers.length > 0 ? d.approvers.join(', ') : 'policy'}`;
  return {
    text: clip(`${title}: ${what}`, 3000),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(`*${escapeMrkdwn(title)}*\n${escapeMrkdwn(what)}`, 3000) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: clip(escapeMrkdwn(d.reason || d.outcome), 3000) }] },
    ],
  };
}
