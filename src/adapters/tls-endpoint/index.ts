import { readFile } from 'node:fs/promises';
import { Type } from '@sinclair/typebox';
import type { AdapterDescriptor } from '../registry/descriptor.js';
import type { CertificateSource } from '../../ports/certificate-source.port.js';

const Endpoint = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:_-]+$' }),
    port: Type.Integer({ minimum: 1, maximum: 65_535, default: 443 }),
    serverName: Type.Optional(Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.*_-]+$' })),
    owner: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);
const optionsSchema = Type.Object(
  {
    endpoints: Type.Array(Endpoint, { minItems: 1, maxItems: 10_000 }),
    timeoutMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000 }),
    concurrency: Type.Integer({ minimum: 1, maximum: 256, default: 32 }),
    /** PEM files of extra trust anchors (a private PKI's roots); relative to the config file. */
    trustedRoots: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 20 })),
    minRsaBits: Type.Integer({ minimum: 1024, maximum: 16_384, default: 2048 }),
  },
  { additionalProperties: false },
);

/** Certificates served by live TLS endpoints. */
export const tlsEndpointSource = {
  kind: 'tls-endpoint',
  summary: 'certificates served by TLS endpoints (host:port with SNI)',
  runtimes: ['local', 'aws'],
  optionsSchema,
  async create(deps, { name, options }) {
    const { TlsEndpointSource } = await import('./tls-endpoint.source.js');
    const extraRoots = await Promise.all((options.trustedRoots ?? []).map((p) => readFile(deps.resolvePath(p), 'utf8')));
    return new TlsEndpointSource({
      name,
      clock: deps.clock,
      endpoints: options.endpoints.map((e) => ({ ...e, port: e.port ?? 443 })),
      timeoutMs: options.timeoutMs ?? 5000,
      concurrency: options.concurrency ?? 32,
      minRsaBits: options.minRsaBits ?? 2048,
      ...(extraRoots.length > 0 ? { extraRoots } : {}),
    });
  },
} as const satisfies AdapterDescriptor<CertificateSource, typeof optionsSchema>;
