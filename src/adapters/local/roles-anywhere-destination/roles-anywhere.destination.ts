import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CertflowError, ErrorCodes } from '../../../domain/errors/index.js';
import type { Delivery, Destination } from '../../../ports/destination.port.js';
import { fsyncDirectory } from '../durable-fs.js';
import { profileText, unsafeProfileText, type ProfileSettings } from './aws-profile.js';
import type { RolesAnywhereOptions } from './roles-anywhere.options.js';

export interface RolesAnywhereDestinationDeps {
  /** Where `path` is resolved against (the config file's folder). */
  resolvePath(path: string): string;
}

const CURRENT = 'current';
const PROFILE_FILE = 'aws-config';
const VERSION_DIR = /^v\d+-[0-9a-f]{12}$/;

function writeFileDurably(path: string, content: string, mode: number): void {
  const fd = openSync(path, 'wx', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function readLink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** `arn:partition:rolesanywhere:REGION:…`: the options schema has checked the shape. */
const regionOf = (arn: string): string => arn.split(':')[3] ?? '';
const accountOf = (arn: string): string => arn.split(':')[4] ?? '';

/**
 * Files for a workload outside AWS that gets credentials from IAM Roles Anywhere: per certificate,
 * `v<revision>-<id>/{cert,chain,key}.pem` (key 0600), a `current` symlink to the version in use,
 * and `aws-config`, an AWS config profile whose credential_process runs aws_signing_helper on the
 * version `current` names (see aws-profile.ts). A rotation writes a new version directory in full,
 * then swaps `current` with one rename: a reader resolves `current` once and reads the certificate
 * and key of one version, old or new, never a mix. The profile's text does not change with a
 * rotation; the newest few version directories stay for readers that resolved one before a swap.
 */
export class RolesAnywhereDestination implements Destination {
  readonly kind = 'rolesanywhere';
  readonly needsPrivateKey = true;
  private readonly root: string;

  constructor(
    deps: RolesAnywhereDestinationDeps,
    readonly name: string,
    private readonly options: RolesAnywhereOptions,
  ) {
    this.root = deps.resolvePath(options.path);
    const problems = [
      ...[['path', this.root], ['signingHelper', options.signingHelper ?? '']].flatMap(([what, text]) => {
        const why = unsafeProfileText(text!);
        return why ? [`${what} holds ${why}, which an AWS config file cannot carry`] : [];
      }),
      ...(regionOf(options.profileArn) !== regionOf(options.trustAnchorArn) || accountOf(options.profileArn) !== accountOf(options.trustAnchorArn)
        ? ['profileArn and trustAnchorArn must be in the same account and region']
        : []),
    ];
    if (problems.length > 0) {
      throw new CertflowError(ErrorCodes.CONFIG_INVALID, `destination ${name}: ${problems.join('; ')}`, { details: problems, context: { destination: name } });
    }
  }

  private settings(directory: string, certificateId: string): ProfileSettings {
    const o = this.options;
    return {
      destination: this.name,
      profileName: o.profileName ?? certificateId,
      directory,
      signingHelper: o.signingHelper ?? 'aws_signing_helper',
      trustAnchorArn: o.trustAnchorArn,
      profileArn: o.profileArn,
      roleArn: o.roleArn,
      helperRegion: regionOf(o.trustAnchorArn),
      region: o.region,
      sessionDurationSeconds: o.sessionDurationSeconds,
    };
  }

  async deliver(delivery: Delivery): Promise<{ location: string }> {
    const directory = join(this.root, delivery.certificateId);
    const context = { destination: this.name, certificateId: delivery.certificateId, directory };
    const key = delivery.material.privateKeyPem;
    if (key === undefined) throw new CertflowError(ErrorCodes.DESTINATION_REJECTED, `destination ${this.name} needs the private key`, { context });
    // Deterministic per key-store version: a repeated delivery finds its directory already there.
    const version = `v${delivery.revision.toString()}-${createHash('sha256').update(delivery.versionId).digest('hex').slice(0, 12)}`;
    const configPath = join(directory, PROFILE_FILE);
    const profile = profileText(this.settings(directory, delivery.certificateId), configPath);
    try {
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      const previous = readLink(join(directory, CURRENT));
      if (!readdirSync(directory).includes(version)) this.writeVersion(directory, version, delivery, key);
      if (readText(configPath) !== profile) this.replace(directory, PROFILE_FILE, (temp) => writeFileDurably(temp, profile, 0o644));
      if (previous !== version) this.replace(directory, CURRENT, (temp) => symlinkSync(version, temp));
      fsyncDirectory(directory);
      this.prune(directory, version);
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'error';
      throw new CertflowError(ErrorCodes.DESTINATION_UNAVAILABLE, `destination ${this.name} could not write ${directory} (${code})`, { retryable: true, context, cause: error });
    }
    return { location: directory };
  }

  /** The version directory is built under a temporary name and renamed: it appears complete or not at all. */
  private writeVersion(directory: string, version: string, delivery: Delivery, key: string): void {
    const staging = join(directory, `.staging-${randomBytes(6).toString('hex')}`);
    mkdirSync(staging, { mode: 0o700 });
    const chain = delivery.material.chainPem.trim();
    writeFileDurably(join(staging, 'key.pem'), key, 0o600);
    writeFileDurably(join(staging, 'cert.pem'), `${delivery.material.certificatePem.trim()}\n`, 0o644);
    writeFileDurably(join(staging, 'chain.pem'), chain === '' ? '' : `${chain}\n`, 0o644);
    fsyncDirectory(staging);
    renameSync(staging, join(directory, version));
  }

  /** rename(2) replaces `name` atomically, a symlink included: readers see the old entry or the new one. */
  private replace(directory: string, name: string, create: (temp: string) => void): void {
    const temp = join(directory, `.${name}-${randomBytes(6).toString('hex')}.tmp`);
    create(temp);
    renameSync(temp, join(directory, name));
  }

  /**
   * Leftovers of interrupted deliveries, and version directories beyond the newest `keepVersions`
   * (the current one is always kept, even after a swap back to an older revision).
   */
  private prune(directory: string, current: string): void {
    const revision = (entry: string) => Number(entry.slice(1, entry.indexOf('-')));
    const versions = readdirSync(directory).filter((e) => VERSION_DIR.test(e) && e !== current).sort((a, b) => revision(b) - revision(a));
    const stale = [
      ...versions.slice((this.options.keepVersions ?? 3) - 1),
      ...readdirSync(directory).filter((e) => e.startsWith('.staging-') || (e.startsWith('.') && e.endsWith('.tmp'))),
    ];
    for (const entry of stale) rmSync(join(directory, entry), { recursive: true, force: true });
  }
}
