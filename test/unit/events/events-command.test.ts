import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../scripts/lib/schema-files.js';
import { certflow } from '../../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'certflow-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const repo = (path: string) => join(REPO_ROOT, path);
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function run(...argv: string[]) {
  return certflow(['events', ...argv], { cwd: dir });
}

describe('certflow events test-pattern', () => {
  it('exits 0 when the pattern matches the event', async () => {
    // Prepare
    const args = ['--pattern', repo('events/patterns/reload-on-rotation.json'), '--event', repo('events/examples/certificate-rotated.json')];
    // Act
    const result = await run('test-pattern', ...args);
    // Assess
    expect(result).toEqual({ code: 0, stdout: 'match\n', stderr: '' });
  });

  it('exits 1 when it does not', async () => {
    // Prepare
    const args = ['--pattern', repo('events/patterns/reload-on-rotation.json'), '--event', repo('events/examples/issuance-approved.json')];
    // Act
    const result = await run('test-pattern', ...args);
    // Assess
    expect(result).toEqual({ code: 1, stdout: 'no match\n', stderr: '' });
  });

  it('exits 2 with the reason for an invalid pattern', async () => {
    // Prepare
    const pattern = file('bad-pattern.json', JSON.stringify({ detail: { ip: [{ cidr: '10.0.0.0/99' }] } }));
    // Act
    const result = await run('test-pattern', '--pattern', pattern, '--event', repo('events/examples/certificate-rotated.json'));
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('EVENT.PATTERN_INVALID: event pattern is invalid: /detail/ip/0: "cidr" needs an IPv4 or IPv6 block with a prefix length');
  });

  it.each([
    ['malformed JSON', '{"source": '],
    ['a JSON array', '[1, 2]'],
  ])('exits 2 for an event file holding %s', async (_name, content) => {
    // Prepare
    const event = file('bad-event.json', content);
    // Act
    const result = await run('test-pattern', '--pattern', repo('events/patterns/notify.json'), '--event', event);
    // Assess
    expect(result.code).toBe(2);
  });

  it('exits 2 when an option is missing or unknown', async () => {
    // Prepare
    // Act
    const missing = await run('test-pattern', '--pattern', repo('events/patterns/notify.json'));
    const unknown = await run('test-pattern', '--patern', 'x');
    // Assess
    expect([missing.code, unknown.code]).toEqual([2, 2]);
  });
});

describe('certflow events validate', () => {
  it('exits 0 for valid certflow and ACM events', async () => {
    // Prepare
    const files = [repo('events/examples/certificate-rotated.json'), repo('events/examples/acm/acm-certificate-available.json')];
    // Act
    const result = await run('validate', ...files);
    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('valid Certificate Rotated');
    expect(result.stdout).toContain('valid ACM Certificate Available');
  });

  it('exits 2 and lists every issue with its path', async () => {
    // Prepare
    const event = file('missing.json', JSON.stringify({ version: '0', id: 'x', 'detail-type': 'Certificate Revoked', source: 'certflow', account: '123456789012', time: '2025-01-01T00:00:00Z', region: 'eu-west-1', resources: [], detail: { schemaVersion: '1.0' } }));
    // Act
    const result = await run('validate', event);
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid Certificate Revoked');
    expect(result.stderr).toContain('  /detail/certificateId: is required\n');
  });

  it('exits 2 for malformed JSON and an unreadable file', async () => {
    // Prepare
    const malformed = file('malformed.json', '{');
    // Act
    const result = await run('validate', malformed, join(dir, 'absent.json'));
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not valid JSON[\s\S]*cannot read .*absent\.json: ENOENT/);
  });

  it('exits 2 for an unknown subcommand', async () => {
    // Prepare
    // Act
    const result = await run('publish');
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("certflow: INPUT.INVALID: unknown command 'publish' (see 'certflow events --help')\n");
  });
});
