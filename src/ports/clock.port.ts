/** Time is a port so tests can move it and `certflow plan --at` can look ahead; writes outside tests always take the system clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
