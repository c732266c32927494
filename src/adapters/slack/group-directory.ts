import type { Clock } from '../../ports/clock.port.js';
import { ownValue } from '../../domain/own-value.js';
import type { SlackWebApi } from './web-api.js';

/** Looks up who belongs to a Slack user group; fails closed. */
export interface GroupDirectory {
  /** The policy approver groups (by name) `userId` belongs to; any doubt leaves a group out. */
  groupsOf(userId: string, candidates: readonly string[]): Promise<string[]>;
}

export interface SlackGroupDirectoryOptions {
  readonly api: Pick<SlackWebApi, 'call'>;
  readonly clock: Clock;
  /** Policy group name → Slack user group id (`S…`). A policy group with no Slack group grants nothing here. */
  readonly groups: Readonly<Record<string, string>>;
  /** How long a member list is trusted; short, so a removal takes effect soon. */
  readonly ttlMs?: number;
}

/**
 * Group membership from `usergroups.users.list`, cached briefly per group. Any error, a timeout,
 * a 429, an unknown group or an answer of the wrong shape means "not a member": a lookup that
 * fails never grants, and its failure is not cached as a success.
 */
export class SlackGroupDirectory implements GroupDirectory {
  private readonly cache = new Map<string, { readonly users: ReadonlySet<string>; readonly until: number }>();

  constructor(private readonly options: SlackGroupDirectoryOptions) {}

  async groupsOf(userId: string, candidates: readonly string[]): Promise<string[]> {
    const results = await Promise.all(candidates.map(async (group) => ((await this.members(group))?.has(userId) ? group : undefined)));
    return results.filter((g): g is string => g !== undefined);
  }

  private async members(group: string): Promise<ReadonlySet<string> | undefined> {
    const slackId = ownValue(this.options.groups, group);
    if (!slackId) return undefined;
    const now = this.options.clock.now().getTime();
    const cached = this.cache.get(slackId);
    if (cached && cached.until > now) return cached.users;
    try {
      const answer = await this.options.api.call<{ users?: unknown }>('usergroups.users.list', { usergroup: slackId });
      if (!Array.isArray(answer.users) || !answer.users.every((u) => typeof u === 'string')) return undefined;
      const users = new Set(answer.users as string[]);
      this.cache.set(slackId, { users, until: now + (this.options.ttlMs ?? 60_000) });
      return users;
    } catch {
      return undefined;
    }
  }
}
