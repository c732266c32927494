/**
 * certflow's monthly AWS cost for N managed certificates, from the stack (serverless.yml: memory,
 * schedules) and the configuration (validity, Private CA mode). Every price carries its source
 * and the date it was read; "verify" marks prices recalled, not re-read on the pricing page.
 */

export interface Price {
  readonly usd: number;
  readonly per: string;
  readonly source: string;
  readonly read: string;
  readonly verify?: boolean;
}

// us-east-1 / eu-west-1 list prices (on-demand, no free tier counted).
export const PRICES = {
  secret: { usd: 0.4, per: 'secret-month', source: 'https://aws.amazon.com/secrets-manager/pricing/', read: '2026-11-29', verify: true },
  secretsApi: { usd: 0.05, per: '10,000 API calls', source: 'https://aws.amazon.com/secrets-manager/pricing/', read: '2026-11-29', verify: true },
  pcaGeneral: { usd: 400, per: 'CA-month (general-purpose)', source: 'https://aws.amazon.com/private-ca/pricing/', read: '2026-11-29' },
  pcaShortLived: { usd: 50, per: 'CA-month (short-lived mode)', source: 'https://aws.amazon.com/private-ca/pricing/', read: '2026-11-29' },
  pcaCertTier1: { usd: 0.75, per: 'certificate, first 1,000/month (general-purpose)', source: 'https://aws.amazon.com/private-ca/pricing/', read: '2026-11-29', verify: true },
  pcaCertTier2: { usd: 0.35, per: 'certificate, 1,001-10,000/month', source: 'https://aws.amazon.com/private-ca/pricing/', read: '2026-11-29', verify: true },
  pcaCertTier3: { usd: 0.001, per: 'certificate, above 10,000/month', source: 'https://aws.amazon.com/private-ca/pricing/', read: '2026-11-29', verify: true },
  pcaCertShortLived: { usd: 0.058, per: 'certificate (short-lived mode)', source: 'https://aws.amazon.com/private-ca/pricing/', read: '2026-11-29', verify: true },
  kmsRequests: { usd: 0.03, per: '10,000 requests', source: 'https://aws.amazon.com/kms/pricing/', read: '2026-11-29', verify: true },
  kmsKey: { usd: 1, per: 'customer managed key-month (none with aws/secretsmanager)', source: 'https://aws.amazon.com/kms/pricing/', read: '2026-11-29', verify: true },
  lambdaRequests: { usd: 0.2, per: '1M requests', source: 'https://aws.amazon.com/lambda/pricing/', read: '2026-11-29', verify: true },
  lambdaArmGbSecond: { usd: 0.0000133334, per: 'GB-second (arm64)', source: 'https://aws.amazon.com/lambda/pricing/', read: '2026-11-29', verify: true },
  sqsRequests: { usd: 0.4, per: '1M requests (standard)', source: 'https://aws.amazon.com/sqs/pricing/', read: '2026-11-29', verify: true },
  dynamoWrites: { usd: 0.625, per: '1M write request units (on-demand)', source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/', read: '2026-11-29', verify: true },
  dynamoReads: { usd: 0.125, per: '1M read request units (on-demand)', source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/', read: '2026-11-29', verify: true },
  eventBridge: { usd: 1, per: '1M custom events', source: 'https://aws.amazon.com/eventbridge/pricing/', read: '2026-11-29', verify: true },
  cloudWatchLogs: { usd: 0.5, per: 'GB ingested', source: 'https://aws.amazon.com/cloudwatch/pricing/', read: '2026-11-29', verify: true },
  cloudWatchMetric: { usd: 0.3, per: 'custom metric-month', source: 'https://aws.amazon.com/cloudwatch/pricing/', read: '2026-11-29', verify: true },
} as const satisfies Record<string, Price>;

export interface CostInputs {
  readonly certificates: number;
  /** Validity of each certificate (config `defaults.validityDays`); renewal at 2/3 of it. */
  readonly validityDays: number;
  readonly pcaMode: 'general' | 'short-lived' | 'none';
  readonly cas: number;
  /** From serverless.yml. */
  readonly memoryMb: number;
  readonly scheduledPerMonth: number;
  readonly customerManagedKey: boolean;
}

/** Per issuance, counted from the workflow (test/integration/app/crash-recovery-aws-adapters.test.ts traces them). */
export const PER_ISSUANCE = {
  secretsCalls: 12,
  kmsRequests: 3,
  workerInvocations: 3,
  sqsRequests: 9,
  dynamoWrites: 12,
  dynamoReads: 30,
  events: 4,
  lambdaSeconds: 0.4,
  logKb: 8,
} as const;

export interface CostLine {
  readonly item: string;
  readonly usd: number;
  readonly basis: string;
  readonly prices: readonly (keyof typeof PRICES)[];
}

export function issuancesPerMonth(i: CostInputs): number {
  return (i.certificates * 30) / Math.max(1, (i.validityDays * 2) / 3);
}

function pcaCertificates(n: number, mode: CostInputs['pcaMode']): number {
  if (mode === 'none') return 0;
  if (mode === 'short-lived') return n * PRICES.pcaCertShortLived.usd;
  const t1 = Math.min(n, 1_000);
  const t2 = Math.min(Math.max(n - 1_000, 0), 9_000);
  const t3 = Math.max(n - 10_000, 0);
  return t1 * PRICES.pcaCertTier1.usd + t2 * PRICES.pcaCertTier2.usd + t3 * PRICES.pcaCertTier3.usd;
}

export function costModel(i: CostInputs): { lines: CostLine[]; total: number; issuances: number; dominant: CostLine } {
  const n = issuancesPerMonth(i);
  const invocations = n * PER_ISSUANCE.workerInvocations + i.scheduledPerMonth;
  const lines: CostLine[] = [
    { item: 'Secrets Manager secrets', usd: i.certificates * PRICES.secret.usd, basis: `${i.certificates.toString()} secrets (one per certificate)`, prices: ['secret'] },
    { item: 'Secrets Manager API calls', usd: ((n * PER_ISSUANCE.secretsCalls) / 10_000) * PRICES.secretsApi.usd, basis: `${PER_ISSUANCE.secretsCalls.toString()} calls per issuance (certflow's own; consumers' reads come on top)`, prices: ['secretsApi'] },
    ...(i.pcaMode === 'none'
      ? []
      : [
          { item: 'Private CA authorities', usd: i.cas * (i.pcaMode === 'general' ? PRICES.pcaGeneral.usd : PRICES.pcaShortLived.usd), basis: `${i.cas.toString()} CA, ${i.pcaMode}`, prices: [i.pcaMode === 'general' ? 'pcaGeneral' : 'pcaShortLived'] as (keyof typeof PRICES)[] },
          { item: 'Private CA certificates', usd: pcaCertificates(n, i.pcaMode), basis: `${Math.round(n).toString()} issued per month`, prices: (i.pcaMode === 'general' ? ['pcaCertTier1', 'pcaCertTier2', 'pcaCertTier3'] : ['pcaCertShortLived']) as (keyof typeof PRICES)[] },
        ]),
    { item: 'KMS', usd: ((n * PER_ISSUANCE.kmsRequests) / 10_000) * PRICES.kmsRequests.usd + (i.customerManagedKey ? PRICES.kmsKey.usd : 0), basis: i.customerManagedKey ? 'one customer managed key' : 'aws/secretsmanager key', prices: ['kmsRequests', 'kmsKey'] },
    {
      item: 'Lambda',
      usd: (invocations / 1e6) * PRICES.lambdaRequests.usd + invocations * PER_ISSUANCE.lambdaSeconds * (i.memoryMb / 1024) * PRICES.lambdaArmGbSecond.usd,
      basis: `${Math.round(invocations).toString()} invocations at ${i.memoryMb.toString()} MB`,
      prices: ['lambdaRequests', 'lambdaArmGbSecond'],
    },
    { item: 'SQS', usd: ((n * PER_ISSUANCE.sqsRequests) / 1e6) * PRICES.sqsRequests.usd, basis: 'send, receive, delete per step', prices: ['sqsRequests'] },
    {
      item: 'DynamoDB',
      usd: ((n * PER_ISSUANCE.dynamoWrites + i.scheduledPerMonth * 10) / 1e6) * PRICES.dynamoWrites.usd + ((n * PER_ISSUANCE.dynamoReads + i.scheduledPerMonth * i.certificates * 0.01) / 1e6) * PRICES.dynamoReads.usd,
      basis: 'on-demand, state and outbox',
      prices: ['dynamoWrites', 'dynamoReads'],
    },
    { item: 'EventBridge', usd: ((n * PER_ISSUANCE.events) / 1e6) * PRICES.eventBridge.usd, basis: `${PER_ISSUANCE.events.toString()} lifecycle events per issuance`, prices: ['eventBridge'] },
    { item: 'CloudWatch', usd: ((invocations * PER_ISSUANCE.logKb) / 1024 / 1024) * PRICES.cloudWatchLogs.usd + 10 * PRICES.cloudWatchMetric.usd, basis: 'logs plus about 10 EMF metrics', prices: ['cloudWatchLogs', 'cloudWatchMetric'] },
  ];
  const total = lines.reduce((s, l) => s + l.usd, 0);
  const dominant = lines.reduce((a, b) => (b.usd > a.usd ? b : a));
  return { lines, total, issuances: n, dominant };
}
