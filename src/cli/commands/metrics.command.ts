import { writeFileAtomically } from '../write-file.js';
import { resolve } from 'node:path';
import { listCertificates, listRequests, type CertificateView } from '../../app/read-inventory.use-case.js';
import { REQUEST_STATES } from '../../domain/request.js';
import { EXIT } from '../io.js';
import { runtimeOptions, stringOption, type CommandContext } from '../context.js';
import { withRuntime } from '../runtime.js';
import { version } from '../main.js';

/**
 * `certflow metrics [--out FILE]`: the inventory in the Prometheus text format (0.0.4). Names
 * follow cert-manager's where the meaning is the same (`certmanager_certificate_*` becomes
 * `certflow_certificate_*`, same suffixes, units and `name`/`issuer_name`/`issuer_kind` labels),
 * so dashboards and alerts written for one work for the other by renaming the prefix.
 * `--out` writes a temporary file beside FILE and renames it over, as node_exporter's textfile
 * collector requires (it must never read half a file).
 */
export async function metricsCommand(ctx: CommandContext): Promise<number> {
  const { views, requestCounts, at } = await withRuntime(ctx.io, runtimeOptions(ctx), 'read', async (rt) => {
    const requests = await listRequests(rt.deps)();
    const counts = new Map<string, number>(REQUEST_STATES.map((s) => [s, 0]));
    for (const r of requests) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
    return { views: await listCertificates(rt.deps)(), requestCounts: counts, at: rt.deps.clock.now() };
  });
  const text = render(views, requestCounts, at);
  const out = stringOption(ctx, 'out');
  if (out === undefined) {
    ctx.io.stdout(text);
    return EXIT.ok;
  }
  const target = resolve(ctx.io.cwd, out);
  writeFileAtomically(target, text, 0o644);
  return EXIT.ok;
}

/** A label value, escaped as the text format asks (backslash, double quote, newline). */
const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (pairs: Record<string, string>) =>
  Object.keys(pairs).length === 0 ? '' : `{${Object.entries(pairs).map(([k, v]) => `${k}="${esc(v)}"`).join(',')}}`;
const seconds = (d: Date) => (d.getTime() / 1000).toString();

function render(views: readonly CertificateView[], requestCounts: ReadonlyMap<string, number>, at: Date): string {
  const families: { name: string; help: string; type: 'gauge'; samples: string[] }[] = [];
  const family = (name: string, help: string) => {
    const f = { name, help, type: 'gauge' as const, samples: [] as string[] };
    families.push(f);
    return (l: Record<string, string>, value: string) => f.samples.push(`${name}${labels(l)} ${value}`);
  };
  const expiration = family('certflow_certificate_expiration_timestamp_seconds', 'The date after which the certificate expires, as a Unix timestamp (cert-manager: certmanager_certificate_expiration_timestamp_seconds).');
  const notBefore = family('certflow_certificate_not_before_timestamp_seconds', 'The date before which the certificate is not valid, as a Unix timestamp (cert-manager: certmanager_certificate_not_before_timestamp_seconds).');
  const renewal = family('certflow_certificate_renewal_timestamp_seconds', 'The date after which a managed certificate is renewed, as a Unix timestamp (cert-manager: certmanager_certificate_renewal_timestamp_seconds).');
  const ready = family('certflow_certificate_ready_status', 'The ready status of the certificate: 1 for the current condition, 0 for the others (cert-manager: certmanager_certificate_ready_status).');
  const status = family('certflow_certificate_status', 'The certflow status of the certificate: 1 for the current status, 0 for the others.');
  const requests = family('certflow_requests', 'Issuance requests by state.');
  const info = family('certflow_info', 'The certflow version that wrote these metrics.');
  for (const v of views) {
    const r = v.record;
    const base = { name: r.id, origin: r.origin, issuer_name: r.spec?.issuer.name ?? '', issuer_kind: r.spec?.issuer.kind ?? '' };
    if (v.current) {
      expiration(base, seconds(v.current.notAfter));
      notBefore(base, seconds(v.current.notBefore));
    }
    if (v.renewalDueAt) renewal(base, seconds(v.renewalDueAt));
    const condition = v.status === 'ready' || v.status === 'renewal-due' || v.status === 'expiring' ? 'True' : v.status === 'expired' ? 'False' : 'Unknown';
    for (const c of ['True', 'False', 'Unknown']) ready({ ...base, condition: c }, c === condition ? '1' : '0');
    for (const s of ['not-issued', 'ready', 'renewal-due', 'expiring', 'expired']) status({ ...base, status: s }, s === v.status ? '1' : '0');
  }
  for (const [state, n] of requestCounts) requests({ state }, n.toString());
  info({ version: version() }, '1');
  const scrape = family('certflow_metrics_generated_timestamp_seconds', 'When these metrics were computed, as a Unix timestamp.');
  scrape({}, seconds(at));
  return families.map((f) => [`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`, ...f.samples].join('\n')).join('\n') + '\n';
}
