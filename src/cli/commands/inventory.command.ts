import { CERT_PREFIX, REQUEST_PREFIX, keys, type CertificateRecord } from '../../app/records.js';
import type { CertificateRequest } from '../../domain/request.js';
import { daysRemaining } from '../../domain/renewal-policy.js';
import type { LocalRuntime } from '../../composition/local-runtime.js';
import { EXIT, parseCommand, parseNow, table, type CliIo } from '../io.js';
import { GLOBAL_OPTIONS, getCertificate, resolveRequest, withRuntime } from '../context.js';

async function allRecords<T>(rt: LocalRuntime, prefix: string, key: (id: string) => { pk: string; sk: string }): Promise<T[]> {
  const out: T[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await rt.deps.state.listPartitions(prefix, { limit: 500, ...(after ? { after } : {}) });
    for (const pk of page) {
      const item = await rt.deps.state.get<T>(key(pk.slice(prefix.length)));
      if (item) out.push(item.data);
    }
    if (page.length < 500) return out;
    after = page[page.length - 1];
  }
}

/** `certflow ls`: the inventory. */
export async function lsCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(args, { options: { ...GLOBAL_OPTIONS, json: { type: 'boolean' } } });
  const now = parseNow(values.now) ?? new Date();
  const records = await withRuntime(io, values.config, now, (rt) => allRecords<CertificateRecord>(rt, CERT_PREFIX, keys.certificate));
  if (values.json) {
    io.stdout(JSON.stringify(records, null, 2) + '\n');
    return EXIT.ok;
  }
  const rows = records.map((r) => [
    r.id,
    r.origin,
    r.current ? r.current.names.dns[0] ?? r.current.names.ip[0] ?? r.current.names.uri[0] ?? '' : r.spec?.commonName ?? '',
    r.revision > 0 ? `r${r.revision.toString()}` : '-',
    r.current?.notAfter.toISOString().slice(0, 10) ?? '-',
    r.current ? daysRemaining(r.current.notAfter, now).toString() : '-',
    r.pendingRequestId ?? '',
  ]);
  io.stdout(table(['CERTIFICATE', 'ORIGIN', 'NAME', 'REV', 'NOT AFTER', 'DAYS', 'PENDING REQUEST'], rows));
  return EXIT.ok;
}

/** `certflow requests`: requests, optionally of one state. */
export async function requestsCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(args, { options: { ...GLOBAL_OPTIONS, json: { type: 'boolean' }, state: { type: 'string' } } });
  const all = await withRuntime(io, values.config, parseNow(values.now), (rt) => allRecords<CertificateRequest>(rt, REQUEST_PREFIX, keys.request));
  const requests = values.state ? all.filter((r) => r.state === values.state) : all;
  if (values.json) {
    io.stdout(JSON.stringify(requests, null, 2) + '\n');
    return EXIT.ok;
  }
  const rows = requests.map((r) => [r.id, r.certificateId, `r${r.revision.toString()}`, r.reason, r.state, r.requester, r.decision?.reason ?? '']);
  io.stdout(table(['REQUEST', 'CERTIFICATE', 'REV', 'REASON', 'STATE', 'REQUESTER', 'DECISION'], rows));
  return EXIT.ok;
}

/** `certflow show <certificate|request>`. */
export async function showCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand(args, { options: { ...GLOBAL_OPTIONS } });
  const ref = positionals[0];
  if (!ref) {
    io.stderr('usage: certflow show <certificate|request>\n');
    return EXIT.usage;
  }
  const shown = await withRuntime(io, values.config, parseNow(values.now), async (rt) => {
    if (ref.startsWith('req_')) return { request: await resolveRequest(rt, ref) };
    const certificate = await getCertificate(rt, ref);
    const revisions = (await rt.deps.state.query(`${CERT_PREFIX}${ref}`, { skPrefix: 'REV#' })).map((i) => i.data);
    const versions = certificate.secretName ? await rt.deps.keys.listVersions(certificate.secretName) : [];
    return { certificate, revisions, keyStoreVersions: versions };
  });
  io.stdout(JSON.stringify(shown, null, 2) + '\n');
  return EXIT.ok;
}
