import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { MIGRATIONS_DIR } from "@clubhouse/db";

/**
 * A backup file: one line naming the format, one line of JSON (the header), then the
 * payload (PGlite: its data folder as a gzipped tarball; PostgreSQL: pg_dump's custom
 * format). The header lets a restore refuse a file that is not a backup, is cut short
 * or corrupted, or comes from a newer schema than this build knows, before anything
 * is touched.
 */
export const MAGIC = "CLUBHOUSE BACKUP\n";
export const FORMAT_VERSION = 1;

export interface BackupHeader {
  format: "clubhouse-backup";
  formatVersion: number;
  database: "pglite" | "postgres";
  /** Migrations applied to the backed-up database, and the last one's name. */
  migrations: number;
  schema: string;
  createdAt: string;
  payloadBytes: number;
  sha256: string;
}

export class BadBackup extends Error {}

/** The migrations this build knows, in order (db/migrations/meta/_journal.json). */
export function knownMigrations(): string[] {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
  return journal.entries.map((e) => e.tag);
}

export function wrap(payload: Uint8Array, meta: { database: BackupHeader["database"]; migrations: number; createdAt?: Date }): Buffer {
  const tags = knownMigrations();
  const header: BackupHeader = {
    format: "clubhouse-backup",
    formatVersion: FORMAT_VERSION,
    database: meta.database,
    migrations: meta.migrations,
    schema: tags[meta.migrations - 1] ?? "",
    createdAt: (meta.createdAt ?? new Date()).toISOString(),
    payloadBytes: payload.byteLength,
    sha256: createHash("sha256").update(payload).digest("hex"),
  };
  return Buffer.concat([Buffer.from(MAGIC), Buffer.from(`${JSON.stringify(header)}\n`), payload]);
}

/** Reads and checks a backup; throws BadBackup with a sentence an operator can act on. */
export function unwrap(bytes: Buffer, name = "the file"): { header: BackupHeader; payload: Buffer } {
  if (bytes.byteLength < MAGIC.length || bytes.subarray(0, MAGIC.length).toString("latin1") !== MAGIC) {
    throw new BadBackup(`${name} is not a Clubhouse backup (it does not begin with "${MAGIC.trim()}")`);
  }
  const end = bytes.indexOf(0x0a, MAGIC.length);
  if (end < 0) throw new BadBackup(`${name} is cut short: its header is incomplete`);
  let header: BackupHeader;
  try {
    header = JSON.parse(bytes.subarray(MAGIC.length, end).toString("utf8")) as BackupHeader;
  } catch {
    throw new BadBackup(`${name} is damaged: its header is not readable`);
  }
  if (header.format !== "clubhouse-backup" || typeof header.formatVersion !== "number") {
    throw new BadBackup(`${name} is damaged: its header does not describe a Clubhouse backup`);
  }
  if (header.formatVersion > FORMAT_VERSION) {
    throw new BadBackup(
      `${name} was written by a newer version of Clubhouse (backup format ${header.formatVersion}; this version reads format ${FORMAT_VERSION}): upgrade Clubhouse, then restore`,
    );
  }
  if (header.database !== "pglite" && header.database !== "postgres") {
    throw new BadBackup(`${name} is damaged: unknown database kind ${JSON.stringify(header.database)}`);
  }
  const known = knownMigrations();
  if (!Number.isInteger(header.migrations) || header.migrations < 1) {
    throw new BadBackup(`${name} is damaged: its schema version is missing`);
  }
  if (header.migrations > known.length) {
    throw new BadBackup(
      `${name} comes from a newer version of Clubhouse (schema ${header.schema}, ${header.migrations} migrations; this version knows ${known.length}, up to ${known.at(-1)}): upgrade Clubhouse, then restore`,
    );
  }
  if (known[header.migrations - 1] !== header.schema) {
    throw new BadBackup(
      `${name} comes from a different schema history (${header.schema} where this version has ${known[header.migrations - 1]})`,
    );
  }
  const payload = bytes.subarray(end + 1);
  if (payload.byteLength !== header.payloadBytes) {
    throw new BadBackup(
      `${name} is ${payload.byteLength < header.payloadBytes ? "cut short" : "longer than written"}: ${payload.byteLength} of ${header.payloadBytes} bytes of data`,
    );
  }
  if (createHash("sha256").update(payload).digest("hex") !== header.sha256) {
    throw new BadBackup(`${name} is damaged: its checksum does not match its contents`);
  }
  return { header, payload };
}
