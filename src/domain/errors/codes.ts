/**
 * Stable, namespaced error codes. Renaming or removing a code is a breaking change:
 * operators alert on them and downstream consumers read them from `Issuance Failed` events.
 */
export const ErrorCodes = {
  // Bad input from outside: config files, CLI arguments, PEM, events.
  CONFIG_INVALID: 'CONFIG.INVALID',
  CONFIG_UNREADABLE: 'CONFIG.UNREADABLE',
  /**
   * A Lambda function reached an adapter family it does not build (functions/lib/families.json):
   * a code path and its declaration disagree. Terminal: redelivering the same input meets the same bundle.
   */
  ADAPTER_FAMILY_NOT_BUILT: 'ADAPTER.FAMILY_NOT_BUILT',
  INPUT_INVALID: 'INPUT.INVALID',
  PEM_MALFORMED: 'PEM.MALFORMED',
  CSR_MALFORMED: 'CSR.MALFORMED',
  CSR_SIGNATURE_INVALID: 'CSR.SIGNATURE_INVALID',
  // Domain rules.
  CERTIFICATE_UNKNOWN: 'CERTIFICATE.UNKNOWN',
  REQUEST_UNKNOWN: 'REQUEST.UNKNOWN',
  REQUEST_IN_FLIGHT: 'REQUEST.IN_FLIGHT',
  REQUEST_ILLEGAL_TRANSITION: 'REQUEST.ILLEGAL_TRANSITION',
  APPROVAL_SELF_APPROVAL: 'APPROVAL.SELF_APPROVAL',
  APPROVAL_NOT_PENDING: 'APPROVAL.NOT_PENDING',
  APPROVAL_NOT_AUTHORIZED: 'APPROVAL.NOT_AUTHORIZED',
  APPROVAL_ALREADY_VOTED: 'APPROVAL.ALREADY_VOTED',
  POLICY_DENIED: 'POLICY.DENIED',
  /** An identity with invisible characters, or empty: refused, never counted as someone else. */
  IDENTITY_INVALID: 'IDENTITY.INVALID',
  /** An identity mixing scripts or written in look-alike letters (TR39). */
  IDENTITY_CONFUSABLE: 'IDENTITY.CONFUSABLE',
  /** A decision on content that changed since the approval message was posted. */
  APPROVAL_STALE: 'APPROVAL.STALE',
  // Slack.
  SLACK_UNAVAILABLE: 'SLACK.UNAVAILABLE',
  SLACK_REJECTED: 'SLACK.REJECTED',
  SECRET_UNAVAILABLE: 'SECRET.UNAVAILABLE',
  // State and concurrency.
  STATE_CONFLICT: 'STATE.CONFLICT',
  STATE_UNAVAILABLE: 'STATE.UNAVAILABLE',
  /** A reader was pointed at a data directory that holds no state (a typo in `dataDir`, or nothing has run yet). */
  STATE_NOT_FOUND: 'STATE.NOT_FOUND',
  KEYSTORE_CONFLICT: 'KEYSTORE.CONFLICT',
  KEYSTORE_VERSION_UNKNOWN: 'KEYSTORE.VERSION_UNKNOWN',
  KEYSTORE_UNAVAILABLE: 'KEYSTORE.UNAVAILABLE',
  /** CURRENT is never removed, only moved (Secrets Manager's own rule for AWSCURRENT). */
  KEYSTORE_LABEL_PROTECTED: 'KEYSTORE.LABEL_PROTECTED',
  /** The store refused the caller (IAM, a KMS key policy): not retryable until someone changes a policy. */
  KEYSTORE_ACCESS_DENIED: 'KEYSTORE.ACCESS_DENIED',
  /** The state says a certificate is issued but the key store has no CURRENT version for it (lost or replaced key store). */
  KEYSTORE_CURRENT_MISSING: 'KEYSTORE.CURRENT_MISSING',
  /** An `issuing` request is leased to a worker that is still alive (or on another host): it waits for the lease. */
  REQUEST_LEASE_HELD: 'REQUEST.LEASE_HELD',
  /** A request failed for good; its certificate gets no new revision until the configuration changes or someone asks again. */
  REQUEST_FAILED: 'REQUEST.FAILED',
  // Issuance.
  ISSUER_UNKNOWN: 'ISSUER.UNKNOWN',
  ISSUER_REJECTED: 'ISSUER.REJECTED',
  ISSUER_UNAVAILABLE: 'ISSUER.UNAVAILABLE',
  ISSUER_RATE_LIMITED: 'ISSUER.RATE_LIMITED',
  /** The CA that issued current certificates is gone; certflow never replaces it silently. */
  ISSUER_CA_MISSING: 'ISSUER.CA_MISSING',
  /** The issuer's CA no longer verifies the certificates it issued (replaced, or the key store holds another's). */
  ISSUER_CA_MISMATCH: 'ISSUER.CA_MISMATCH',
  /** The CA's own certificates cannot cover the validity asked for (intermediate or root too close to its end). */
  ISSUER_CA_EXPIRING: 'ISSUER.CA_EXPIRING',
  ISSUANCE_VERIFICATION_FAILED: 'ISSUANCE.VERIFICATION_FAILED',
  // ACME (the problem type is kept in the error context as `acmeProblem`).
  ACME_ORDER_INVALID: 'ACME.ORDER_INVALID',
  ACME_VALIDATION_FAILED: 'ACME.VALIDATION_FAILED',
  ACME_ACCOUNT_REFUSED: 'ACME.ACCOUNT_REFUSED',
  ACME_IDENTIFIER_REJECTED: 'ACME.IDENTIFIER_REJECTED',
  ACME_CAA_FORBIDDEN: 'ACME.CAA_FORBIDDEN',
  ACME_PROFILE_UNKNOWN: 'ACME.PROFILE_UNKNOWN',
  // DNS providers (DNS-01).
  DNS_UNAVAILABLE: 'DNS.UNAVAILABLE',
  DNS_ZONE_NOT_FOUND: 'DNS.ZONE_NOT_FOUND',
  DNS_REJECTED: 'DNS.REJECTED',
  // Destinations (after promotion; a failed delivery never moves CURRENT).
  DESTINATION_UNKNOWN: 'DESTINATION.UNKNOWN',
  DESTINATION_REJECTED: 'DESTINATION.REJECTED',
  DESTINATION_UNAVAILABLE: 'DESTINATION.UNAVAILABLE',
  DESTINATION_HOOK_FAILED: 'DESTINATION.HOOK_FAILED',
  // Events.
  EVENT_INVALID: 'EVENT.INVALID',
  EVENT_PATTERN_INVALID: 'EVENT.PATTERN_INVALID',
  EVENT_PUBLISH_FAILED: 'EVENT.PUBLISH_FAILED',
  EVENT_TOO_LARGE: 'EVENT.TOO_LARGE',
  // Work queue (issuance workers).
  QUEUE_UNAVAILABLE: 'QUEUE.UNAVAILABLE',
  // Sources.
  SOURCE_UNAVAILABLE: 'SOURCE.UNAVAILABLE',
  /** The discovery role could not be assumed (trust policy, ExternalId, missing role). */
  SOURCE_ACCESS_DENIED: 'SOURCE.ACCESS_DENIED',
  /** An account source (Organizations) could not list the accounts. */
  SOURCE_ACCOUNTS_UNAVAILABLE: 'SOURCE.ACCOUNTS_UNAVAILABLE',
  // IAM Roles Anywhere credential provider (src/roles-anywhere): CreateSession outcomes on the workload's side.
  /** CreateSession answered 4xx (signature, chain, trust anchor, profile or role refused); the server's message is in `context.serverMessage`. */
  ROLES_ANYWHERE_REFUSED: 'ROLES_ANYWHERE.REFUSED',
  /** The endpoint could not be reached, timed out, throttled or failed (5xx): retryable. */
  ROLES_ANYWHERE_UNAVAILABLE: 'ROLES_ANYWHERE.UNAVAILABLE',
  /** CreateSession answered 2xx with a body that does not hold one credential set. */
  ROLES_ANYWHERE_RESPONSE_INVALID: 'ROLES_ANYWHERE.RESPONSE_INVALID',
  /** The private key is not the certificate's (a rotation caught half-way, or files from two versions): retryable. */
  ROLES_ANYWHERE_KEY_MISMATCH: 'ROLES_ANYWHERE.KEY_MISMATCH',
  /** A key Roles Anywhere cannot sign with (only RSA and EC P-256/P-384 are supported here). */
  ROLES_ANYWHERE_KEY_UNSUPPORTED: 'ROLES_ANYWHERE.KEY_UNSUPPORTED',
  // Export.
  EXPORT_TARGET_EXISTS: 'EXPORT.TARGET_EXISTS',
  EXPORT_NOT_ISSUED: 'EXPORT.NOT_ISSUED',
  /** The issuer's kind has no trust anchor a verifier could register (e.g. a public ACME CA). */
  TRUST_ANCHOR_UNSUPPORTED: 'TRUST_ANCHOR.UNSUPPORTED',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
