/** Time is a port so tests and the CLI's `--now` can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
