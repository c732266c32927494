import { awsClientFactory, awsSettings, buildStateStore } from '../src/composition/aws-runtime.js';
import { loadAwsConfig } from '../src/composition/aws-configured-runtime.js';
import { slackEndpoint } from '../src/composition/slack-endpoint.js';
import { systemClock } from '../src/ports/clock.port.js';
import { countByCode, lambdaHandler, logger } from './lib/lambda.js';
import { registries } from '../src/adapters/registries.js';

// Cold start: the configuration (Slack workspace, app, users, groups), the table, and the two
// Slack secrets read from SSM SecureString by the names the configuration gives; never from the environment.
const settings = awsSettings(process.env, ['tableName', 'configLocation']);
const clients = awsClientFactory();
const config = await loadAwsConfig(settings.configLocation, clients, registries);
const handle = await slackEndpoint({ config, state: buildStateStore(settings, clients), clock: systemClock, secrets: { aws: clients, resolvePath: (p) => p } });

/** API Gateway HTTP API (payload 2.0); the body may arrive base64-encoded. */
interface HttpRequest {
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}

interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Slack shows an error after 3 s; the follow-up notes get what is left of 2.5 s, the decision is already written. */
const ANSWER_BUDGET_MS = 2500;

/**
 * `POST /slack/interactivity`: Slack's button clicks. Verified before parsing; a forged request
 * gets an empty 401 and writes nothing; a verified click is recorded through the decide use case.
 * Lambda cannot work after its answer, so the ephemeral note and the message replacement are sent
 * within the remaining budget; the decision event updates the message again through the notifier.
 */
export const handler = lambdaHandler<HttpResponse>({
  fn: 'slackInteractivity',
  summarize: (r) => ({ status: r.statusCode }),
}).handler(async (event: unknown): Promise<HttpResponse> => {
  const started = Date.now();
  const http = event as HttpRequest;
  const result = await handle({ headers: http.headers ?? {}, ...(http.body === undefined ? {} : { body: http.body }), isBase64Encoded: http.isBase64Encoded === true });
  // Outcomes and codes only: never the body, the headers or the signature.
  logger.info('slack interaction', { outcome: result.outcome, ...(result.refusal ? { refusal: result.refusal } : {}), ...(result.code ? { code: result.code } : {}) });
  countByCode('SlackInteractions', result.outcome);
  if (result.after) {
    const left = Math.max(0, ANSWER_BUDGET_MS - (Date.now() - started));
    await Promise.race([result.after(), new Promise((resolve) => setTimeout(resolve, left).unref())]);
  }
  return { statusCode: result.status, headers: { 'content-type': 'text/plain' }, body: result.body };
});
