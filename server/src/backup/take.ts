import { spawn } from "node:child_process";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { type Database, rowsOf, sql } from "@clubhouse/db";
import { wrap } from "./envelope.ts";

/** How many migrations the database has applied (its schema version). */
export async function appliedMigrations(database: Database): Promise<number> {
  const rows = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`));
  return Number(rows[0]?.n ?? 0);
}

/**
 * A consistent backup of the whole database, as a backup file's bytes. The embedded
 * database dumps its data folder between transactions (PGlite runs one at a time);
 * PostgreSQL is dumped by pg_dump (one snapshot, custom format), needing `url`.
 */
export async function takeBackup(database: Database, url?: string): Promise<Buffer> {
  const migrations = await appliedMigrations(database);
  const createdAt = new Date();
  if (database.kind === "pglite") {
    if (!database.dumpDataDir) throw new Error("this database cannot dump its data folder");
    return wrap(await database.dumpDataDir(), { database: "pglite", migrations, createdAt });
  }
  if (!url) throw new Error("a PostgreSQL backup needs DATABASE_URL");
  return wrap(await pgDump(url), { database: "postgres", migrations, createdAt });
}

/** pg_dump's custom format on stdout (PostgreSQL's client tools must be installed). */
export function pgDump(url: string): Promise<Buffer> {
  return run("pg_dump", ["--format=custom", "--no-password", `--dbname=${url}`]);
}

export function run(cmd: string, args: string[], input?: Buffer): Promise<Buffer> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { stdio: [input ? "pipe" : "ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    child.stdout?.on("data", (d: Buffer) => out.push(d));
    child.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.on("error", (e) =>
      reject(
        (e as NodeJS.ErrnoException).code === "ENOENT" ? new Error(`${cmd} is not installed (PostgreSQL's client tools are needed)`) : e,
      ),
    );
    child.on("close", (code) =>
      code === 0 ? resolveRun(Buffer.concat(out)) : reject(new Error(`${cmd} failed (${code}): ${err.trim()}`)),
    );
    if (input) child.stdin?.end(input);
  });
}

/** Written beside its name first and renamed into place: a reader never sees half a file. */
export function writeAtomically(file: string, bytes: Buffer) {
  const partial = `${file}.partial`;
  try {
    writeFileSync(partial, bytes, { flag: "w" });
    renameSync(partial, file);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
}
