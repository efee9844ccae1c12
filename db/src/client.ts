import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/postgres-js";
import { migrate as migratePg } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { DRIZZLE_PARSERS, forDrizzle } from "./pglite-client.ts";

/**
 * No relational schema: drizzle builds a query helper per table of the schema for every
 * transaction it opens (its `tx.query.*` API), a cost on every write for an API nothing
 * here uses. Statements are built with the query builder and `sql` from the tables.
 */
export type Schema = Record<string, never>;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
// biome-ignore lint/suspicious/noExplicitAny: drizzle's relational-config parameter is internal
export type Tx = PgTransaction<PgQueryResultHKT, Schema, any>;

export const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../migrations");
export const DEFAULT_APP_ROLE = "clubhouse_app";

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /** The role every app transaction switches to (SET LOCAL ROLE). */
  appRole: string;
  /** Connections the pool may open (PostgreSQL); the embedded database has one. */
  poolSize?: number;
  /**
   * A hot standby of this database for heavy reads (`withTenantRead`, read.ts): the
   * same app role, the same per-transaction club scope. Absent: every read on here.
   */
  standby?: Database;
  /** With a standby: how long a read waits for it to replay up to the primary's position before it runs here. */
  readWaitMs?: number;
  migrate(): Promise<void>;
  close(): Promise<void>;
  /**
   * The embedded database only: its data folder as a gzipped tarball, taken while no
   * transaction is open and no statement runs (PGlite's own queues), after a checkpoint.
   */
  dumpDataDir?(): Promise<Uint8Array>;
}

export interface CreateDbOptions {
  /** A PostgreSQL server; when absent the embedded PGlite is used. */
  databaseUrl?: string;
  /** Where PGlite keeps its files; undefined means in memory. */
  dataDir?: string;
  appRole?: string;
  poolSize?: number;
  /** PostgreSQL: run statements as prepared ones (default); false for a pooler that cannot keep them. */
  prepare?: boolean;
  /**
   * PostgreSQL: where migrate() connects, when not databaseUrl. Behind a pooler in
   * transaction mode, a direct URL: the migration lock is a session's.
   */
  migrateUrl?: string;
  /** The embedded database only: start from this data folder tarball (a backup) instead of an empty one. */
  loadDataDir?: Blob;
  /** PostgreSQL: a hot standby of databaseUrl for heavy reads (read.ts); its pool is as large as the primary's. */
  readUrl?: string;
  /** With readUrl: how long a read waits for the standby to catch up (ms) before it runs on the primary. */
  readWaitMs?: number;
}

export class DataDirLocked extends Error {
  constructor(dir: string, pid: number) {
    super(`the data folder ${dir} is in use by process ${pid}; one process per data folder`);
  }
}

