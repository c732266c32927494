/**
 * Local pipeline throughput: renewals per second through the whole cycle (plan → policy →
 * key → CSR → local CA → PENDING → verify → CURRENT → events published), P-256, one process,
 * durable SQLite (WAL, synchronous=NORMAL), beside the raw floor of P-256 key generation plus
 * one signature, measured in the same run.
 *
 *   npm run bench            (or: node --import tsx bench/local-pipeline.bench.ts [certificates])
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocalConfig, openLocalRuntime } from '../src/composition/local-runtime.js';
import { runCycle } from '../src/app/run-cycle.use-case.js';

const CERTIFICATES = Number(process.argv[2] ?? 2000);
const DAY = 86_400_000;

function floorPerSecond(seconds: number): number {
  const payload = Buffer.alloc(400, 7);
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  while (performance.now() < deadline) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    sign('sha256', payload, privateKey);
    n++;
  }
  return n / seconds;
}

function writeConfig(dir: string): string {
  const certs = Array.from({ length: CERTIFICATES }, (_, i) =>
    `  - { id: svc-${i.toString()}, dnsNames: [svc-${i.toString()}.internal.example.com], issuer: local, owner: bench }`,
  ).join('\n');
  const path = join(dir, 'certflow.yaml');
  writeFileSync(path, `dataDir: data
issuers: [{ name: local, kind: local-ca }]
policy:
  autoApprove: [{ name: all-internal, names: ['**.internal.example.com'] }]
certificates:
${certs}
`);
  return path;
}

async function cycleAt(configPath: string, at: Date) {
  const config = loadLocalConfig(configPath);
  const rt = await openLocalRuntime(config, { now: () => at });
  try {
    const started = performance.now();
    const report = await runCycle(rt.deps)(config.certificates);
    const seconds = (performance.now() - started) / 1000;
    return { seconds, issued: report.work.filter((w) => w.status === 'issued').length, events: report.events.published };
  } finally {
    await rt.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'certflow-bench-'));
try {
  const configPath = writeConfig(dir);
  const t0 = new Date();
  const first = await cycleAt(configPath, t0);
  console.log(`first issuance: ${first.issued.toString()} certificates in ${first.seconds.toFixed(2)} s (${(first.issued / first.seconds).toFixed(0)}/s), ${first.events.toString()} events`);
  const floor = floorPerSecond(2);
  const renewal = await cycleAt(configPath, new Date(t0.getTime() + 61 * DAY));
  if (renewal.issued !== CERTIFICATES) throw new Error(`expected ${CERTIFICATES.toString()} renewals, got ${renewal.issued.toString()}`);
  const again = await cycleAt(configPath, new Date(t0.getTime() + 61 * DAY));
  if (again.issued !== 0) throw new Error(`a second cycle issued ${again.issued.toString()} certificates`);
  const perSecond = renewal.issued / renewal.seconds;
  console.log(`renewal: ${renewal.issued.toString()} certificates in ${renewal.seconds.toFixed(2)} s, ${renewal.events.toString()} events; floor (P-256 keygen + sign): ${floor.toFixed(0)}/s`);
  console.log(`RESULT local-pipeline renewals_per_s=${perSecond.toFixed(0)} floor_per_s=${floor.toFixed(0)} ratio=${(perSecond / floor).toFixed(3)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
