/**
 * Discovery throughput against a simulated ACM that enforces the real per-account-region request
 * quotas (ListCertificates 8/s, DescribeCertificate 10/s, GetCertificate 10/s; a bucket of one
 * second's worth per account-region and API, refilled continuously; over it, ThrottlingException)
 * and answers every call after a fixed latency. 10,000 certificates over 20 accounts x 4 regions,
 * each account reached through AssumeRole, folded into a real (in-memory SQLite) inventory.
 *
 * Measured in one run:
 *  - describe_s: a sweep of an empty inventory: list + DescribeCertificate + GetCertificate of every certificate;
 *  - summary_s: the next sweep, where nothing changed: summaries only (the inventory's change tags match);
 *  - serial_s: that summary sweep again, one account-region at a time (the baseline);
 *  - floor_describe_s: the least time the configured share allows: certificates per account-region
 *    / (share x DescribeCertificate quota) + one list call's latency; account-regions run side by side.
 * A full describe one pair at a time would take ~80x floor (about 22 minutes); it is not run.
 *
 * Run: npm run bench:discovery  (node --import tsx bench/discovery.bench.ts [latency ms, default 40])
 * Last line: RESULT discovery summary_s=<n> describe_s=<n> floor_describe_s=<n> ratio=<n> serial_s=<n> throttled_surfaced=<n>
 */
import { AcmSource } from '../src/adapters/aws/acm-source/acm.source.js';
import { AssumedRoles } from '../src/adapters/aws/assume-role.js';
import type { AwsClientFactory, AwsClientScope } from '../src/adapters/aws/client-factory.js';
import { ACM_QUOTAS, RateLimits } from '../src/adapters/aws/token-bucket.js';
import { SqliteStateStore } from '../src/adapters/local/sqlite.state-store.js';
import { discoverCertificates, type ScopeReport } from '../src/app/discover-certificates.use-case.js';
import type { AccountRef } from '../src/ports/account-source.port.js';
import { aCa, aLeaf } from '../test/support/certs.js';

const LATENCY_MS = Math.max(1, Math.min(500, Number(process.argv[2] ?? 40)));
const ACCOUNTS = 20;
const REGIONS = ['eu-west-1', 'us-east-1', 'us-west-2', 'ap-southeast-2'];
const CERTIFICATES = 10_000;
const SHARE = 0.75;
const PAGE = 1000;
const DAY = 86_400_000;

const accounts: AccountRef[] = Array.from({ length: ACCOUNTS }, (_, i) => {
  const id = (100000000000 + i).toString();
  return { accountId: id, regions: REGIONS, roleArn: `arn:aws:iam::${id}:role/certflow-discovery`, externalId: 'bench' };
});
const pairs = accounts.flatMap((a) => REGIONS.map((r) => `${a.accountId}|${r}`));
const perPair = CERTIFICATES / pairs.length;

// A pool of real certificates (facts are keyed by ARN, so sharing bodies is fine).
const now = new Date();
const ca = aCa('Bench CA', undefined, now);
const pems = Array.from({ length: 32 }, (_, i) => aLeaf({ dns: [`svc${i.toString()}.example.com`], issuer: ca, now, notAfter: new Date(now.getTime() + (30 + i) * DAY) }).pem);

/** The simulated service: quotas per account-region and API, checked on arrival, answers after LATENCY_MS. */
class SimulatedAcm {
  throttled = 0;
  calls = 0;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly certs = new Map<string, { arn: string; notAfter: Date }[]>();

  constructor() {
    for (const pair of pairs) {
      const [account, region] = pair.split('|') as [string, string];
      this.certs.set(
        pair,
        Array.from({ length: perPair }, (_, i) => ({
          arn: `arn:aws:acm:${region}:${account}:certificate/${i.toString().padStart(8, '0')}-0000-4000-8000-000000000000`,
          notAfter: new Date(now.getTime() + ((i % 32) + 30) * DAY),
        })),
      );
    }
  }