/** PGlite takes no lock of its own: two processes on one folder would corrupt it. */
function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "clubhouse.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number(readFileSync(file, "utf8"));
      if (pid && pid !== process.pid && isAlive(pid)) throw new DataDirLocked(dir, pid);
      rmSync(file, { force: true }); // stale lock from a process that died
    }
  }
  throw new Error(`could not lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function createDb(opts: CreateDbOptions = {}): Promise<Database> {
  const appRole = opts.appRole ?? DEFAULT_APP_ROLE;
  if (opts.readUrl && !opts.databaseUrl) throw new Error("a standby (readUrl) needs a PostgreSQL primary (databaseUrl)");
  if (opts.databaseUrl) {
    const primary = pgDatabase(opts.databaseUrl, opts, appRole);
    if (!opts.readUrl) return primary;
    // Not migrated (a standby replays the primary's), and quick to give up on: a
    // standby that is away sends reads to the primary rather than keep them waiting.
    const standby = pgDatabase(opts.readUrl, { ...opts, migrateUrl: undefined }, appRole, {
      connect_timeout: 3,
      application_name: "clubhouse-read",
    });
    return {
      ...primary,
      standby: { ...standby, async migrate() {} },
      readWaitMs: opts.readWaitMs ?? 100,
      async close() {
        await Promise.all([primary.close(), standby.close()]);
      },
    };
  }
  const unlock = opts.dataDir ? lockDataDir(opts.dataDir) : () => {};
  let client: PGlite;
  try {
    const load = { parsers: DRIZZLE_PARSERS, ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}) };
    client = opts.dataDir ? await PGlite.create(opts.dataDir, load) : await PGlite.create(load);
  } catch (err) {
    unlock();
    throw err;
  }
  const db = drizzlePglite({ client: forDrizzle(client) }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    appRole,
    async migrate() {
      await migratePglite(drizzlePglite({ client }), { migrationsFolder: MIGRATIONS_DIR });
      await client.exec("select app_secure_tables()");
    },
    async close() {
      await client.close();
      unlock();
    },
    async dumpDataDir() {
      await client.exec("checkpoint");
      // The transaction queue first (no transaction open), then the dump's own turn on the statement queue.
      const tarball = await client._runExclusiveTransaction(() => client.dumpDataDir("gzip"));
      return new Uint8Array(await tarball.arrayBuffer());
    },
  };
}

/** A PostgreSQL pool: the primary (DATABASE_URL) or its hot standby (DATABASE_READ_URL). */
function pgDatabase(
  databaseUrl: string,
  opts: CreateDbOptions,
  appRole: string,
  extra: { application_name: string; connect_timeout?: number } = { application_name: "clubhouse" },
): Database {
  const client = postgres(databaseUrl, {
    max: opts.poolSize ?? 10,
    // Off, postgres.js must not prepare its own statements either (its transactions'
    // COMMIT, the type query at connect): behind a pooler in transaction mode the next
    // one may reach a server connection that lacks the statement, and postgres.js's
    // retry of a failed COMMIT there answers a ROLLBACK as a commit.
    ...(opts.prepare === false ? { prepare: false } : {}),
    onnotice: () => {},
    connection: { application_name: extra.application_name },
    ...(extra.connect_timeout ? { connect_timeout: extra.connect_timeout } : {}),
  });
  const db = drizzlePg({ client: opts.prepare === false ? client : preparing(client) }) as unknown as Db;
  const url = opts.migrateUrl ?? databaseUrl;
  return {
    db,
    kind: "postgres",
    appRole,
    poolSize: opts.poolSize ?? 10,
    async migrate() {
      // One migrator at a time across every process starting against this database.
      const one = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await one`select pg_advisory_lock(724201)`;
        await migratePg(drizzlePg({ client: one }), { migrationsFolder: MIGRATIONS_DIR });
        await one`select app_secure_tables()`;
        await one`select pg_advisory_unlock(724201)`;
      } finally {
        await one.end();
      }
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}

export { sql };

/** Distinct statement texts this process prepares at most (see `preparing`). */
export const MAX_PREPARED_TEXTS = 2000;

type Sql = ReturnType<typeof postgres>;

/**
 * The postgres.js client as drizzle sees it: every statement prepared, and
 * transactions whose BEGIN goes out with their first statements.
 *
 * Prepared statements: drizzle runs a statement it was not told to prepare as an
 * unnamed one, and postgres.js sends an unnamed statement with parameters in two
 * round trips (its parameter types first, then the values), during which that
 * connection pipelines nothing else; one without parameters goes as a simple query,
 * parsed and planned every time. Prepared (named, kept per connection), a statement
 * costs one round trip from its second use on, several go out in one socket write,
 * and PostgreSQL keeps its plan. At most MAX_PREPARED_TEXTS distinct texts per
 * process are prepared, which bounds what each connection and its server process
 * keep: statements whose text varies with their input (an IN list, a multi-row
 * VALUES) each count as one; past the cap new texts run unnamed. postgres.js
 * re-prepares a statement whose plan a migration invalidated.
 *
 * Transactions: postgres.js's `begin` waits for BEGIN's answer before the first
 * statement is sent. Here the connection is reserved and BEGIN is handed to it
 * first, so it travels in the same socket write as the transaction's first
 * statements (a connection runs what it is handed in order): one round trip fewer
 * per transaction. On any error the transaction is rolled back and the first
 * failure is what is thrown (not a later statement's "transaction is aborted").
 */
export function preparing(client: Sql, texts: Set<string> = new Set()): Sql {
  const prepare = (text: string) => {
    if (texts.has(text)) return true;
    if (texts.size >= MAX_PREPARED_TEXTS) return false;
    texts.add(text);
    return true;
  };
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === "unsafe") {
        return (text: string, params?: unknown[], options?: { prepare?: boolean; simple?: boolean }) => {
          // The app's statements are single statements, which is all the extended
          // protocol (and so a prepared statement) takes.
          const prepared = prepare(text);
          return target.unsafe(text, params as never, {
            ...options,
            prepare: prepared,
            ...(prepared ? { simple: options?.simple ?? false } : {}),
          });
        };
      }
      if (prop === "begin") {
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: Sql) => unknown;
          const mode = typeof args[0] === "string" ? args[0].replace(/[^a-z ]/gi, "") : "";
          return transaction(target, texts, mode, fn);
        };
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

async function transaction(client: Sql, texts: Set<string>, mode: string, fn: (tx: Sql) => unknown): Promise<unknown> {
  const conn = await client.reserve();
  let first: unknown;
  const failed = (e: unknown) => {
    first ??= e;
  };
  let savepoints = 0;
  const tx = preparing(conn, texts);
  // drizzle's nested transactions are savepoints on the transaction's client
  Object.defineProperty(tx, "savepoint", {
    value: async (inner: (tx: Sql) => unknown) => {
      const name = `s${savepoints++}`;
      await conn.unsafe(`savepoint ${name}`);
      try {
        const result = await inner(tx);
        await conn.unsafe(`release savepoint ${name}`);
        return result;
      } catch (error) {
        await conn.unsafe(`rollback to savepoint ${name}`);
        throw error;
      }
    },
  });
  try {
    const begun = conn.unsafe(`begin ${mode}`).execute();
    begun.catch(failed);
    const result = await fn(tx);
    await begun;
    await conn.unsafe("commit");
    return result;
  } catch (error) {
    failed(error);
    await conn.unsafe("rollback").catch(() => {});
    throw (error as { code?: string }).code === "25P02" ? first : error;
  } finally {
    conn.release();
  }
}

/** Rows of a raw `tx.execute(sql...)`: postgres.js returns an array, PGlite `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
