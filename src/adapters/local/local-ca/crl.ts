import { sign } from 'node:crypto';
import { bitString, boolean, explicit, implicit, integer, octetString, oid, sequence, time, tlv } from '../../../crypto/der.js';
import type { CertificateSigner } from '../../../crypto/certificate-builder.js';
import { keyIdentifier, signatureSchemeOf, subjectPublicKeyInfo } from '../../../crypto/keys.js';
import { toPem } from '../../../crypto/pem.js';
import { encodeName } from '../../../crypto/x509-name.js';

export interface CrlEntry {
  /** Hex, as certflow records serial numbers. */
  readonly serialNumber: string;
  readonly revokedAt: Date;
  /** RFC 5280 CRLReason code. */
  readonly reason: number;
}

const ENUMERATED = 0x0a;

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

/**
 * An RFC 5280 v2 CRL signed by `signer` (the CA that issued the listed certificates), with
 * reason codes, the authority key identifier and a CRL number.
 */
export function buildCrlPem(signer: CertificateSigner, entries: readonly CrlEntry[], thisUpdate: Date, nextUpdate: Date, crlNumber: number): string {
  const scheme = signatureSchemeOf(signer.privateKey);
  const revoked = entries.map((e) =>
    sequence(
      integer(Buffer.from(e.serialNumber.length % 2 ? `0${e.serialNumber}` : e.serialNumber, 'hex')),
      time(e.revokedAt),
      sequence(extension('2.5.29.21', false, tlv(ENUMERATED, Uint8Array.of(e.reason)))),
    ),
  );
  const tbs = sequence(
    integer(1),
    scheme.algorithmIdentifier,
    encodeName({ organization: signer.organization, commonName: signer.commonName }),
    time(thisUpdate),
    time(nextUpdate),
    ...(revoked.length > 0 ? [sequence(...revoked)] : []),
    explicit(
      0,
      sequence(
        extension('2.5.29.35', false, sequence(implicit(0, keyIdentifier(subjectPublicKeyInfo(signer.publicKey))))),
        extension('2.5.29.20', false, integer(crlNumber)),
      ),
    ),
  );
  return toPem('X509 CRL', sequence(tbs, scheme.algorithmIdentifier, bitString(sign(scheme.hash, tbs, signer.privateKey))));
}
