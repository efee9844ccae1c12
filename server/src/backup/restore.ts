import { existsSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createDb } from "@clubhouse/db";
import type { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import type { Config } from "../config.ts";
import { assertSafeRole } from "../safe-role.ts";
import { type BackupHeader, BadBackup, unwrap } from "./envelope.ts";
import { run } from "./take.ts";

export class RestoreRefused extends Error {}

export interface RestoreResult {
  target: string;
  header: BackupHeader;
  /** Where a non-empty data folder was moved (with --force). */
  movedAside?: string;
  /** Rows copied per table (embedded backup onto PostgreSQL). */
  rows?: Record<string, number>;
}

/** Reads and checks a backup file; nothing else is touched. */
export function readBackup(file: string): { header: BackupHeader; payload: Buffer } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new BadBackup(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return unwrap(bytes, file);
}

/**
 * Restores a backup file: into DATA_DIR (an empty or absent folder; a non-empty one only
 * with `force`, moved aside, never deleted), or with DATABASE_URL into an empty
 * PostgreSQL database (a PostgreSQL backup through pg_restore; an embedded backup
 * copied table by table in one transaction). The file is checked whole first.
 */
export async function restore(file: string, config: Config, opts: { force?: boolean } = {}): Promise<RestoreResult> {
  const { header, payload } = readBackup(file);
  if (config.DATABASE_URL) {
    const url = config.DATABASE_URL;
    if (opts.force) {
      throw new RestoreRefused(
        "--force does not apply to PostgreSQL: restore into a new, empty database (createdb), never over one in use",
      );
    }
    await assertEmptyPostgres(url);
    let rows: Record<string, number> | undefined;
    if (header.database === "postgres") await pgRestore(url, payload);
    else rows = await copyIntoPostgres(url, payload);
    const database = await createDb({ databaseUrl: url, appRole: config.DB_APP_ROLE, poolSize: 1 });
    try {
      await database.migrate();
      await assertSafeRole(database);
    } finally {
      await database.close();
    }
    return { target: redact(url), header, ...(rows ? { rows } : {}) };
  }
  if (header.database !== "pglite") {
    throw new RestoreRefused("this is a PostgreSQL backup: set DATABASE_URL to an empty PostgreSQL database to restore it");
  }
  return restoreDataDir(resolve(config.DATA_DIR), header, payload, opts.force ?? false);
}

function stamp() {
  return new Date().toISOString().replace(/[-:.]/g, "");
}

function lockHolder(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, "clubhouse.lock"), "utf8"));
    if (!pid || pid === process.pid) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM" ? -1 : undefined;
  }
}

async function restoreDataDir(target: string, header: BackupHeader, payload: Buffer, force: boolean): Promise<RestoreResult> {
  const entries = existsSync(target) ? readdirSync(target) : [];
  if (entries.length > 0) {
    const pid = lockHolder(target);
    if (pid) throw new RestoreRefused(`${target} is in use by a running server (process ${pid}): stop it first`);
    if (!force) {
      throw new RestoreRefused(
        `${target} is not empty: restore into an empty or new folder (DATA_DIR), or pass --force to move the existing folder aside (it is kept, not deleted)`,
      );
    }
  }
  // Unpacked and opened beside the target first: the target changes only once the backup has opened.
  const staging = `${target}.restoring-${stamp()}`;
  try {
    const database = await createDb({ dataDir: staging, loadDataDir: new Blob([new Uint8Array(payload)]) });
    try {
      await database.migrate();
    } finally {
      await database.close();
    }
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw new RestoreRefused(`the backup's data did not open, nothing was changed: ${(err as Error).message}`);
  }
  let movedAside: string | undefined;
  if (entries.length > 0) {
    movedAside = `${target}.before-restore-${stamp()}`;
    renameSync(target, movedAside);
  } else if (existsSync(target)) {
    rmdirSync(target);
  }
  renameSync(staging, target);
  return { target, header, ...(movedAside ? { movedAside } : {}) };
}

