import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import type { LeaseHolder, Workers } from '../../ports/workers.port.js';

/**
 * Workers as processes on this host. A holder is gone when it ran on this host and signal 0
 * finds no such process (ESRCH). A reused pid only makes a dead holder look alive: the request
 * then waits for its lease, the safe direction. Other hosts are never judged.
 */
export class LocalProcessWorkers implements Workers {
  readonly self: LeaseHolder = { host: hostname(), pid: process.pid, ...pidNamespace() };

  isGone(holder: LeaseHolder): boolean {
    if (holder.host !== this.self.host || holder.pid === this.self.pid) return false;
    // Another container with the same host name counts its pids elsewhere: signal 0 here says nothing of it.
    if (holder.pidNamespace !== this.self.pidNamespace) return false;
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

/** Linux names the PID namespace by an inode (`pid:[4026531836]`); elsewhere there is none to compare. */
function pidNamespace(): { pidNamespace?: string } {
  try {
    return { pidNamespace: readlinkSync('/proc/self/ns/pid') };
  } catch {
    return {};
  }
}
