import { X509Certificate } from 'node:crypto';
import { CertflowError, ErrorCodes, type ErrorContext } from '../../domain/errors/index.js';
import type { IssuedCertificate } from '../../ports/issuer.port.js';
import { fromProblem, type AcmeProblem } from './acme.errors.js';
import type { AcmeSession } from './acme.session.js';

function splitPem(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** Link: <url>;rel="alternate", … (RFC 8288), the alternate chains of RFC 8555 §7.4.2. */
function alternates(link: string | undefined): string[] {
  if (!link) return [];
  return [...link.matchAll(/<([^>]+)>\s*;\s*rel="?alternate"?/g)].map((m) => m[1] ?? '').filter(Boolean);
}

/**
 * Downloads an order's certificate (RFC 8555 §7.4.2): the default chain, or the first alternate
 * chain whose top certificate is issued by `preferredChain` (a CN), as certbot's --preferred-chain.
 */
export async function downloadCertificate(session: AcmeSession, url: string, preferredChain: string | undefined, context: ErrorContext): Promise<IssuedCertificate> {
  const first = await session.post<string>(url, null, context);
  if (first.status !== 200) throw fromProblem(first.data as unknown as AcmeProblem, 'certificate download failed', context);
  let pem = first.data;
  const preferred = preferredChain;
  if (preferred) {
    for (const alternate of alternates(first.link)) {
      const r = await session.post<string>(alternate, null, context);
      const top = splitPem(r.data).at(-1);
      if (r.status === 200 && top && new X509Certificate(top).issuer.split('\n').includes(`CN=${preferred}`)) {
        pem = r.data;
        break;
      }
    }
  }
  const [leaf, ...chain] = splitPem(pem);
  if (!leaf) throw new CertflowError(ErrorCodes.ISSUER_UNAVAILABLE, 'the CA returned no certificate', { retryable: true, context });
  return { certificatePem: `${leaf}\n`, chainPem: chain.map((c) => `${c}\n`).join('') };
}
