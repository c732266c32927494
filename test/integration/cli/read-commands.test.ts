import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { certflow } from '../../support/cli.js';
import { cliSchemas } from '../../support/cli-schemas.js';
import { DAY, LocalFixture, THREE_CERTIFICATES } from '../../support/local-fixture.js';
import { parsePrometheusText } from '../../support/prometheus-text.js';
import type { Clock } from '../../../src/ports/clock.port.js';

const schemas = cliSchemas();
const at = (date: Date): Clock => ({ now: () => new Date(date.getTime()) });

/** Every file under `dir` with its SHA-256, so "nothing changed" includes "nothing added". */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

describe('certflow read commands', () => {
  let fx: LocalFixture;
  let cli: (...args: string[]) => ReturnType<typeof certflow>;
  const fixtures: LocalFixture[] = [];
  beforeEach(async () => {
    fx = new LocalFixture();
    cli = (...args) => certflow([...args, '--config', fx.configPath], { cwd: fx.dir, clock: fx.clock });
    expect((await cli('run')).code).toBe(0);
  });
  afterEach(async () => {
    for (const f of [fx, ...fixtures.splice(0)]) await f.dispose();
  });

  it('plan writes nothing: every file of the data directory is byte-identical after plans now, 70 days later and in JSON', async () => {
    // Prepare
    const own = ranInItsOwnProcess();
    const plan = (...args: string[]) => certflow(['plan', ...args, '--config', own.configPath], { cwd: own.dir });
    const data = join(own.dir, 'data');
    const before = snapshot(data);
    const later = new Date(Date.now() + 70 * DAY).toISOString();
    // Act
    const now = await plan();
    const ahead = await plan('--at', later);
    const json = await plan('--at', later, '--json');
    // Assess
    expect(snapshot(data)).toEqual(before);
    expect(Object.keys(before).sort()).toEqual(['ca/local/intermediate.key.pem', 'ca/local/intermediate.pem', 'ca/local/ledger.db', 'ca/local/root.key.pem', 'ca/local/root.pem', 'events.jsonl', 'keys.db', 'state.db']);
    expect(now.code).toBe(1); // payments waits for a person
    expect(now.stdout).toMatch(/^waiting {3}payments: req_\S+ until /m);
    expect(ahead.code).toBe(1);
    expect(ahead.stdout).toMatch(/^renew {5}api: renewal r2 \(auto-approved by rule internal\)$/m);
    expect(ahead.stdout).toMatch(/^waiting {3}payments: req_\S+ approval deadline passed: it would expire$/m);
    expect(schemas.validate('plan', JSON.parse(json.stdout))).toEqual([]);
  }, 60_000);

  /**
   * A fixture after one `certflow run` in a process of its own, so that no connection of that run
   * (state, keys, CA ledger) is still open, or closed by the garbage collector, while files are compared.
   */
  function ranInItsOwnProcess(): LocalFixture {
    const own = new LocalFixture();
    fixtures.push(own);
    execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'run', '--config', own.configPath], { stdio: 'pipe' });
    return own;
  }

  it('plan exits 0 when nothing needs a person', async () => {
    // Prepare
    const request = (await cli('requests', '--state', 'pending_approval', '--json')).stdout;
    const id = (JSON.parse(request) as { items: { id: string }[] }).items[0]?.id ?? '';
    await cli('approve', id, '--as', 'alice');
    await cli('run');
    // Act
    const plan = await cli('plan');
    // Assess
    expect(plan.stdout).toMatch(/nothing needs a person$/m);
    expect(plan.code).toBe(0);
  });

  it.each([
    [31, 0, /^CERTFLOW OK: /m],
    [29, 1, /^WARNING api \(api\) expires in 29\.0 days/m],
    [6, 2, /^CRITICAL api \(api\) expires in 6\.0 days/m],
  ])('check exits like a monitoring plugin %i days before expiry: %i', async (days, exit, line) => {
    // Prepare: api alone (grpc's 30-day certificate would always be within the thresholds)
    const one = new LocalFixture(THREE_CERTIFICATES.replace(/ {2}- \{ id: (grpc|payments).*\n/g, ''), fx.clock.now());
    fixtures.push(one);
    const cliAt = (clock: Clock, ...args: string[]) => certflow([...args, '--config', one.configPath], { cwd: one.dir, clock });
    expect((await cliAt(one.clock, 'run')).code).toBe(0);
    const list = JSON.parse((await cliAt(one.clock, 'ls', '--json')).stdout) as { items: { id: string; notAfter: string }[] };
    const notAfter = new Date(list.items.find((c) => c.id === 'api')?.notAfter ?? '');
    const clock = at(new Date(notAfter.getTime() - days * DAY));
    // Act
    const text = await cliAt(clock, 'check', '--warn', '30d', '--crit', '7d');
    const json = await cliAt(clock, 'check', '--json');
    // Assess
    expect(text.code).toBe(exit);
    expect(text.stdout).toMatch(line);
    expect(json.code).toBe(exit);
    const result = JSON.parse(json.stdout) as { status: string; exitCode: number };
    expect(schemas.validate('check-result', result)).toEqual([]);
    expect(result.exitCode).toBe(exit);
  });

  it('metrics --out never writes through a symlink planted at its temporary file name', async () => {
    // Prepare: the temporary name is predictable (the pid); another user's file sits behind it
    const victim = join(fx.dir, 'victim.txt');
    writeFileSync(victim, 'keep me\n');
    symlinkSync(victim, join(fx.dir, `.certflow.prom.${process.pid.toString()}.tmp`));
    // Act
    const result = await cli('metrics', '--out', join(fx.dir, 'certflow.prom'));
    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
    expect(readFileSync(join(fx.dir, 'certflow.prom'), 'utf8')).toContain('# TYPE');
  });

  it('metrics are valid Prometheus text with cert-manager compatible names, and --out writes the file whole', async () => {
    // Prepare
    const out = join(fx.dir, 'certflow.prom');
    const list = JSON.parse((await cli('ls', '--json')).stdout) as { items: { id: string; notAfter: string | null; renewalDueAt: string | null }[] };
    const api = list.items.find((c) => c.id === 'api');
    // Act
    const printed = await cli('metrics');
    const written = await cli('metrics', '--out', out);
    // Assess
    expect(printed.code).toBe(0);
    const families = parsePrometheusText(printed.stdout);
    const sample = (family: string, labels: Record<string, string>) =>
      families.get(family)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(families.get('certflow_certificate_expiration_timestamp_seconds')?.type).toBe('gauge');
    expect(sample('certflow_certificate_expiration_timestamp_seconds', { name: 'api', issuer_name: 'local', issuer_kind: 'local-ca' })).toBe(new Date(api?.notAfter ?? '').getTime() / 1000);
    expect(sample('certflow_certificate_renewal_timestamp_seconds', { name: 'api' })).toBe(new Date(api?.renewalDueAt ?? '').getTime() / 1000);
    expect(sample('certflow_certificate_ready_status', { name: 'api', condition: 'True' })).toBe(1);
    expect(sample('certflow_certificate_ready_status', { name: 'payments', condition: 'Unknown' })).toBe(1);
    expect(sample('certflow_requests', { state: 'pending_approval' })).toBe(1);
    expect(written.code).toBe(0);
    parsePrometheusText(readFileSync(out, 'utf8'));
    expect(readdirSync(fx.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('every --json output validates against its schema', async () => {
    // Prepare
    const requestId = (JSON.parse((await cli('requests', '--json')).stdout) as { items: { id: string }[] }).items[0]?.id ?? '';
    // Act
    const outputs: [string, string[]][] = [
      ['certificate-list', ['ls', '--json']],
      ['certificate-list', ['ls', '--status', 'ready', '--json']],
      ['request-list', ['requests', '--json']],
      ['request-list', ['requests', '--state', 'pending_approval', '--json']],
      ['certificate', ['show', 'api', '--json']],
      ['request', ['show', requestId, '--json']],
      ['plan', ['plan', '--json']],
      ['check-result', ['check', '--json']],
      ['run-report', ['run', '--json']],
    ];
    const results = await Promise.all(outputs.map(async ([schema, args]) => ({ schema, args, result: await cli(...args) })));
    // Assess
    for (const { schema, args, result } of results) {
      const document = JSON.parse(result.stdout) as { apiVersion: string };
      expect({ args, problems: schemas.validate(schema, document) }).toEqual({ args, problems: [] });
      expect(document.apiVersion).toBe('certflow/v1');
    }
  });

  it('read commands leave no new file behind (no -wal or -shm from a read-only open)', async () => {
    // Prepare
    const own = ranInItsOwnProcess();
    const data = join(own.dir, 'data');
    const before = snapshot(data);
    // Act
    for (const args of [['ls'], ['requests'], ['show', 'api'], ['check'], ['metrics']]) await certflow([...args, '--config', own.configPath], { cwd: own.dir });
    // Assess
    expect(snapshot(data)).toEqual(before);
    expect(existsSync(join(data, 'state.db-wal'))).toBe(false);
  });

  it('reads a consistent copy while a writer holds the database open (WAL present), adding no file', async () => {
    // Prepare
    const own = ranInItsOwnProcess();
    const writer = await own.open();
    await writer.deps.state.write({ key: { pk: 'CERT#late', sk: 'META' }, condition: { kind: 'absent' }, data: { id: 'late', origin: 'file', locator: '/tmp/late.pem', revision: 0, firstSeenAt: fx.clock.now(), lastSeenAt: fx.clock.now() } });
    const data = join(own.dir, 'data');
    const files = Object.keys(snapshot(data)).sort();
    // Act
    const ls = await certflow(['ls', '--json', '--config', own.configPath], { cwd: own.dir });
    const plan = await certflow(['plan', '--json', '--config', own.configPath], { cwd: own.dir });
    // Assess
    expect(files).toContain('state.db-wal');
    expect((JSON.parse(ls.stdout) as { items: { id: string }[] }).items.map((c) => c.id)).toContain('late');
    expect(schemas.validate('plan', JSON.parse(plan.stdout))).toEqual([]);
    expect(Object.keys(snapshot(data)).sort()).toEqual(files);
  });

  it('renew issues a new revision at once when policy approves, and waits for people when it does not', async () => {
    // Act
    const api = await cli('renew', 'api', '--as', 'dave', '--reason', 'key compromise');
    const payments = await cli('renew', 'payments', '--as', 'dave');
    const both = await cli('renew', 'api', '--all', '--as', 'dave');
    // Assess
    expect(api.code).toBe(0);
    expect(api.stdout).toMatch(/^renew {5}api r2 issued, serial [0-9A-F]+ \(req_\S+\) \[key compromise\]$/m);
    expect(payments.code).toBe(1);
    expect(payments.stderr).toMatch(/^certflow: REQUEST\.IN_FLIGHT: certificate payments already has request req_\S+ in flight \(pending_approval\)$/m);
    expect(both.code).toBe(2);
    const requestId = /\((req_\S+)\)/.exec(api.stdout)?.[1] ?? '';
    const shown = JSON.parse((await cli('show', requestId, '--json')).stdout) as { request: { note: string | null; reason: string; requester: string } };
    expect(shown.request).toMatchObject({ note: 'key compromise', reason: 'manual', requester: 'dave' });
  });
});
