/**
 * SQLite state store write throughput: compare-and-set writes that each move the due date and
 * carry one outbox event (drained as a publisher would), beside the baseline of a bare autocommit
 * INSERT into a same-shaped table on the same pragmas. Phases alternate for three rounds and the
 * medians are compared, so machine noise hits both sides alike.
 * Run: node --import tsx bench/state-store.bench.ts [seconds per phase, default 1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStateStore } from '../src/adapters/local/sqlite.state-store.js';

const seconds = Number(process.argv[2] ?? 1);
const ROUNDS = 3;
const ITEMS = 1_000;
const MAX_OPS = 10_000_000; // Every loop is bounded by time and by count, whichever comes first.
const dir = mkdtempSync(join(tmpdir(), 'certflow-bench-'));

// A certificate-shaped record, so JSON encoding costs what it would in the pipeline.
const record = (n: number) => ({
  id: `web-${n % ITEMS}`,
  owner: 'team-web',
  issuer: 'local-ca',
  dnsNames: [`web-${n}.example.com`, `www.web-${n}.example.com`],
  notBefore: new Date(1_900_000_000_000 + n),
  notAfter: new Date(1_907_776_000_000 + n),
  revision: n,
  state: 'ISSUED',
});
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(body: (n: number) => unknown): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  let n = 0;
  for (; n < MAX_OPS && (n % 128 !== 0 || performance.now() < deadline); n++) await body(n);
  return n / ((performance.now() - start) / 1000);
}

const store = SqliteStateStore.open(join(dir, 'state.db'));
const versions = new Array<number>(ITEMS).fill(1);
for (let i = 0; i < ITEMS; i++) {
  await store.write({ key: { pk: `CERT#web-${i}`, sk: 'META' }, condition: { kind: 'absent' }, data: record(i) });
}
let written = 0;
const casWrite = async (): Promise<void> => {
  const n = written++;
  const i = n % ITEMS;
  const result = await store.write({
    key: { pk: `CERT#web-${i}`, sk: 'META' },
    condition: { kind: 'version', version: versions[i]! },
    data: record(n),
    dueAt: new Date(1_905_000_000_000 + n),
    events: [{ id: `evt-${n}`, detailType: 'Certificate Renewed', detail: { certificateId: `web-${i}`, revision: n } }],
  });
  if (!result.ok) throw new Error(`unexpected conflict at ${n}`);
  versions[i] = result.item.version;
  // Drain like the publisher, so the outbox stays as small as it does in production.
  if (n % 1000 === 999) await store.acknowledge((await store.pending(1000)).map((e) => e.id));
};

const db = new Database(join(dir, 'baseline.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE items (pk TEXT NOT NULL, sk TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL,
         due_at INTEGER NULL, expires_at INTEGER NULL, PRIMARY KEY (pk, sk)) WITHOUT ROWID`);
const insert = db.prepare('INSERT INTO items VALUES (?, ?, 1, ?, ?, NULL)');
const data = JSON.stringify(record(0));
let inserted = 0;
const bareInsert = (): void => {
  const n = inserted++;
  insert.run(`CERT#web-${n}`, 'META', data, 1_905_000_000_000 + n);
};

try {
  const writes: number[] = [];
  const baseline: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    baseline.push(await timed(bareInsert));
    writes.push(await timed(casWrite));
  }
  const [w, b] = [median(writes), median(baseline)];
  console.log(`RESULT sqlite-state-store writes_per_s=${Math.round(w)} baseline_per_s=${Math.round(b)} ratio=${(w / b).toFixed(3)}`);
} finally {
  await store.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
