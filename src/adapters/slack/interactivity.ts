import type { DecideCommand } from '../../app/decide-request.use-case.js';
import { isCertflowError, ErrorCodes } from '../../domain/errors/index.js';
import type { CertificateRequest } from '../../domain/request.js';
import type { Clock } from '../../ports/clock.port.js';
import { APPROVE_ACTION, DENY_ACTION, decidedMessage, decodeButtonValue, escapeMrkdwn } from './blocks.js';
import type { GroupDirectory } from './group-directory.js';
import { rawBody, verifySlackSignature, type RawHeaders, type SignatureRefusal } from './signature.js';

/** Which Slack app and workspace may talk to certflow, and who its users are. */
export interface SlackInteractivitySettings {
  /** `team.id` every payload must carry (the workspace). */
  readonly teamId: string;
  /** `api_app_id` every payload must carry (this app, not another one sharing the URL). */
  readonly appId: string;
  /** Slack user id → certflow identity; a user not listed decides nothing. */
  readonly users: Readonly<Record<string, string>>;
  /** Policy approver group → Slack user group id. */
  readonly groups: Readonly<Record<string, string>>;
}

export interface InteractivityDeps {
  readonly signingSecret: string;
  readonly settings: SlackInteractivitySettings;
  readonly clock: Clock;
  readonly decide: (cmd: DecideCommand) => Promise<CertificateRequest>;
  readonly directory: GroupDirectory;
  /** Posts to the interaction's `response_url` (ephemeral notes, the decided message). */
  readonly respond: (url: string, message: Record<string, unknown>) => Promise<void>;
}

/** An HTTP request as API Gateway (payload 2.0) or a local server gives it. */
export interface InteractivityRequest {
  readonly headers: RawHeaders;
  readonly body?: string | Buffer;
  readonly isBase64Encoded?: boolean;
}

export type InteractivityOutcome =
  | 'forged'
  | 'malformed'
  | 'foreign'
  | 'ignored'
  | 'unmapped'
  | 'recorded'
  | 'decided'
  | 'replay'
  | 'stale'
  | 'refused'
  | 'unavailable';

export interface InteractivityResponse {
  readonly status: number;
  readonly body: string;
  readonly outcome: InteractivityOutcome;
  /** Why a signature was refused (for a metric; never returned to the caller). */
  readonly refusal?: SignatureRefusal;
  /** An error code when a decision was refused. */
  readonly code?: string;
  /** Work to do once Slack has its answer: notes to the clicker, the decided message. */
  readonly after?: () => Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024;

const empty = (status: number, outcome: InteractivityOutcome, extra: Partial<InteractivityResponse> = {}): InteractivityResponse => ({ status, body: '', outcome, ...extra });

interface BlockActionsPayload {
  readonly type?: unknown;
  readonly team?: { readonly id?: unknown } | null;
  readonly api_app_id?: unknown;
  readonly user?: { readonly id?: unknown } | null;
  readonly actions?: readonly { readonly action_id?: unknown; readonly value?: unknown }[];
  readonly response_url?: unknown;
}

/** Parses `payload=<url-encoded JSON>`; undefined when the body is anything else. */
function parsePayload(body: Buffer): BlockActionsPayload | undefined {
  const form = new URLSearchParams(body.toString('utf8'));
  const values = form.getAll('payload');
  if (values.length !== 1) return undefined;
  try {
    const parsed: unknown = JSON.parse(values[0]!);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as BlockActionsPayload) : undefined;
  } catch {
    return undefined;
  }
}

const ephemeral = (text: string) => ({ response_type: 'ephemeral', replace_original: false, text });

/** What the clicker is told when a decision is refused, by code: plain words, no internals. */
function refusalNote(code: string, message: string): string {
  switch (code) {
    case ErrorCodes.APPROVAL_NOT_PENDING:
      return `This request is no longer waiting for a decision: ${message}`;
    case ErrorCodes.APPROVAL_STALE:
      return 'This message is out of date: the request asks for other content now. Nothing was recorded.';
    case ErrorCodes.APPROVAL_ALREADY_VOTED:
      return 'Your vote on this request was already recorded.';
    case ErrorCodes.APPROVAL_SELF_APPROVAL:
      return 'You asked for this certificate, so you cannot decide on it.';
    case ErrorCodes.APPROVAL_NOT_AUTHORIZED:
      return 'You are not an approver for this request.';
    case ErrorCodes.REQUEST_UNKNOWN:
      return 'certflow does not know this request.';
    default:
      return `Nothing was recorded: ${message}`;
  }
}

