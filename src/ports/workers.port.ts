/** Who holds an `issuing` lease: the host and process of the worker that took it. */
export interface LeaseHolder {
  readonly host: string;
  readonly pid: number;
  /** The PID namespace the pid belongs to, where the platform tells (Linux): containers sharing a host name do not share pids. */
  readonly pidNamespace?: string;
}

/**
 * What a worker knows of workers: who it is, and whether another one is certainly gone. The
 * answer "gone" must be certain (a process on this host that no longer exists): a lease of a
 * holder that may be alive, or lives elsewhere, is left to lapse, so one attempt stays in flight.
 */
export interface Workers {
  readonly self: LeaseHolder;
  isGone(holder: LeaseHolder): boolean;
}
