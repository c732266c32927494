import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { certflow } from '../../support/cli.js';
import { LocalFixture } from '../../support/local-fixture.js';

// The reproduction: anyone but the requester may approve, two approvals are needed.
const OPEN_POLICY = (forbidden: string) => `
dataDir: data
issuers:
  - { name: local, kind: local-ca, options: { organization: certflow test } }
policy:
  forbiddenNames: ['${forbidden}']
  approvers: []
  requiredApprovals: 2
  approvalTtlHours: 72
certificates:
  - { id: pay, dnsNames: [${'a.'.repeat(60)}pay.example.com], issuer: local, owner: team-payments, requester: carol }
`;

describe('certflow approve under identity variants', () => {
  let fx: LocalFixture;
  let cli: (...args: string[]) => ReturnType<typeof certflow>;
  beforeEach(() => {
    fx = new LocalFixture(OPEN_POLICY('**.**.**.**.**.**.**.**.**.**.**.**.**.**.**.**.**.**.**.**.**.**.**.**.**.**.**.**.**.**.nomatch.example.com'));
    cli = (...args) => certflow([...args, '--config', fx.configPath], { cwd: fx.dir });
  });
  afterEach(() => fx.dispose());

  it('finishes a run whose forbiddenNames pattern has many ** labels against a long name', async () => {
    // Act
    const run = await cli('run');
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/pay: requested req_\S+ \[new r1\] waits for 2 approval\(s\)/);
  });

  it('refuses --as Carol then --as CAROL on carol\'s request, and every look-alike of carol', async () => {
    // Prepare
    await cli('run');
    // Act
    const results = [];
    for (const who of ['Carol', 'CAROL', 'Ｃａｒｏｌ', '\u0441arol', 'car\u200Bol']) results.push(await cli('approve', 'pay', '--as', who));
    // Assess
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
    expect(results[0]?.stderr).toMatch(/APPROVAL\.SELF_APPROVAL: carol requested req_\S+ and cannot decide on their own request/);
    expect(results[1]?.stderr).toMatch(/APPROVAL\.SELF_APPROVAL/);
    expect(results[2]?.stderr).toMatch(/APPROVAL\.SELF_APPROVAL/);
    expect(results[3]?.stderr).toMatch(/IDENTITY\.CONFUSABLE: the approver identity is refused: it mixes the scripts Cyrillic and Latin/);
    expect(results[4]?.stderr).toMatch(/IDENTITY\.INVALID: the approver identity is refused: it contains the invisible character U\+200B/);
  });

  it('needs two distinct people: Bob then BOB is one approval', async () => {
    // Prepare
    await cli('run');
    // Act
    const bob = await cli('approve', 'pay', '--as', 'Bob');
    const bobAgain = await cli('approve', 'pay', '--as', 'BOB');
    const dave = await cli('approve', 'pay', '--as', 'dave');
    // Assess
    expect(bob.stdout).toMatch(/vote recorded: 1 of 2 approvals/);
    expect(bobAgain.stderr).toMatch(/APPROVAL\.ALREADY_VOTED: bob has already voted/);
    expect(dave.stdout).toMatch(/decision written: approved \(approved by bob, dave\)/);
  });
});