function redact(url: string) {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

async function assertEmptyPostgres(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from pg_class c join pg_namespace s on s.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'v', 'm', 'S') and s.nspname not in ('pg_catalog', 'information_schema') and s.nspname not like 'pg_toast%'`;
    if ((row?.n ?? 0) > 0) {
      throw new RestoreRefused(
        `the database ${redact(url)} is not empty (${row?.n} tables and other relations): restore into a new, empty database (createdb)`,
      );
    }
  } finally {
    await sql.end();
  }
}

/** The app role the dump's grants name; roles are cluster-wide, so pg_dump does not carry them. */
const ENSURE_ROLE = `DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'clubhouse_app') THEN
    CREATE ROLE clubhouse_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$`;

async function pgRestore(url: string, payload: Buffer) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(ENSURE_ROLE);
  } finally {
    await sql.end();
  }
  const dump = join(tmpdir(), `clubhouse-restore-${process.pid}-${stamp()}.dump`);
  writeFileSync(dump, payload, { mode: 0o600 });
  try {
    await run("pg_restore", ["--single-transaction", "--exit-on-error", "--no-owner", "--no-password", `--dbname=${url}`, dump]);
  } finally {
    rmSync(dump, { force: true });
  }
}

/**
 * Moving up from the embedded database: the backup opens in a PGlite in memory (brought
 * to this version's schema), PostgreSQL gets the schema, role and policies from the
 * migrations, then every table's rows are copied (COPY, CSV) in one transaction with
 * triggers and foreign-key checks held off (session_replication_role = replica, which
 * needs a superuser), so the copy is all or nothing and no trigger counts a row twice.
 */
async function copyIntoPostgres(url: string, payload: Buffer): Promise<Record<string, number>> {
  const source = await createDb({ loadDataDir: new Blob([new Uint8Array(payload)]) });
  const rows: Record<string, number> = {};
  try {
    await source.migrate();
    const target = await createDb({ databaseUrl: url, poolSize: 1 });
    try {
      await target.migrate();
    } finally {
      await target.close();
    }
    const lite = (source.db as unknown as { $client: PGlite }).$client;
    const tables = (
      await lite.query<{ name: string; cols: string }>(`
        select quote_ident(c.relname) as name,
               string_agg(quote_ident(a.attname), ', ' order by a.attnum) as cols
        from pg_class c join pg_namespace s on s.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
        where s.nspname = 'public' and c.relkind in ('r', 'p')
        group by c.relname order by c.relname`)
    ).rows;
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await sql.begin(async (tx) => {
        await tx.unsafe("set local session_replication_role = replica");
        // Rows the migrations themselves wrote are in the backup too.
        if (tables.length > 0) await tx.unsafe(`truncate ${tables.map((t) => t.name).join(", ")}`);
        for (const t of tables) {
          const out = await lite.query(`copy ${t.name} (${t.cols}) to '/dev/blob' with (format csv)`);
          const csv = out.blob ? Buffer.from(await out.blob.arrayBuffer()) : Buffer.alloc(0);
          if (csv.byteLength > 0) {
            const writable = await tx.unsafe(`copy ${t.name} (${t.cols}) from stdin with (format csv)`).writable();
            await new Promise<void>((done, fail) => {
              writable.on("error", fail);
              writable.end(csv, () => done());
            });
          }
          const [src] = (await lite.query<{ n: number }>(`select count(*)::int as n from ${t.name}`)).rows;
          const [dst] = await tx.unsafe<{ n: number }[]>(`select count(*)::int as n from ${t.name}`);
          if (Number(src?.n) !== Number(dst?.n)) throw new Error(`${t.name}: ${src?.n} rows in the backup, ${dst?.n} copied`);
          rows[t.name] = Number(dst?.n);
        }
      });
    } catch (err) {
      if ((err as { code?: string }).code === "42501") {
        throw new RestoreRefused(
          `copying into PostgreSQL needs a superuser connection (session_replication_role): ${(err as Error).message}`,
        );
      }
      throw err;
    } finally {
      await sql.end();
    }
  } finally {
    await source.close();
  }
  return rows;
}
