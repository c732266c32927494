/**
 * The text of the AWS config profile the rolesanywhere destination writes. Pure: values in,
 * text out; the caller has validated the ARNs (their patterns admit no quote, space or newline).
 */

/**
 * The credential process, resolved once per call: `current` is read one time and both files come
 * from the version directory it names, so the helper never pairs a new certificate with an old key
 * (two opens of `current/cert.pem` and `current/key.pem` could straddle a swap). A fixed script;
 * every value reaches it as an argument, never as script text. `;` is never preceded by a space:
 * the JS SDK's INI parser takes whitespace followed by `;` or `#` as the start of a comment.
 */
export const CREDENTIAL_SCRIPT =
  'd=$1 h=$2; shift 2; v=$(readlink "$d/current") || exit 1; ' +
  'if [ -s "$d/$v/chain.pem" ]; then set -- --intermediates "$d/$v/chain.pem" "$@"; fi; ' +
  'exec "$h" credential-process --certificate "$d/$v/cert.pem" --private-key "$d/$v/key.pem" "$@"';

/**
 * POSIX single quotes: literal both for `sh -c` (the JS and Go SDKs run credential_process through
 * a shell) and for shlex (botocore splits the line with it before running it).
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Why a path cannot go into the profile, or undefined. Control characters would end the INI line;
 * `#` and `;` may start a comment in some SDKs' parsers and cut the command short.
 */
export function unsafeProfileText(text: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(text)) return 'a control character';
  if (/[#;]/.test(text)) return "'#' or ';' (an INI comment marker)";
  return undefined;
}

export interface ProfileSettings {
  readonly destination: string;
  readonly profileName: string;
  /** The certificate's folder: `current` and the version directories are in it. */
  readonly directory: string;
  readonly signingHelper: string;
  readonly trustAnchorArn: string;
  readonly profileArn: string;
  readonly roleArn: string;
  /** Where CreateSession goes: the trust anchor's region. */
  readonly helperRegion: string;
  readonly region?: string | undefined;
  readonly sessionDurationSeconds?: number | undefined;
}

/** The `credential_process` value: one line, the same across rotations. */
export function credentialProcess(s: ProfileSettings): string {
  const args = [
    s.directory,
    s.signingHelper,
    '--trust-anchor-arn', s.trustAnchorArn,
    '--profile-arn', s.profileArn,
    '--role-arn', s.roleArn,
    '--region', s.helperRegion,
    ...(s.sessionDurationSeconds === undefined ? [] : ['--session-duration', s.sessionDurationSeconds.toString()]),
  ];
  return ['/bin/sh', '-c', shellQuote(CREDENTIAL_SCRIPT), 'certflow-credential-process', ...args.map(shellQuote)].join(' ');
}

/** The whole aws-config file: one `[profile NAME]` section, with how to use it in comments. */
export function profileText(s: ProfileSettings, configPath: string): string {
  return [
    `# Written by certflow (rolesanywhere destination ${s.destination}); rewritten when its settings change.`,
    `# Use: AWS_CONFIG_FILE=${configPath} AWS_PROFILE=${s.profileName} aws sts get-caller-identity`,
    '# credential_process runs aws_signing_helper on the certificate and key that current/ names.',
    `[profile ${s.profileName}]`,
    `credential_process = ${credentialProcess(s)}`,
    ...(s.region === undefined ? [] : [`region = ${s.region}`]),
    '',
  ].join('\n');
}