  private admit(pair: string, api: string): boolean {
    const quota = ACM_QUOTAS[api] as number;
    const key = `${pair}|${api}`;
    const t = performance.now();
    const b = this.buckets.get(key) ?? { tokens: quota, at: t };
    b.tokens = Math.min(quota, b.tokens + ((t - b.at) / 1000) * quota);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  async send(account: string, region: string, command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<unknown> {
    this.calls++;
    const api = command.constructor.name.replace(/Command$/, '');
    const pair = `${account}|${region}`;
    const ok = this.admit(pair, api);
    await new Promise((r) => setTimeout(r, LATENCY_MS));
    if (!ok) {
      this.throttled++;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    }
    const certs = this.certs.get(pair) ?? [];
    const input = command.input;
    if (api === 'ListCertificates') {
      const start = Number(input.NextToken ?? 0);
      const page = certs.slice(start, start + PAGE);
      return {
        CertificateSummaryList: page.map((c) => ({ CertificateArn: c.arn, Status: 'ISSUED', Type: 'IMPORTED', KeyAlgorithm: 'EC_prime256v1', InUse: true, NotAfter: c.notAfter, ImportedAt: now })),
        ...(start + PAGE < certs.length ? { NextToken: String(start + PAGE) } : {}),
      };
    }
    const arn = String(input.CertificateArn);
    const index = Number(arn.split('/')[1]?.slice(0, 8) ?? 0);
    if (api === 'DescribeCertificate') return { Certificate: { CertificateArn: arn, Status: 'ISSUED', InUseBy: ['arn:aws:elasticloadbalancing:lb'] } };
    if (api === 'GetCertificate') return { Certificate: pems[index % pems.length] };
    throw new Error(`unexpected ${api}`);
  }
}

function factoryFor(sim: SimulatedAcm): AwsClientFactory {
  return {
    client<C>(ctor: new (config: Record<string, unknown>) => C, scope: AwsClientScope = {}): C {
      if (ctor.name === 'STSClient') {
        return {
          send: async (cmd: { input: { RoleArn: string } }) => {
            await new Promise((r) => setTimeout(r, LATENCY_MS));
            return { Credentials: { AccessKeyId: `ASIA${cmd.input.RoleArn.split(':')[4] ?? ''}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) } };
          },
        } as unknown as C;
      }
      const account = scope.identity?.split(':')[4] ?? 'self';
      const region = scope.region ?? 'us-east-1';
      return { send: (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => sim.send(account, region, cmd) } as unknown as C;
    },
  };
}

async function main() {
  const sim = new SimulatedAcm();
  const aws = factoryFor(sim);
  const limits = new RateLimits(ACM_QUOTAS, SHARE);
  const source = new AcmSource({
    name: 'acm',
    aws,
    accounts: [{ name: 'org', listAccounts: async () => accounts }],
    roles: new AssumedRoles({ aws, now: () => Date.now() }),
    limits,
    describeConcurrency: 16,
  });
  const state = SqliteStateStore.open(':memory:');
  const clock = { now: () => new Date() };
  const discover = discoverCertificates({ state, clock, sources: [source] });
  const failed = (reports: ScopeReport[]) => reports.filter((r) => !r.ok).length;
  const seen = (reports: ScopeReport[]) => reports.reduce((n, r) => n + r.seen, 0);

  let t = performance.now();
  const describeRun = await discover();
  const describeS = (performance.now() - t) / 1000;
  const describeCalls = source.stats.describeCalls;

  t = performance.now();
  const summaryRun = await discover();
  const summaryS = (performance.now() - t) / 1000;
  const describedInSummary = source.stats.describeCalls - describeCalls;

  t = performance.now();
  const serialRun = await discover({ scopeConcurrency: 1 });
  const serialS = (performance.now() - t) / 1000;
  await state.close();

  const floorDescribeS = perPair / (SHARE * (ACM_QUOTAS.DescribeCertificate as number)) + LATENCY_MS / 1000;
  const surfaced = source.stats.surfaced + failed(describeRun) + failed(summaryRun) + failed(serialRun);
  console.log(`certificates=${CERTIFICATES} account_regions=${pairs.length} per_pair=${perPair} latency_ms=${LATENCY_MS} share=${SHARE}`);
  console.log(`describe sweep: ${describeS.toFixed(2)} s, ${seen(describeRun)} seen, ${describeCalls} described`);
  console.log(`summary sweep:  ${summaryS.toFixed(2)} s, ${seen(summaryRun)} seen, ${describedInSummary} described`);
  console.log(`serial summary: ${serialS.toFixed(2)} s (one account-region at a time), ${seen(serialRun)} seen`);
  console.log(`simulator: ${sim.calls} calls, ${sim.throttled} throttled (absorbed by retries: ${source.stats.throttled}), surfaced ${surfaced}`);
  console.log(
    `RESULT discovery summary_s=${summaryS.toFixed(2)} describe_s=${describeS.toFixed(2)} floor_describe_s=${floorDescribeS.toFixed(2)} ratio=${(describeS / floorDescribeS).toFixed(3)} serial_s=${serialS.toFixed(2)} throttled_surfaced=${surfaced}`,
  );
}

await main();
