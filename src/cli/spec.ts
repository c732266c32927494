/**
 * Every command, subcommand and option of the CLI, in one table that parsing, `--help`,
 * completion scripts and the tests all read. Loading this module imports nothing else: a
 * command's code (and what it pulls in: SQLite, ajv, crypto) is imported only when it runs.
 */
import type { CommandHandler } from './context.js';

export interface OptionSpec {
  readonly name: string;
  readonly short?: string;
  readonly type: 'string' | 'boolean';
  /** How the value is written in help, e.g. `FILE`. */
  readonly value?: string;
  readonly help: string;
  readonly multiple?: boolean;
  /** Values completion offers (the command still checks them). */
  readonly choices?: readonly string[];
  /** Completion completes a file name. */
  readonly file?: boolean;
}

export interface CommandSpec {
  readonly name: string;
  /** One line, for the command list. */
  readonly summary: string;
  /** Positional arguments as help shows them, e.g. `<certificate>`. */
  readonly args?: string;
  readonly description?: string;
  readonly options: readonly OptionSpec[];
  readonly examples: readonly string[];
  readonly subcommands?: readonly CommandSpec[];
  /** Positional values completion offers. */
  readonly argChoices?: readonly string[];
  readonly load?: () => Promise<CommandHandler>;
}

export const HELP: OptionSpec = { name: 'help', short: 'h', type: 'boolean', help: 'show this help and exit' };
const CONFIG: OptionSpec = { name: 'config', short: 'c', type: 'string', value: 'FILE', file: true, help: 'configuration file (default: $CERTFLOW_CONFIG, then ./certflow.yaml)' };
/** How a command reaches certflow's state; see runtimeOptions() in context.ts and openRuntime() in runtime.ts. */
const RUNTIME: readonly OptionSpec[] = [CONFIG];
const STAGE: OptionSpec = { name: 'stage', type: 'string', value: 'STAGE', help: 'work on a deployed stack (certflow-STAGE-state) with your AWS credentials instead of the local default' };
const REGION: OptionSpec = { name: 'region', type: 'string', value: 'REGION', help: 'the stack\'s AWS region with --stage (default: $AWS_REGION, your profile\'s region)' };
/** Commands that also run against a deployed stage. */
const STAGE_RUNTIME: readonly OptionSpec[] = [CONFIG, STAGE, REGION];
const JSON_OUT: OptionSpec = { name: 'json', type: 'boolean', help: 'print the documented JSON shape (see schemas/cli/) instead of text' };
const AS: OptionSpec = { name: 'as', type: 'string', value: 'WHO', help: 'who you are (default: $CERTFLOW_USER)' };

