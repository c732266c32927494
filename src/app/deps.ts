import type { ApprovalPolicy } from '../domain/approval-policy.js';
import type { Clock } from '../ports/clock.port.js';
import type { CertificateIssuer } from '../ports/issuer.port.js';
import type { CertificateSource } from '../ports/certificate-source.port.js';
import type { EventBus } from '../ports/event-bus.port.js';
import type { KeyStore } from '../ports/key-store.port.js';
import type { DestinationDirectory } from '../ports/destination.port.js';
import type { Notifier } from '../ports/notifier.port.js';
import type { Outbox, StateStore } from '../ports/state-store.port.js';
import type { Workers } from '../ports/workers.port.js';

/** Everything the use cases reach the world through; built once by a composition root. */
export interface AppDeps {
  readonly state: StateStore;
  readonly outbox: Outbox;
  readonly keys: KeyStore;
  readonly issuers: IssuerDirectory;
  readonly bus: EventBus;
  readonly sources: readonly CertificateSource[];
  readonly notifier?: Notifier;
  /** Where each certificate is delivered after promotion; none when absent. */
  readonly destinations?: DestinationDirectory;
  readonly clock: Clock;
  readonly policy: ApprovalPolicy;
  readonly alertThresholdsDays: readonly number[];
  /** Who this worker is, and which lease holders are gone; without it a lease always runs its course. */
  readonly workers?: Workers;
  /** Re-issue a certificate whose CURRENT key store version is missing (default true). */
  readonly reissueMissingKeys?: boolean;
}

/** Looks issuers up by the name configuration gives them. */
export interface IssuerDirectory {
  get(name: string): CertificateIssuer;
}
