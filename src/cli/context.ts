import { resolve } from 'node:path';
import { CertflowError, ErrorCodes } from '../domain/errors/index.js';
import type { CertificateRequest } from '../domain/request.js';
import type { Clock } from '../ports/clock.port.js';
import { systemClock } from '../ports/clock.port.js';
import { loadLocalConfig, openLocalRuntime, type LocalRuntime } from '../composition/local-runtime.js';
import { keys, type CertificateRecord } from '../app/records.js';
import type { CliIo } from './io.js';

export const GLOBAL_OPTIONS = {
  config: { type: 'string', short: 'c' },
  now: { type: 'string' },
} as const;

/** Opens the runtime named by --config (or CERTFLOW_CONFIG, or ./certflow.yaml) and always closes it. */
export async function withRuntime<T>(io: CliIo, configOption: string | undefined, now: Date | undefined, work: (rt: LocalRuntime) => Promise<T>): Promise<T> {
  const path = resolve(io.cwd, configOption ?? io.env['CERTFLOW_CONFIG'] ?? 'certflow.yaml');
  const config = loadLocalConfig(path);
  const clock: Clock = now ? { now: () => now } : systemClock;
  const runtime = await openLocalRuntime(config, clock);
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

export async function getCertificate(rt: LocalRuntime, id: string): Promise<CertificateRecord> {
  const item = await rt.deps.state.get<CertificateRecord>(keys.certificate(id));
  if (!item) throw new CertflowError(ErrorCodes.CERTIFICATE_UNKNOWN, `no certificate '${id}' in the inventory (see 'certflow ls')`, { context: { certificateId: id } });
  return item.data;
}

/** A request named by its id, or by a certificate whose one pending request is meant. */
export async function resolveRequest(rt: LocalRuntime, ref: string): Promise<CertificateRequest> {
  const direct = await rt.deps.state.get<CertificateRequest>(keys.request(ref));
  if (direct) return direct.data;
  const cert = await rt.deps.state.get<CertificateRecord>(keys.certificate(ref));
  const pendingId = cert?.data.pendingRequestId;
  if (pendingId) {
    const pending = await rt.deps.state.get<CertificateRequest>(keys.request(pendingId));
    if (pending) return pending.data;
  }
  throw new CertflowError(ErrorCodes.REQUEST_UNKNOWN, `no request '${ref}' (give a request id, or a certificate with a pending request)`, { context: { ref } });
}
