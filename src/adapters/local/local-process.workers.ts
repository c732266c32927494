import { hostname } from 'node:os';
import type { LeaseHolder, Workers } from '../../ports/workers.port.js';

/**
 * Workers as processes on this host. A holder is gone when it ran on this host and signal 0
 * finds no such process (ESRCH). A reused pid only makes a dead holder look alive: the request
 * then waits for its lease, the safe direction. Other hosts are never judged.
 */
export class LocalProcessWorkers implements Workers {
  readonly self: LeaseHolder = { host: hostname(), pid: process.pid };

  isGone(holder: LeaseHolder): boolean {
    if (holder.host !== this.self.host || holder.pid === this.self.pid) return false;
    if (!Number.isInteger(holder.pid) || holder.pid <= 0) return false;
    try {
      process.kill(holder.pid, 0);
      return false;
    } catch (error) {
      // EPERM: the process exists under another user; only ESRCH means it is gone.
      return (error as { code?: unknown }).code === 'ESRCH';
    }
  }
}
