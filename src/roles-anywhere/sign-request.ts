/**
 * The IAM Roles Anywhere request signature: SigV4's canonical request and string to sign, with the
 * HMAC chain replaced by a signature from the certificate's own key.
 *
 * Sources read (2026-11): the user guide's "The IAM Roles Anywhere authentication signing process"
 * (docs.aws.amazon.com/rolesanywhere/latest/userguide/authentication-sign-process.html: Tasks 1-4) and
 * "authentication.html"; and aws/rolesanywhere-credential-helper, aws_signing_helper/signer.go
 * (createCanonicalRequest, CreateStringToSign, BuildAuthorizationHeader, certificateChainToString)
 * and file_system_signer.go (Sign). What they agree on, and what this file does:
 * - Headers added before signing: Host, X-Amz-Date (yyyymmddThhmmssZ), X-Amz-X509 (base64 of the
 *   leaf's DER) and, when there are intermediates, X-Amz-X509-Chain (base64 DER of each, joined by
 *   ","). Every header sent except Authorization and User-Agent is signed (signer.go ignores those two
 *   and X-Amzn-Trace-Id); we send only the ones we sign, so a proxy's additions are not covered.
 * - Canonical request exactly as SigV4; the string to sign is SigV4's with the algorithm name
 *   AWS4-X509-RSA-SHA256 or AWS4-X509-ECDSA-SHA256 and the scope <date>/<region>/rolesanywhere/aws4_request.
 * - Signature: the key signs the string to sign with SHA-256 (file_system_signer.go hashes it with
 *   SHA-256 whatever the curve, then ecdsa.SignASN1 or rsa.SignPKCS1v15): ECDSA as a DER
 *   Ecdsa-Sig-Value, RSA as PKCS#1 v1.5; hex, lowercase.
 * - Authorization: `<algorithm> Credential=<serial, decimal>/<scope>, SignedHeaders=<names>, Signature=<hex>`
 *   (BuildAuthorizationHeader writes `certificate.SerialNumber.String()`, Go's decimal big.Int).
 */
import { constants, createHash, sign, type KeyObject, type X509Certificate } from 'node:crypto';

export const SIGNING_NAME = 'rolesanywhere';
export type SigningAlgorithm = 'AWS4-X509-RSA-SHA256' | 'AWS4-X509-ECDSA-SHA256';

/** A certificate with its key, ready to sign: what one rotation version provides. */
export interface SigningIdentity {
  readonly certificate: X509Certificate;
  /** Intermediates, leaf-most first; not the trust anchor itself. */
  readonly chain: readonly X509Certificate[];
  readonly privateKey: KeyObject;
  readonly algorithm: SigningAlgorithm;
  /** The leaf's serial number in decimal, as the Credential field carries it. */
  readonly serialNumber: string;
}

export interface RequestToSign {
  /** Scheme and authority only; the path is the operation's. */
  readonly origin: URL;
  readonly path: string;
  readonly body: string;
  readonly contentType: string;
}

/** Node prints serials as uppercase hex; Roles Anywhere wants the integer in decimal. */
export function decimalSerial(certificate: X509Certificate): string {
  return BigInt(`0x${certificate.serialNumber}`).toString(10);
}

/** yyyymmddThhmmssZ, SigV4's basic ISO 8601 form. */
export function amzDate(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');

/** Base64 DER, no line breaks: X509Certificate.raw is the DER as received. */
const base64Der = (certificate: X509Certificate): string => certificate.raw.toString('base64');

/**
 * The headers to send with `request`, Authorization included. `at` is the signing time; it must be
 * the real time, as the service refuses a date more than a few minutes off its own clock.
 */
export function signRequest(identity: SigningIdentity, request: RequestToSign, region: string, at: Date): Record<string, string> {
  const date = amzDate(at);
  const scope = `${date.slice(0, 8)}/${region}/${SIGNING_NAME}/aws4_request`;
  const headers: Record<string, string> = {
    'content-type': request.contentType,
    // URL.host omits a default port, as an HTTP client's Host header does.
    host: request.origin.host,
    'x-amz-date': date,
    'x-amz-x509': base64Der(identity.certificate),
  };
  if (identity.chain.length > 0) headers['x-amz-x509-chain'] = identity.chain.map(base64Der).join(',');

  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((name) => `${name}:${(headers[name] ?? '').trim().replace(/ +/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  // No query string: the three ARNs travel in the JSON body, as the CreateSession page's examples do.
  const canonicalRequest = ['POST', request.path, '', canonicalHeaders, signedHeaders, sha256Hex(request.body)].join('\n');
  const stringToSign = [identity.algorithm, date, scope, sha256Hex(canonicalRequest)].join('\n');

  const signature = sign(
    'sha256',
    Buffer.from(stringToSign, 'utf8'),
    identity.algorithm === 'AWS4-X509-ECDSA-SHA256'
      ? { key: identity.privateKey, dsaEncoding: 'der' }
      : { key: identity.privateKey, padding: constants.RSA_PKCS1_PADDING },
  ).toString('hex');

  return {
    ...headers,
    authorization: `${identity.algorithm} Credential=${identity.serialNumber}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
