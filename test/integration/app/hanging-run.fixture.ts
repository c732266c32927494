/**
 * Child process for the kill-and-takeover test: runs one cycle on the config given, but every
 * order, once the CA has recorded it, hangs before its answer reaches the pipeline. When all
 * `expected` orders hang (each request leased to this process), it prints `hanging` and waits
 * for the parent's SIGKILL.
 */
import { runCycle } from '../../../src/app/run-cycle.use-case.js';
import { loadLocalConfig, openLocalRuntime } from '../../../src/composition/local-runtime.js';
import { systemClock } from '../../../src/ports/clock.port.js';
import type { CertificateIssuer } from '../../../src/ports/issuer.port.js';

const [configPath = '', expectedText = '0'] = process.argv.slice(2);
const expected = Number(expectedText);
const rt = await openLocalRuntime(loadLocalConfig(configPath), systemClock);
let hanging = 0;
const never = new Promise<never>(() => undefined);
// Keeps the event loop alive while the orders hang; the parent's SIGKILL ends the process.
setInterval(() => undefined, 1_000);

function hangAfterIssuing(issuer: CertificateIssuer): CertificateIssuer {
  return {
    kind: issuer.kind,
    name: issuer.name,
    needsPrivateKey: issuer.needsPrivateKey,
    revoke: (request) => issuer.revoke(request),
    submit: async (order) => {
      await issuer.submit(order);
      hanging += 1;
      if (hanging === expected) process.stdout.write('hanging\n');
      return never;
    },
    resume: (order, handle) => issuer.resume(order, handle),
    trustAnchorsPem: () => issuer.trustAnchorsPem(),
  };
}

const deps = { ...rt.deps, issuers: { get: (name: string) => hangAfterIssuing(rt.deps.issuers.get(name)) } };
await runCycle(deps)(rt.config.certificates);
