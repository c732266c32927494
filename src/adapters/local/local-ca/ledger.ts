import Database from 'better-sqlite3';
import { GroupCommit } from '../group-commit.js';
import { chmodSync, closeSync, openSync } from 'node:fs';

/** One issuance, keyed by the order id: what makes `submit` idempotent. */
export interface LedgerEntry {
  readonly orderId: string;
  readonly certificateId: string;
  readonly revision: number;
  readonly serialNumber: string;
  /** SHA-256 (hex) of the SubjectPublicKeyInfo the certificate was issued for. */
  readonly publicKeyDigest: string;
  readonly certificatePem: string;
  readonly chainPem: string;
  readonly issuedAt: Date;
}

interface Row {
  order_id: string;
  certificate_id: string;
  revision: number;
  serial_number: string;
  public_key_digest: string;
  certificate_pem: string;
  chain_pem: string;
  issued_at: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS issuance (
  order_id          TEXT PRIMARY KEY,
  certificate_id    TEXT NOT NULL,
  revision          INTEGER NOT NULL,
  serial_number     TEXT NOT NULL UNIQUE,
  public_key_digest TEXT NOT NULL,
  certificate_pem   TEXT NOT NULL,
  chain_pem         TEXT NOT NULL,
  issued_at         INTEGER NOT NULL
) STRICT`;

const REVOCATION_SCHEMA = `
CREATE TABLE IF NOT EXISTS revocation (
  serial_number TEXT PRIMARY KEY,
  reason        INTEGER NOT NULL,
  revoked_at    INTEGER NOT NULL
) STRICT`;

/** A revocation the CA recorded; its CRL lists every one. */
export interface Revocation {
  readonly serialNumber: string;
  readonly reason: number;
  readonly revokedAt: Date;
}

const toEntry = (row: Row): LedgerEntry => ({
  orderId: row.order_id,
  certificateId: row.certificate_id,
  revision: row.revision,
  serialNumber: row.serial_number,
  publicKeyDigest: row.public_key_digest,
  certificatePem: row.certificate_pem,
  chainPem: row.chain_pem,
  issuedAt: new Date(row.issued_at),
});

/**
 * The local CA's record of what it issued, in SQLite (WAL, synchronous=FULL: a committed
 * issuance survives a process crash and power loss).
 * Safe to share between processes; the first writer of an order id wins.
 */
export class IssuanceLedger {
  private readonly db: Database.Database;
  private readonly selectStatement: Database.Statement<[string], Row>;
  private readonly insertStatement: Database.Statement<[Row]>;
  private readonly commits: GroupCommit;

  constructor(file: string) {
    // Create the file 0600 before SQLite does (it would use the umask); WAL and SHM files copy its mode.
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    // FULL: after a power loss the CA must still know what it issued, or a retry would issue twice.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.db.exec(REVOCATION_SCHEMA);
    this.commits = new GroupCommit(this.db, (error) => error);
    this.selectStatement = this.db.prepare<[string], Row>('SELECT * FROM issuance WHERE order_id = ?');
    this.insertStatement = this.db.prepare<[Row]>(
      `INSERT INTO issuance (order_id, certificate_id, revision, serial_number, public_key_digest, certificate_pem, chain_pem, issued_at)
       VALUES (@order_id, @certificate_id, @revision, @serial_number, @public_key_digest, @certificate_pem, @chain_pem, @issued_at)
       ON CONFLICT (order_id) DO NOTHING`,
    );
  }

  find(orderId: string): LedgerEntry | undefined {
    const row = this.selectStatement.get(orderId);
    return row ? toEntry(row) : undefined;
  }

  /**
   * Records an issuance and returns what the ledger holds for its order: this entry, or an earlier
   * one. Resolves after the commit; concurrent issuances share one (group commit).
   */
  record(entry: LedgerEntry): Promise<LedgerEntry> {
    return this.commits.run(() => this.insert(entry));
  }

  private insert(entry: LedgerEntry): LedgerEntry {
    const result = this.insertStatement.run({
      order_id: entry.orderId,
      certificate_id: entry.certificateId,
      revision: entry.revision,
      serial_number: entry.serialNumber,
      public_key_digest: entry.publicKeyDigest,
      certificate_pem: entry.certificatePem,
      chain_pem: entry.chainPem,
      issued_at: entry.issuedAt.getTime(),
    });
    return result.changes === 1 ? entry : this.find(entry.orderId)!;
  }

  issuedSerial(serialNumber: string): boolean {
    return this.db.prepare<[string], { n: number }>('SELECT 1 AS n FROM issuance WHERE serial_number = ?').get(serialNumber) !== undefined;
  }

  /** Records a revocation once (the first reason and time stay) and returns every revocation. */
  revoke(revocation: Revocation): Revocation[] {
    this.commits.flush();
    this.db
      .prepare('INSERT INTO revocation (serial_number, reason, revoked_at) VALUES (?, ?, ?) ON CONFLICT (serial_number) DO NOTHING')
      .run(revocation.serialNumber, revocation.reason, revocation.revokedAt.getTime());
    return this.db
      .prepare<[], { serial_number: string; reason: number; revoked_at: number }>('SELECT * FROM revocation ORDER BY revoked_at, serial_number')
      .all()
      .map((r) => ({ serialNumber: r.serial_number, reason: r.reason, revokedAt: new Date(r.revoked_at) }));
  }

  close(): void {
    this.commits.flush();
    this.db.close();
  }
}