/**
 * The Slack interactivity endpoint, platform-neutral (Lambda and `certflow slack serve` wrap it).
 * Order matters: the signature is checked over the exact bytes first, and a request that fails it
 * gets an empty 401 and touches nothing; only then is the body parsed, the workspace and app
 * pinned, the clicker mapped from the verified `user.id`, their groups looked up (failing closed),
 * and the vote recorded through the decide use case (a conditional write). Slack gets its answer
 * as soon as the vote is written; notes and the message update are `after` work.
 */
export function slackInteractivity(deps: InteractivityDeps) {
  return async (request: InteractivityRequest): Promise<InteractivityResponse> => {
    const body = rawBody(request.body, request.isBase64Encoded);
    if (body.length > MAX_BODY_BYTES) return empty(413, 'malformed');
    const verdict = verifySlackSignature(deps.signingSecret, { headers: request.headers, body }, Math.floor(deps.clock.now().getTime() / 1000));
    if (!verdict.ok) return empty(401, 'forged', { refusal: verdict.reason });

    const payload = parsePayload(body);
    if (!payload) return empty(400, 'malformed');
    if (payload.team?.id !== deps.settings.teamId || payload.api_app_id !== deps.settings.appId) return empty(403, 'foreign');
    if (payload.type !== 'block_actions') return empty(200, 'ignored');
    const action = payload.actions?.length === 1 ? payload.actions[0] : undefined;
    const verb = action?.action_id === APPROVE_ACTION ? 'approve' : action?.action_id === DENY_ACTION ? 'deny' : undefined;
    const button = decodeButtonValue(action?.value);
    const userId = typeof payload.user?.id === 'string' ? payload.user.id : undefined;
    if (!verb || !button || !userId) return empty(200, 'ignored');
    const responseUrl = typeof payload.response_url === 'string' ? payload.response_url : undefined;
    const note = (text: string) => (responseUrl ? () => deps.respond(responseUrl, ephemeral(text)).catch(() => undefined) : undefined);

    const approver = Object.hasOwn(deps.settings.users, userId) ? deps.settings.users[userId] : undefined;
    if (!approver) {
      const after = note('Your Slack account is not mapped to a certflow identity, so it cannot decide. Nothing was recorded.');
      return empty(200, 'unmapped', after ? { after } : {});
    }
    const groups = await deps.directory.groupsOf(userId, Object.keys(deps.settings.groups));
    try {
      const decided = await deps.decide({ requestId: button.requestId, approver, verdict: verb, expectedContentHash: button.contentHash, groups });
      if (decided.decision) {
        const message = decidedMessage(
          { requestId: decided.id, outcome: decided.decision.outcome, approvers: decided.decision.approvers, reason: decided.decision.reason },
          `Request ${decided.id} for ${decided.certificateId}`,
        );
        const after = responseUrl ? () => deps.respond(responseUrl, { replace_original: true, ...message }).catch(() => undefined) : undefined;
        return empty(200, 'decided', after ? { after } : {});
      }
      const approvals = decided.votes.filter((v) => v.verdict === 'approve').length;
      const after = note(escapeMrkdwn(`Your approval is recorded: ${approvals.toString()} of ${decided.requiredApprovals.toString()}.`));
      return empty(200, 'recorded', after ? { after } : {});
    } catch (error) {
      if (!isCertflowError(error)) throw error;
      const replay = error.code === ErrorCodes.APPROVAL_ALREADY_VOTED || error.code === ErrorCodes.APPROVAL_NOT_PENDING;
      const outcome: InteractivityOutcome = error.retryable ? 'unavailable' : replay ? 'replay' : error.code === ErrorCodes.APPROVAL_STALE ? 'stale' : 'refused';
      const after = note(error.retryable ? 'certflow could not record your decision just now; please click again.' : refusalNote(error.code, error.message));
      return empty(200, outcome, { code: error.code, ...(after ? { after } : {}) });
    }
  };
}
