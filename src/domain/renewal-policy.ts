const DAY_MS = 86_400_000;

/** Default alert thresholds, in days before notAfter. */
export const DEFAULT_ALERT_THRESHOLDS_DAYS: readonly number[] = [30, 14, 7, 1];

export interface RenewalTiming {
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** When set, renew this many days before notAfter; otherwise at 2/3 of the lifetime. */
  readonly renewBeforeDays?: number;
  /** The same margin in milliseconds (a spec's hours form); wins over `renewBeforeDays`. */
  readonly renewBeforeMs?: number;
}

/**
 * When a certificate becomes due for renewal. 2/3 of the lifetime is Let's Encrypt's advice
 * for clients without ARI; it leaves a third of the lifetime to recover from failures.
 */
export function renewalDueAt(timing: RenewalTiming): Date {
  const { notBefore, notAfter, renewBeforeDays, renewBeforeMs } = timing;
  if (renewBeforeMs !== undefined) return new Date(notAfter.getTime() - renewBeforeMs);
  if (renewBeforeDays !== undefined) return new Date(notAfter.getTime() - renewBeforeDays * DAY_MS);
  const lifetime = notAfter.getTime() - notBefore.getTime();
  return new Date(notBefore.getTime() + Math.floor((lifetime * 2) / 3));
}

/** What the CA advised about renewing one certificate (ACME ARI), as the inventory keeps it. */
export interface CaRenewalAdvice {
  /** The certificate the advice is about: advice on an older certificate does not count. */
  readonly serialNumber: string;
  /** The CA's suggested window; absent while the CA could not be asked yet. */
  readonly window?: { readonly start: Date; readonly end: Date };
  /** The time picked inside the window. */
  readonly renewAt?: Date;
  /** When to ask the CA again. */
  readonly checkAgainAt: Date;
}

/**
 * The renewal time once the CA has advised: the earlier of the policy's time and the CA's. A CA
 * that plans to revoke (a mis-issuance incident) moves its window forward and certflow follows
 * at once; a CA window later than the policy's never delays a renewal the operator configured.
 */
export function renewalDueWithAdvice(timing: RenewalTiming, advice: CaRenewalAdvice | undefined, serialNumber: string): { dueAt: Date; byCa: boolean } {
  const policy = renewalDueAt(timing);
  const renewAt = advice?.serialNumber === serialNumber ? advice.renewAt : undefined;
  if (!renewAt || renewAt.getTime() >= policy.getTime()) return { dueAt: policy, byCa: false };
  return { dueAt: renewAt, byCa: true };
}

export function isRenewalDue(timing: RenewalTiming, now: Date): boolean {
  return now.getTime() >= renewalDueAt(timing).getTime();
}

/** Whole days left before notAfter (negative once expired). */
export function daysRemaining(notAfter: Date, now: Date): number {
  return Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
}

/**
 * The single alert threshold to send now: the tightest one crossed and not yet sent.
 * Crossing several at once (e.g. a scan after a long outage) sends one alert, not a burst.
 */
export function alertThresholdToSend(
  notAfter: Date,
  now: Date,
  thresholdsDays: readonly number[],
  alreadySent: readonly number[],
): number | undefined {
  const left = (notAfter.getTime() - now.getTime()) / DAY_MS;
  if (left < 0) return undefined;
  const crossed = thresholdsDays.filter((t) => left <= t).sort((a, b) => a - b);
  const tightest = crossed[0];
  if (tightest === undefined) return undefined;
  return alreadySent.some((s) => s <= tightest) ? undefined : tightest;
}

/**
 * Thresholds that make sense for a certificate of this lifetime: a 30-day alert on a 30-day
 * certificate would fire the moment it is issued, so only thresholds shorter than the lifetime count.
 */
export function eligibleThresholds(notBefore: Date, notAfter: Date, thresholdsDays: readonly number[]): number[] {
  const lifetimeDays = (notAfter.getTime() - notBefore.getTime()) / DAY_MS;
  return thresholdsDays.filter((t) => t < lifetimeDays);
}

export function isExpired(notAfter: Date, now: Date): boolean {
  return now.getTime() > notAfter.getTime();
}
