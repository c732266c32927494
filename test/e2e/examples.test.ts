import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalFixture } from '../support/local-fixture.js';

describe('examples/systemd/certflow-deploy-hook.sh', () => {
  const fx = new LocalFixture();
  afterAll(() => fx.dispose());

  it('exports a certificate and reloads only when it changed', () => {
    // Prepare: `certflow` on PATH, as the service and the cron job expect.
    execFileSync('node', ['scripts/build.mjs'], { stdio: 'pipe' });
    const bin = join(fx.dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'certflow'), `#!/bin/sh\nexec node ${JSON.stringify(resolve('bin/certflow.mjs'))} "$@"\n`);
    chmodSync(join(bin, 'certflow'), 0o755);
    const env = { PATH: `${bin}:${process.env['PATH'] ?? ''}`, CERTFLOW_CONFIG: fx.configPath, NO_COLOR: '1' };
    const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { env, cwd: fx.dir, encoding: 'utf8' });
    const hook = resolve('examples/systemd/certflow-deploy-hook.sh');
    const out = join(fx.dir, 'tls', 'api');
    const log = join(fx.dir, 'reloads.log');
    const reload = `echo reloaded >> ${log}`;
    sh('certflow', ['run']);
    // Act
    sh(hook, ['api', out, reload]);
    sh(hook, ['api', out, reload]);
    sh('certflow', ['renew', 'api', '--as', 'ops']);
    sh(hook, ['api', out, reload]);
    // Assess
    expect(existsSync(join(out, 'key.pem'))).toBe(true);
    expect(readFileSync(log, 'utf8')).toBe('reloaded\nreloaded\n');
  }, 60_000);
});