export const REQUEST_STATE_CHOICES = ['requested', 'pending_approval', 'approved', 'denied', 'expired', 'issuing', 'failed', 'issued'] as const;
/** RFC 5280 CRLReason names (kept here, not imported: this table loads nothing). */
export const REVOCATION_REASON_CHOICES = ['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'certificateHold', 'removeFromCRL', 'privilegeWithdrawn', 'aACompromise'] as const;
export const STATUS_CHOICES = ['not-issued', 'ready', 'renewal-due', 'expiring', 'expired'] as const;

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'run',
    summary: 'one full cycle: discover, plan, decide by policy, issue, alert, publish',
    description: 'Uses the system clock. To see what a run would do at another time, use `certflow plan --at DATE`.',
    options: [...RUNTIME, JSON_OUT],
    examples: ['certflow run --config certflow.yaml'],
    load: () => import('./commands/run.command.js').then((m) => m.runCommand),
  },
  {
    name: 'plan',
    summary: 'what a run would do (now or --at a date), writing nothing; exit 1 when a person is needed',
    description:
      'Discovers, plans, applies the policy and raises alerts on an in-memory copy of the state: the data directory, the key store, the CA and the event log are left exactly as they were.',
    options: [...RUNTIME, { name: 'at', type: 'string', value: 'DATE', help: 'the time to plan for, an ISO date (default: now)' }, JSON_OUT],
    examples: ['certflow plan', 'certflow plan --at 2027-03-01', 'certflow plan --at "$(date -d +70days -Is)" --json'],
    load: () => import('./commands/plan.command.js').then((m) => m.planCommand),
  },
  {
    name: 'discover',
    summary: 'one discovery sweep: ACM in every account-region, TLS endpoints, folders; into the inventory',
    description: 'Account-regions are scanned side by side, each paced under its ACM quotas. A scope that fails is reported and the others go on; the exit status is 1 when any failed.',
    options: [...RUNTIME, JSON_OUT],
    examples: ['certflow discover', 'certflow discover --json | jq .totals'],
    load: () => import('./commands/discovery.command.js').then((m) => m.discoverCommand),
  },
  {
    name: 'report',
    summary: 'the inventory as one self-contained HTML page: expiry timeline, what expires first, counts, problems',
    options: [
      ...RUNTIME,
      { name: 'html', type: 'string', value: 'FILE', file: true, help: 'write the page to FILE' },
      { name: 'weeks', type: 'string', value: 'N', help: 'weeks on the timeline (default 26)' },
    ],
    examples: [
      'certflow report --html report.html',
      'chromium --headless --no-sandbox --disable-gpu --screenshot=report.png --window-size=1280,1700 "file://$PWD/report.html"',
    ],
    load: () => import('./commands/discovery.command.js').then((m) => m.reportCommand),
  },
  {
    name: 'ls',
    summary: 'the inventory: every certificate, its days remaining, status and next renewal',
    options: [
      ...STAGE_RUNTIME,
      { name: 'status', type: 'string', value: 'STATUS', choices: STATUS_CHOICES, help: `only certificates in this status (${STATUS_CHOICES.join(', ')})` },
      { name: 'expiring-within', type: 'string', value: 'DAYS', help: 'only certificates expiring within DAYS (e.g. 30d), expired ones included' },
      { name: 'account', type: 'string', value: 'ID', help: 'only certificates found in this AWS account' },
      // Not --region: that names the stack's region with --stage.
      { name: 'in-region', type: 'string', value: 'REGION', help: 'only certificates found in this AWS region' },
      { name: 'source', type: 'string', value: 'NAME', help: 'only certificates from this configured source (or origin: acm, endpoint, file, managed)' },
      JSON_OUT,
    ],
    examples: [
      'certflow ls',
      'certflow ls --status renewal-due --json',
      'certflow ls --expiring-within 30d --account 111122223333 --in-region eu-west-1 --source acm --json',
      'certflow ls --stage prod --region eu-west-1',
    ],
    load: () => import('./commands/inventory.command.js').then((m) => m.lsCommand),
  },
  {
    name: 'requests',
    summary: 'issuance requests, optionally of one state',
    options: [...STAGE_RUNTIME, { name: 'state', type: 'string', value: 'STATE', choices: REQUEST_STATE_CHOICES, help: `only requests in this state (${REQUEST_STATE_CHOICES.join(', ')})` }, JSON_OUT],
    examples: ['certflow requests --state pending_approval'],
    load: () => import('./commands/inventory.command.js').then((m) => m.requestsCommand),
  },
  {
    name: 'show',
    summary: 'one certificate (revisions, key store versions) or one request',
    args: '<certificate|request>',
    options: [...STAGE_RUNTIME, JSON_OUT],
    examples: ['certflow show api', 'certflow show req_01J... --json'],
    load: () => import('./commands/inventory.command.js').then((m) => m.showCommand),
  },
  {
    name: 'request',
    summary: 'ask for a new revision of a managed certificate (policy applies; the next run issues it)',
    args: '<certificate>',
    options: [...STAGE_RUNTIME, AS],
    examples: ['certflow request api --as carol'],
    load: () => import('./commands/decision.command.js').then((m) => m.requestCommand),
  },
  {
    name: 'revoke',
    summary: 'revoke the CURRENT certificate at its issuer (RFC 5280 reason); it stops being CURRENT',
    args: '<certificate>',
    options: [
      ...RUNTIME,
      { name: 'reason', type: 'string', value: 'REASON', choices: REVOCATION_REASON_CHOICES, help: `RFC 5280 reason (${REVOCATION_REASON_CHOICES.join(', ')}; default unspecified)` },
      { name: 'no-replace', type: 'boolean', help: 'do not issue a replacement at the next run (the default for cessationOfOperation, privilegeWithdrawn, certificateHold)' },
      { name: 'replace', type: 'boolean', help: 'issue a replacement at the next run (the default for every other reason)' },
    ],
    examples: ['certflow revoke api --reason keyCompromise', 'certflow revoke old-api --reason cessationOfOperation'],
    load: () => import('./commands/revoke.command.js').then((m) => m.revokeCommand),
  },
  {
    name: 'renew',
    summary: 'a new revision now: request it and issue it at once if policy approves',
    args: '<certificate>',
    options: [
      ...RUNTIME,
      { name: 'all', type: 'boolean', help: 'every managed certificate' },
      { name: 'reason', type: 'string', value: 'TEXT', help: 'why, kept with the request (e.g. "key compromise")' },
      AS,
    ],
    examples: ['certflow renew api --as alice --reason "key compromise"', 'certflow renew --all --as alice'],
    load: () => import('./commands/renew.command.js').then((m) => m.renewCommand),
  },
  {
    name: 'approve',
    summary: 'approve a pending request',
    args: '<request|certificate>',
    options: [...STAGE_RUNTIME, AS, { name: 'comment', type: 'string', value: 'TEXT', help: 'kept with the vote' }],
    examples: ['certflow approve payments --as alice --comment "ticket 42"'],
    load: () => import('./commands/decision.command.js').then((m) => m.approveCommand),
  },
  {
    name: 'deny',
    summary: 'deny a pending request',
    args: '<request|certificate>',
    options: [...STAGE_RUNTIME, AS, { name: 'comment', type: 'string', value: 'TEXT', help: 'kept with the vote' }],
    examples: ['certflow deny payments --as bob --comment "not ours"'],
    load: () => import('./commands/decision.command.js').then((m) => m.denyCommand),
  },
  {
    name: 'export',
    summary: 'write the CURRENT certificate, chain, key (0600) and root to a directory',
    args: '<certificate>',
    options: [...RUNTIME, { name: 'out', short: 'o', type: 'string', value: 'DIR', file: true, help: 'target directory (created 0700)' }, { name: 'force', type: 'boolean', help: 'overwrite existing files' }],
    examples: ['certflow export api --out ./api-tls', 'openssl verify -CAfile api-tls/root.pem -untrusted api-tls/chain.pem api-tls/cert.pem'],
    load: () => import('./commands/export.command.js').then((m) => m.exportCommand),
  },
  {
    name: 'trust-anchor',
    summary: 'what a verifier registers to trust client certificates (IAM Roles Anywhere trust anchors)',
    options: [],
    examples: ['certflow trust-anchor export --issuer local --out anchor.pem'],
    subcommands: [
      {
        name: 'export',
        summary: "a local CA's root (PEM) to register as an external trust anchor, or a Private CA's ARN; never creates a CA",
        description:
          'The root alone: a trust anchor is one CA certificate, and the root outlives every intermediate. Workloads send the intermediate (chain.pem) with their certificate. For aws-private-ca the ARN is printed: use it as an AWS_ACM_PCA source.',
        options: [
          ...RUNTIME,
          { name: 'issuer', type: 'string', value: 'NAME', help: 'the configured issuer (local-ca or aws-private-ca)' },
          { name: 'out', short: 'o', type: 'string', value: 'FILE', file: true, help: 'write the anchor to FILE (0644, atomically) instead of stdout' },
          { name: 'force', type: 'boolean', help: 'overwrite FILE' },
          JSON_OUT,
        ],
        examples: [
          'certflow trust-anchor export --issuer local --out anchor.pem',
          'openssl verify -purpose sslclient -CAfile anchor.pem -untrusted runner/chain.pem runner/cert.pem',
          'certflow trust-anchor export --issuer pca',
        ],
        load: () => import('./commands/trust-anchor.command.js').then((m) => m.trustAnchorExportCommand),
      },
    ],
  },
  {
    name: 'inspect',
    summary: 'describe PEM or DER files: certificates, chains, CSRs, keys; key match and chain order',
    args: '<file>...',
    description:
      'Needs no configuration. Give a certificate and its key together to check that they match. With --roles-anywhere, the first certificate is checked as IAM Roles Anywhere would (the other certificates are its intermediates) and the source identity and principal tags of its session are shown.',
    options: [
      { name: 'roles-anywhere', type: 'boolean', help: 'check the first certificate as IAM Roles Anywhere would; exit 1 when it would be refused' },
      { name: 'trust-anchor', type: 'string', value: 'BUNDLE', file: true, help: 'the trust anchor\'s CA certificate or bundle (PEM), with --roles-anywhere' },
      JSON_OUT,
    ],
    examples: ['certflow inspect cert.pem', 'certflow inspect cert.pem chain.pem key.pem', 'certflow inspect cert.pem chain.pem --roles-anywhere --trust-anchor anchor.pem'],
    load: () => import('./commands/inspect.command.js').then((m) => m.inspectCommand),
  },
  {
    name: 'check',
    summary: 'expiry check for monitoring: exit 0 OK, 1 warning, 2 critical; one line per problem',
    options: [
      ...RUNTIME,
      { name: 'warn', type: 'string', value: 'AGE', help: 'warn when a certificate expires within this (default 30d; d, h or w)' },
      { name: 'crit', type: 'string', value: 'AGE', help: 'critical within this (default 7d)' },
      JSON_OUT,
    ],
    examples: ['certflow check', 'certflow check --warn 21d --crit 3d'],
    load: () => import('./commands/check.command.js').then((m) => m.checkCommand),
  },
  {
    name: 'metrics',
    summary: 'Prometheus text-format metrics (cert-manager compatible names), to stdout or a file',
    options: [...RUNTIME, { name: 'out', short: 'o', type: 'string', value: 'FILE', file: true, help: "write atomically to FILE (for node_exporter's textfile collector)" }],
    examples: ['certflow metrics', 'certflow metrics --out /var/lib/node_exporter/textfile_collector/certflow.prom'],
    load: () => import('./commands/metrics.command.js').then((m) => m.metricsCommand),
  },
  {
    name: 'events',
    summary: 'check events and event patterns offline',
    options: [],
    examples: ['certflow events validate events/examples/*.json', 'certflow events test-pattern --pattern rule.json --event event.json'],
    subcommands: [
      {
        name: 'validate',
        summary: 'validate event files against their schemas (exit 0 all valid, 2 otherwise)',
        args: '<file>...',
        options: [],
        examples: ['certflow events validate event.json'],
        load: () => import('./commands/events.command.js').then((m) => m.validateCommand),
      },
      {
        name: 'test-pattern',
        summary: 'match an event against an EventBridge pattern (exit 0 match, 1 no match, 2 bad input)',
        options: [
          { name: 'pattern', type: 'string', value: 'FILE', file: true, help: 'the event pattern (JSON)' },
          { name: 'event', type: 'string', value: 'FILE', file: true, help: 'the event (JSON)' },
        ],
        examples: ['certflow events test-pattern --pattern events/patterns/notify.json --event event.json'],
        load: () => import('./commands/events.command.js').then((m) => m.testPatternCommand),
      },
    ],
  },
  {
    name: 'slack',
    summary: 'the Slack approval endpoint: serve it locally, check a signed request offline',
    options: [],
    examples: ['certflow slack serve --listen 127.0.0.1:3000', 'certflow slack verify --secret-file secret --timestamp 1700000000 --signature v0=… --body-file body'],
    subcommands: [
      {
        name: 'serve',
        summary: 'serve the interactivity endpoint on loopback for end-to-end tests with signed payloads',
        options: [...RUNTIME, { name: 'listen', type: 'string', value: '127.0.0.1:PORT', help: 'loopback address to listen on (default 127.0.0.1:3000)' }],
        examples: ['certflow slack serve --listen 127.0.0.1:3000'],
        load: () => import('./commands/slack.command.js').then((m) => m.slackServeCommand),
      },
      {
        name: 'verify',
        summary: 'check one Slack request signature offline and explain a mismatch (exit 0 valid, 2 invalid)',
        options: [
          { name: 'secret-file', type: 'string', value: 'FILE', file: true, help: 'the signing secret' },
          { name: 'timestamp', type: 'string', value: 'T', help: 'X-Slack-Request-Timestamp as received' },
          { name: 'signature', type: 'string', value: 'S', help: 'X-Slack-Signature as received (v0=…)' },
          { name: 'body-file', type: 'string', value: 'FILE', file: true, help: 'the raw body as received' },
          { name: 'at', type: 'string', value: 'EPOCH', help: 'check freshness against this Unix time instead of now' },
        ],
        examples: ['certflow slack verify --secret-file secret --timestamp 1700000000 --signature v0=… --body-file body --at 1700000010'],
        load: () => import('./commands/slack.command.js').then((m) => m.slackVerifyCommand),
      },
    ],
  },
  {
    name: 'completion',
    summary: 'print a shell completion script',
    args: '<bash|zsh|fish>',
    argChoices: ['bash', 'zsh', 'fish'],
    options: [],
    examples: ['source <(certflow completion bash)', 'certflow completion zsh > "${fpath[1]}/_certflow"', 'certflow completion fish > ~/.config/fish/completions/certflow.fish'],
    load: () => import('./completion.js').then((m) => m.completionCommand),
  },
];

export function findCommand(name: string, within: readonly CommandSpec[] = COMMANDS): CommandSpec | undefined {
  return within.find((c) => c.name === name);
}
