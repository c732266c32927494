import { Type } from '@sinclair/typebox';
import { LocalCaIssuer } from '../../src/adapters/local/local-ca/index.js';
import { SqliteKeyStore } from '../../src/adapters/local/sqlite.key-store.js';
import type { AdapterRegistries } from '../../src/adapters/registries.js';
import type { AdapterDescriptor } from '../../src/adapters/registry/descriptor.js';
import { systemClock } from '../../src/ports/clock.port.js';
import type { CertificateIssuer, IssuanceOrder, IssuerStep } from '../../src/ports/issuer.port.js';
import type { KeyStore } from '../../src/ports/key-store.port.js';

/**
 * Shared between a test and the handler modules it imports (vi.resetModules gives those fresh
 * module instances, so the lab lives on globalThis): where the test CA and key store live, and
 * what the CA actually signed.
 */
export interface Lab {
  caDir: string;
  keysPath: string;
  /** Calls by order id: [submit, resume...], to see the pending steps happen. */
  steps: Map<string, string[]>;
  /** Serial numbers the CA signed, by order id: more than one per order is a double issuance. */
  signed: Map<string, Set<string>>;
}

const holder = globalThis as { __certflowLab?: Lab };
export function lab(): Lab {
  holder.__certflowLab ??= { caDir: '', keysPath: '', steps: new Map(), signed: new Map() };
  return holder.__certflowLab;
}

/** Answers `pending` twice (submit, first resume), then issues through a real local CA. */
class PendingTwiceIssuer implements CertificateIssuer {
  readonly kind = 'pending-twice';
  readonly needsPrivateKey = false;
  constructor(
    readonly name: string,
    private readonly ca: LocalCaIssuer,
  ) {}

  private record(order: IssuanceOrder, step: string): void {
    lab().steps.set(order.orderId, [...(lab().steps.get(order.orderId) ?? []), step]);
  }

  submit(order: IssuanceOrder): Promise<IssuerStep> {
    this.record(order, 'submit');
    return Promise.resolve({ status: 'pending', handle: { polls: 1 }, resumeAfter: new Date(systemClock.now().getTime() + 200) });
  }

  async resume(order: IssuanceOrder, handle: Readonly<Record<string, unknown>>): Promise<IssuerStep> {
    this.record(order, 'resume');
    const polls = Number(handle['polls']);
    if (polls < 2) return { status: 'pending', handle: { polls: polls + 1 }, resumeAfter: new Date(systemClock.now().getTime() + 200) };
    const step = await this.ca.submit(order);
    if (step.status === 'issued') {
      const { readCertificateFacts } = await import('../../src/crypto/index.js');
      const serial = readCertificateFacts(step.certificate.certificatePem).serialNumber;
      lab().signed.set(order.orderId, (lab().signed.get(order.orderId) ?? new Set()).add(serial));
    }
    return step;
  }

  trustAnchorsPem(): Promise<string> {
    return this.ca.trustAnchorsPem();
  }

  revoke(request: Parameters<CertificateIssuer['revoke']>[0]): Promise<void> {
    return this.ca.revoke(request);
  }
}

const none = Type.Object({}, { additionalProperties: false });

export const pendingTwiceIssuer = {
  kind: 'pending-twice',
  summary: 'test only: pending twice, then a local CA issues',
  runtimes: ['aws'],
  optionsSchema: none,
  create: (_deps, { name }) => Promise.resolve(new PendingTwiceIssuer(name, new LocalCaIssuer({ dataDir: lab().caDir, clock: systemClock }, name, {}))),
} as const satisfies AdapterDescriptor<CertificateIssuer, typeof none>;

export const labKeyStore = {
  kind: 'lab-sqlite',
  summary: 'test only: the SQLite key store at the lab path, standing in for Secrets Manager (issue 9)',
  runtimes: ['aws'],
  optionsSchema: none,
  create: () => Promise.resolve(SqliteKeyStore.open(lab().keysPath)),
} as const satisfies AdapterDescriptor<KeyStore, typeof none>;

/** The lab's kinds, to add to the shipped registries (`withKinds`); this module imports no registry, so a test can mock that module with them. */
export const labKinds: { readonly [F in keyof AdapterRegistries]?: AdapterRegistries[F] } = {
  issuers: { [pendingTwiceIssuer.kind]: pendingTwiceIssuer },
  keyStores: { [labKeyStore.kind]: labKeyStore },
};
