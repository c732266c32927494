import { decideRequest } from '../../../../src/app/decide-request.use-case.js';
import { submitRequest } from '../../../../src/app/submit-request.use-case.js';
import { SqliteStateStore } from '../../../../src/adapters/local/sqlite.state-store.js';
import { slackInteractivity, type InteractivityRequest, type SlackInteractivitySettings } from '../../../../src/adapters/slack/interactivity.js';
import type { GroupDirectory } from '../../../../src/adapters/slack/group-directory.js';
import { signSlackRequest } from '../../../../src/adapters/slack/signature.js';
import type { ApprovalPolicy } from '../../../../src/domain/approval-policy.js';
import type { CertificateRequest } from '../../../../src/domain/request.js';
import type { ItemWrite, StateStore } from '../../../../src/ports/state-store.port.js';
import { ManualClock } from '../../../support/local-fixture.js';
import { aPolicy, aSpec, T0 } from '../../../support/builders.js';

export const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
export const NOW_S = Math.floor(T0.getTime() / 1000) + 60;

export const SETTINGS: SlackInteractivitySettings = {
  teamId: 'T0001',
  appId: 'A0001',
  users: { UALICE: 'alice', UBOB: 'bob', UDAVE: 'dave', UCAROL: 'carol', UCAROL2: 'CAROL', UCAROLW: 'Ｃａｒｏｌ', UCAROLC: '\u0441arol', UMAL: 'mallory', UERIN: 'erin' },
  groups: { 'payments-approvers': 'SPAY', 'web-approvers': 'SWEB' },
};

export interface Click {
  readonly user?: string;
  readonly action?: 'certflow.approve' | 'certflow.deny';
  readonly team?: string;
  readonly app?: string;
  readonly requestId: string;
  readonly hash: string;
}

export function payloadBody(c: Click, extra: Record<string, unknown> = {}): string {
  const payload = {
    type: 'block_actions',
    team: { id: c.team ?? 'T0001', domain: 'example' },
    api_app_id: c.app ?? 'A0001',
    user: { id: c.user ?? 'UALICE', username: 'someone', team_id: c.team ?? 'T0001' },
    actions: [{ action_id: c.action ?? 'certflow.approve', block_id: 'certflow:x', type: 'button', value: JSON.stringify({ r: c.requestId, h: c.hash }), action_ts: '1' }],
    response_url: 'https://hooks.slack.com/actions/T0001/1/abc',
    trigger_id: '1.2.3',
    ...extra,
  };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export function signed(body: string | Buffer, at = NOW_S, secret = SECRET): InteractivityRequest {
  const ts = at.toString();
  return { headers: { 'X-Slack-Request-Timestamp': ts, 'X-Slack-Signature': signSlackRequest(secret, ts, body), 'Content-Type': 'application/x-www-form-urlencoded' }, body };
}

/** A directory answering from a fixed table, or failing as told. */
export function fixedDirectory(members: Readonly<Record<string, readonly string[]>>): GroupDirectory & { calls: number } {
  const d = {
    calls: 0,
    groupsOf(userId: string, candidates: readonly string[]) {
      d.calls++;
      return Promise.resolve(candidates.filter((g) => members[g]?.includes(userId)));
    },
  };
  return d;
}

/** A pending request, a decide use case and the endpoint on one SQLite store; counts successful writes. */
export class SlackLab {
  // In memory: the same store and conditional writes, without a file and its syncs per test.
  readonly store = SqliteStateStore.open(':memory:');
  readonly clock = new ManualClock(new Date(NOW_S * 1000));
  readonly writes: ItemWrite<unknown>[] = [];
  readonly responses: { url: string; message: Record<string, unknown> }[] = [];
  readonly state: StateStore;
  readonly handle: ReturnType<typeof slackInteractivity>;

  constructor(
    readonly policy: ApprovalPolicy = aPolicy({ autoApprove: [], approvers: [], requiredApprovals: 1 }),
    readonly directory: GroupDirectory = fixedDirectory({}),
    settings: SlackInteractivitySettings = SETTINGS,
  ) {
    const store = this.store;
    const writes = this.writes;
    this.state = {
      get: (key) => store.get(key),
      query: (pk, options) => store.query(pk, options),
      queryDue: (until, options) => store.queryDue(until, options),
      listPartitions: (prefix, options) => store.listPartitions(prefix, options),
      async write(write) {
        const result = await store.write(write);
        if (result.ok) writes.push(write as ItemWrite<unknown>);
        return result;
      },
    };
    const deps = { state: this.state, clock: this.clock, policy };
    this.handle = slackInteractivity({
      signingSecret: SECRET,
      settings,
      clock: this.clock,
      decide: decideRequest(deps),
      directory,
      respond: (url, message) => {
        this.responses.push({ url, message });
        return Promise.resolve();
      },
    });
  }

  async pending(requester = 'carol', id = 'pay'): Promise<CertificateRequest> {
    const { request } = await submitRequest({ state: this.state, clock: this.clock, policy: this.policy })({
      spec: aSpec({ id, names: { dns: [`${id}.example.com`], ip: [], uri: [] }, owner: 'team-payments' }),
      revision: 1,
      reason: 'new',
      requester,
    });
    this.writes.length = 0;
    return request;
  }

  async current(id: string): Promise<CertificateRequest> {
    return (await this.store.get<CertificateRequest>({ pk: `REQ#${id}`, sk: 'META' }))!.data;
  }

  async dispose(): Promise<void> {
    await this.store.close();
  }
}
