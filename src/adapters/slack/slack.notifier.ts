import type { ItemKey, StateStore } from '../../ports/state-store.port.js';
import type { ApprovalPrompt, Notification, Notifier } from '../../ports/notifier.port.js';
import { approvalMessage, decidedMessage, escapeMrkdwn } from './blocks.js';
import type { SlackOptions } from './slack.options.js';
import type { SlackWebApi } from './web-api.js';

/** Where the approval message of a request was posted, so its decision can update it. */
export interface PostedMessage {
  readonly channel: string;
  readonly ts: string;
}

const messageKey = (requestId: string): ItemKey => ({ pk: `REQ#${requestId}`, sk: 'SLACK#MESSAGE' });

const SEVERITY_EMOJI = { info: ':information_source:', warning: ':warning:', critical: ':rotating_light:' } as const;

/**
 * The `slack` notifier: `Approval Requested` posts a Block Kit message with approve and deny
 * buttons to the approval channel and remembers where; a decision or expiry replaces that message
 * (who decided, buttons removed); other notifications go to the channel of their severity.
 */
export class SlackNotifier implements Notifier {
  constructor(
    private readonly api: () => Promise<Pick<SlackWebApi, 'call'>>,
    private readonly options: Pick<SlackOptions, 'approvalChannel' | 'channels'>,
    private readonly state: StateStore,
  ) {}

  async notify(n: Notification): Promise<void> {
    if (n.approval) return this.ask(n.approval);
    if (n.decision) {
      const posted = await this.state.get<PostedMessage>(messageKey(n.decision.requestId));
      if (posted) {
        const message = decidedMessage(n.decision, n.title);
        await (await this.api()).call('chat.update', { channel: posted.data.channel, ts: posted.data.ts, ...message });
        return;
      }
    }
    const channel = this.options.channels?.[n.severity] ?? this.options.approvalChannel;
    await (await this.api()).call('chat.postMessage', {
      channel,
      text: `${SEVERITY_EMOJI[n.severity]} ${n.title}: ${n.text}`,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `${SEVERITY_EMOJI[n.severity]} *${escapeMrkdwn(n.title)}*\n${escapeMrkdwn(n.text)}` } }],
    });
  }

  private async ask(approval: ApprovalPrompt): Promise<void> {
    const key = messageKey(approval.requestId);
    // EventBridge delivers at least once: a request already asked about is not asked again.
    if (await this.state.get(key)) return;
    const answer = await (await this.api()).call<{ channel?: unknown; ts?: unknown }>('chat.postMessage', { channel: this.options.approvalChannel, ...approvalMessage(approval) });
    if (typeof answer.channel === 'string' && typeof answer.ts === 'string') {
      await this.state.write<PostedMessage>({ key, condition: { kind: 'absent' }, data: { channel: answer.channel, ts: answer.ts } });
    }
  }
}
