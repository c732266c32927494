import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CertflowError, ErrorCodes } from '../../../domain/errors/index.js';
import type { Delivery, Destination } from '../../../ports/destination.port.js';
import type { DirectoryOptions } from './directory.options.js';
import { fsyncDirectory } from '../durable-fs.js';

/** What the folder holds, written last: a delivery of the same version with its hook done is a no-op. */
const MARKER = '.certflow-delivery.json';

interface Marker {
  readonly versionId: string;
  readonly hook: 'pending' | 'done';
}

export interface DirectoryDestinationDeps {
  /** Where `path` is resolved against (the config file's folder). */
  resolvePath(path: string): string;
  /** Waits between hook tries; tests make it instant. */
  sleep?(ms: number): Promise<void>;
}

function writeAtomically(directory: string, name: string, content: string, mode: number): void {
  const temp = join(directory, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, join(directory, name));
}

function readMarker(directory: string): Marker | undefined {
  try {
    return JSON.parse(readFileSync(join(directory, MARKER), 'utf8')) as Marker;
  } catch {
    return undefined;
  }
}

/** Runs the hook once: its exit status (or the signal that killed it) and the tail of its stderr. */
function runHook(command: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ status: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, cwd: env['CERTFLOW_DIRECTORY'], env, stdio: ['ignore', 'ignore', 'pipe'], timeout: timeoutMs });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-500);
    });
    child.on('error', (error) => resolve({ status: null, signal: null, stderr: error.message }));
    child.on('close', (status, signal) => resolve({ status, signal, stderr }));
  });
}

/**
 * Files on disk for servers outside AWS, like certbot's live/ folder and --deploy-hook: cert.pem,
 * chain.pem, fullchain.pem and key.pem (0600), each written to a temporary file, fsynced and
 * renamed into place, then an optional reload command. A failing command is tried again with
 * backoff and then reported with its exit status (retryable: the workflow delivers again later);
 * the files stay in place whatever the command does.
 */
export class DirectoryDestination implements Destination {
  readonly kind = 'directory';
  readonly needsPrivateKey = true;
  private readonly root: string;

  constructor(
    private readonly deps: DirectoryDestinationDeps,
    readonly name: string,
    private readonly options: DirectoryOptions,
  ) {
    this.root = deps.resolvePath(options.path);
  }

  async deliver(delivery: Delivery): Promise<{ location: string }> {
    const directory = join(this.root, delivery.certificateId);
    const context = { destination: this.name, certificateId: delivery.certificateId, directory };
    const marker = readMarker(directory);
    if (marker?.versionId === delivery.versionId && marker.hook === 'done') return { location: directory };
    const key = delivery.material.privateKeyPem;
    if (key === undefined) throw new CertflowError(ErrorCodes.DESTINATION_REJECTED, `destination ${this.name} needs the private key`, { context });
    const certificate = `${delivery.material.certificatePem.trim()}\n`;
    const chain = delivery.material.chainPem.trim() === '' ? '' : `${delivery.material.chainPem.trim()}\n`;
    try {
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      // Key first: a reader that sees the new certificate finds its key already in place.
      writeAtomically(directory, 'key.pem', key, 0o600);
      writeAtomically(directory, 'chain.pem', chain, 0o644);
      writeAtomically(directory, 'fullchain.pem', `${certificate}${chain}`, 0o644);
      writeAtomically(directory, 'cert.pem', certificate, 0o644);
      writeAtomically(directory, MARKER, JSON.stringify({ versionId: delivery.versionId, hook: 'pending' } satisfies Marker), 0o600);
      fsyncDirectory(directory);
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'error';
      throw new CertflowError(ErrorCodes.DESTINATION_UNAVAILABLE, `destination ${this.name} could not write ${directory} (${code})`, { retryable: true, context, cause: error });
    }
    if (this.options.reloadCommand !== undefined) await this.reload(directory, delivery, context);
    writeAtomically(directory, MARKER, JSON.stringify({ versionId: delivery.versionId, hook: 'done' } satisfies Marker), 0o600);
    return { location: directory };
  }

  private async reload(directory: string, delivery: Delivery, context: Record<string, string>): Promise<void> {
    const command = this.options.reloadCommand ?? '';
    const attempts = this.options.hookAttempts ?? 3;
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const env = {
      ...process.env,
      // certbot's name for the folder, so existing deploy hooks work unchanged.
      RENEWED_LINEAGE: directory,
      CERTFLOW_DIRECTORY: directory,
      CERTFLOW_CERTIFICATE_ID: delivery.certificateId,
      CERTFLOW_REVISION: delivery.revision.toString(),
      CERTFLOW_SERIAL: delivery.serialNumber,
      CERTFLOW_CERT_PATH: join(directory, 'cert.pem'),
      CERTFLOW_CHAIN_PATH: join(directory, 'chain.pem'),
      CERTFLOW_FULLCHAIN_PATH: join(directory, 'fullchain.pem'),
      CERTFLOW_KEY_PATH: join(directory, 'key.pem'),
    };
    let last = { status: null as number | null, signal: null as string | null, stderr: '' };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep((this.options.hookBackoffMs ?? 1_000) * 2 ** (attempt - 2));
      last = await runHook(command, env, (this.options.hookTimeoutSeconds ?? 60) * 1_000);
      if (last.status === 0) return;
    }
    const how = last.status !== null ? `exited with status ${last.status.toString()}` : `was killed (${last.signal ?? 'failed to start'})`;
    throw new CertflowError(ErrorCodes.DESTINATION_HOOK_FAILED, `reload command of destination ${this.name} ${how} after ${attempts.toString()} tries; the files are in place`, {
      retryable: true,
      context: { ...context, exitStatus: last.status ?? -1, attempts },
      ...(last.stderr ? { details: [last.stderr.trim()] } : {}),
    });
  }
}
