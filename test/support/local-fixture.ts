import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/ports/clock.port.js';
import { loadLocalConfig, openLocalRuntime, type LocalRuntime } from '../../src/composition/local-runtime.js';

export const DAY = 86_400_000;

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  private at: Date;
  constructor(start: Date) {
    this.at = start;
  }
  now(): Date {
    return new Date(this.at.getTime());
  }
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

export const THREE_CERTIFICATES = `
dataDir: data
issuers:
  - { name: local, kind: local-ca, options: { organization: certflow test } }
policy:
  forbiddenNames: ['*.bank.example.com']
  autoApprove:
    - { name: internal, names: ['**.internal.example.com', '10.0.0.*', 'spiffe://internal.example.com/grpc'], issuers: [local] }
  approvers: [alice, bob]
  requiredApprovals: 1
  approvalTtlHours: 72
certificates:
  - { id: api, dnsNames: [api.internal.example.com, api-v2.internal.example.com], ipAddresses: [10.0.0.10], issuer: local, owner: team-api }
  - { id: grpc, dnsNames: [grpc.internal.example.com], uris: ['spiffe://internal.example.com/grpc'], keyAlgorithm: EC_P384, issuer: local, owner: team-platform, validityDays: 30, renewBeforeDays: 10 }
  - { id: payments, dnsNames: [www.payments.example.com], issuer: local, owner: team-payments, requester: carol }
`;

/** A temporary data directory with a config file; `open()` gives a runtime on it. */
export class LocalFixture {
  readonly dir = mkdtempSync(join(tmpdir(), 'certflow-test-'));
  readonly configPath = join(this.dir, 'certflow.yaml');
  readonly clock: ManualClock;
  private readonly open_: LocalRuntime[] = [];

  constructor(configText = THREE_CERTIFICATES, start = new Date('2026-11-01T00:00:00Z')) {
    writeFileSync(this.configPath, configText);
    this.clock = new ManualClock(start);
  }

  writeConfig(text: string): void {
    writeFileSync(this.configPath, text);
  }

  async open(): Promise<LocalRuntime> {
    const rt = await openLocalRuntime(loadLocalConfig(this.configPath), this.clock);
    this.open_.push(rt);
    return rt;
  }

  async dispose(): Promise<void> {
    for (const rt of this.open_.splice(0)) await rt.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
