import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { ErrorCodes, isCertflowError } from '../../domain/errors/index.js';
import type { CertificateSource, ObservedCertificate, ScopeScan, SourceScope } from '../../ports/certificate-source.port.js';
import { parsePemBlocks, readCertificateFacts } from '../../crypto/index.js';

const EXTENSIONS = new Set(['.pem', '.crt']);
/** Far above any certificate chain; a bigger file is not what this source is for. */
const MAX_FILE_BYTES = 1024 * 1024;

type FileResult = { readonly certificate: ObservedCertificate } | { readonly problem: string } | { readonly skipped: true };

const errnoOf = (error: unknown): string => {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'unknown error';
};

/** One `pem-folder` source of the configuration. */
export interface PemFolderSourceOptions {
  readonly name: string;
  /** The folder; relative paths resolve against the working directory. */
  readonly path: string;
  /** Owner recorded on every certificate found here. */
  readonly owner?: string;
}

/**
 * Discovers certificates in one folder of `*.pem` / `*.crt` files (not recursive). Each file's
 * first certificate is observed with origin 'file' and its absolute path as locator. A file that
 * cannot be read or parsed becomes a problem naming the path; it never stops the scan. Files
 * holding valid PEM but no certificate (a lone private key) are skipped silently.
 */
export class PemFolderSource implements CertificateSource {
  readonly name: string;
  private readonly folder: string;
  private readonly owner: string | undefined;

  constructor(options: PemFolderSourceOptions) {
    this.folder = resolve(options.path);
    this.name = options.name;
    this.owner = options.owner;
  }

  async listScopes(): Promise<SourceScope[]> {
    return [{ id: this.folder, description: `PEM files in ${this.folder}` }];
  }

  async scan(scope: SourceScope): Promise<ScopeScan> {
    if (scope.id !== this.folder) {
      return { scope, ok: false, code: ErrorCodes.SOURCE_UNAVAILABLE, message: `scope ${scope.id} does not belong to source ${this.name}` };
    }
    let entries: string[];
    try {
      entries = (await readdir(this.folder)).filter((file) => EXTENSIONS.has(extname(file).toLowerCase())).sort();
    } catch (error) {
      return { scope, ok: false, code: ErrorCodes.SOURCE_UNAVAILABLE, message: `cannot read folder ${this.folder} (${errnoOf(error)})` };
    }
    const certificates: ObservedCertificate[] = [];
    const problems: string[] = [];
    for (const file of entries) {
      const result = await this.readOne(join(this.folder, file));
      if ('certificate' in result) certificates.push(result.certificate);
      else if ('problem' in result) problems.push(result.problem);
    }
    return { scope, ok: true, certificates, problems };
  }

  private async readOne(path: string): Promise<FileResult> {
    let text: string;
    try {
      const info = await stat(path);
      if (!info.isFile()) return { skipped: true };
      if (info.size > MAX_FILE_BYTES) return { problem: `${path}: file is larger than ${MAX_FILE_BYTES} bytes` };
      text = await readFile(path, 'utf8');
    } catch (error) {
      return { problem: `${path}: cannot read file (${errnoOf(error)})` };
    }
    if (text.trim() === '') return { problem: `${path}: file is empty` };
    try {
      const block = parsePemBlocks(text).find((b) => b.label === 'CERTIFICATE');
      if (!block) return { skipped: true };
      const certificate: ObservedCertificate = {
        origin: 'file',
        locator: path,
        facts: readCertificateFacts(block.der),
        ...(this.owner === undefined ? {} : { owner: this.owner }),
      };
      return { certificate };
    } catch (error) {
      // Our own messages never quote the input; anything else is named generically.
      return { problem: `${path}: ${isCertflowError(error) ? error.message : 'not a readable certificate'}` };
    }
  }
}
