import { execFile, execFileSync } from "node:child_process";
import { appendFileSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { PG_ADMIN_URL } from "./harness.ts";

const run = promisify(execFile);

/**
 * A primary and a hot standby made from it with pg_basebackup and streaming
 * replication, for the read-replica tests (docs/replica.md). The primary is the
 * local test server when it accepts replication connections (wal_level replica or
 * more, max_wal_senders, a `replication` line in pg_hba.conf), else a private
 * instance (initdb) started for the test; the standby is always private. Both live
 * in a temporary folder, listen on 127.0.0.1 only (no Unix socket) on free ports,
 * and are stopped and removed by stop(), or at exit if the test never got there.
 *
 * As root, PostgreSQL's programs run as the postgres system user (it refuses root),
 * and the folder is theirs.
 */
export interface ReplicaPair {
  /** The database the tests use, on the primary (and so on the standby). */
  dbname: string;
  /** Superuser URLs to it. */
  primaryUrl: string;
  standbyUrl: string;
  /** Whether the primary is a private instance (the local server allows no replication). */
  ownPrimary: boolean;
  /** Why the primary was chosen. */
  why: string;
  /** Whether pg_stat_statements is loaded on the standby (and the extension exists in dbname). */
  statements: boolean;
  /** Wait until the standby has replayed everything the primary has written so far. */
  caughtUp(timeoutMs?: number): Promise<void>;
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

const asRoot = process.getuid?.() === 0;

function postgresIds(): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim()),
    gid: Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim()),
  };
}

/** A PostgreSQL program, as the postgres system user when we are root. */
async function pg(bin: string, args: string[], env: Record<string, string> = {}) {
  const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  try {
    return await run(file, argv, { encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${bin.split("/").pop()} failed: ${e.message}\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
  }
}

/** Where PostgreSQL's programs are for this major version (Debian's layout), else pg_config's. */
function binDir(major: number): string {
  const debian = `/usr/lib/postgresql/${major}/bin`;
  if (existsSync(join(debian, "pg_ctl"))) return debian;
  return execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
}

function urlOf(port: number, dbname: string) {
  return `postgres://postgres@127.0.0.1:${port}/${dbname}`;
}

/** Whether the local server takes a replication connection from us: pg_hba, max_wal_senders and wal_level all allow it. */
async function localAllowsReplication(bin: string, admin: postgres.Sql): Promise<{ ok: boolean; why: string }> {
  const [s] = await admin<{ wal: string; senders: number }[]>`
    select current_setting('wal_level') as wal, current_setting('max_wal_senders')::int as senders`;
  if (!s || s.wal === "minimal") return { ok: false, why: `the local server has wal_level=${s?.wal}` };
  if (s.senders < 1) return { ok: false, why: "the local server has max_wal_senders=0" };
  const target = new URL(PG_ADMIN_URL);
  try {
    // A physical replication connection, as pg_basebackup would make it.
    await run(
      join(bin, "psql"),
      [
        `host=${target.hostname} port=${target.port || "5432"} user=${decodeURIComponent(target.username || "postgres")} replication=true dbname=replication`,
        "-Atc",
        "IDENTIFY_SYSTEM",
      ],
      { encoding: "utf8", timeout: 10_000 },
    );
    return { ok: true, why: "the local server accepts replication connections" };
  } catch (err) {
    const msg = ((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split("\n")[0];
    return { ok: false, why: `the local server refuses replication connections (${msg})` };
  }
}

/** Settings a hot standby must have at least as high as its primary's. */
const AT_LEAST = ["max_connections", "max_worker_processes", "max_wal_senders", "max_prepared_transactions", "max_locks_per_transaction"];

export async function startReplicaPair(): Promise<ReplicaPair> {
  const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
  let major: number;
  let local: { ok: boolean; why: string };
  let bin: string;
  try {
    const [v] = await admin<{ n: number }[]>`select current_setting('server_version_num')::int as n`;
    major = Math.floor((v?.n ?? 150000) / 10000);
    bin = binDir(major);
    local = await localAllowsReplication(bin, admin);
  } finally {
    await admin.end();
  }

  const dir = mkdtempSync(join(tmpdir(), "clubhouse-replica-"));
  if (asRoot) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }
  const primaryDir = join(dir, "primary");
  const standbyDir = join(dir, "standby");
  const started: string[] = [];
  const stopNow = () => {
    for (const d of started.splice(0).reverse()) {
      try {
        execFileSync(asRoot ? "runuser" : join(bin, "pg_ctl"), [
          ...(asRoot ? ["-u", "postgres", "--", join(bin, "pg_ctl")] : []),
          "-D",
          d,
          "-m",
          "immediate",
          "-w",
          "stop",
        ]);
      } catch {}
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A test process that dies before stop() leaves no server behind.
  process.once("exit", stopNow);
  const pgctl = async (d: string, ...args: string[]) => {
    await pg(join(bin, "pg_ctl"), ["-D", d, "-l", `${d}.log`, "-w", "-t", "120", ...args]);
  };

  try {
    let primaryPort: number;
    let dbname: string;
    if (local.ok) {
      const target = new URL(PG_ADMIN_URL);
      primaryPort = Number(target.port || 5432);
      dbname = `clubhouse_test_replica_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    } else {
      primaryPort = await freePort();
      dbname = "clubhouse";
      await pg(join(bin, "initdb"), ["-D", primaryDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
      // initdb's pg_hba.conf already trusts replication connections from 127.0.0.1.
      appendFileSync(
        join(primaryDir, "postgresql.auto.conf"),
        [
          `port = ${primaryPort}`,
          "listen_addresses = '127.0.0.1'",
          "unix_socket_directories = ''",
          "wal_level = replica",
          "max_wal_senders = 5",
          "wal_keep_size = '256MB'",
          "max_connections = 60",
          "fsync = off",
          "shared_preload_libraries = 'pg_stat_statements'",
          "",
        ].join("\n"),
      );
      await pgctl(primaryDir, "start");
      started.push(primaryDir);
    }
    const primaryAdmin = postgres(urlOf(primaryPort, "postgres"), { max: 1, onnotice: () => {} });
    const minimums: Record<string, string> = {};
    try {
      await primaryAdmin.unsafe(`create database ${dbname}`);
      for (const name of AT_LEAST) {
        const [r] = await primaryAdmin<{ v: string }[]>`select current_setting(${name}) as v`;
        minimums[name] = r!.v;
      }
    } finally {
      await primaryAdmin.end();
    }
    // The statement counters on the standby: the extension's objects come from the primary.
    const pkglib = join(bin, "..", "lib");
    const statements = existsSync(join(pkglib, "pg_stat_statements.so"));
    if (statements) {
      const c = postgres(urlOf(primaryPort, dbname), { max: 1, onnotice: () => {} });
      try {
        await c`create extension if not exists pg_stat_statements`;
      } finally {
        await c.end();
      }
    }

    // The standby: a base backup of the primary (-R: it follows the primary over streaming replication).
    const standbyPort = await freePort();
    await pg(join(bin, "pg_basebackup"), [
      "-h",
      "127.0.0.1",
      "-p",
      String(primaryPort),
      "-U",
      "postgres",
      "-D",
      standbyDir,
      "-R",
      "-X",
      "stream",
      "-c",
      "fast",
      "--no-sync",
    ]);
    // A packaged server keeps its configuration outside its data folder: the copy has none.
    for (const f of ["postgresql.conf", "pg_ident.conf"]) if (!existsSync(join(standbyDir, f))) writeFileSync(join(standbyDir, f), "");
    writeFileSync(join(standbyDir, "pg_hba.conf"), "host all all 127.0.0.1/32 trust\n");
    // Last in postgresql.auto.conf: over anything the copy brought along.
    appendFileSync(
      join(standbyDir, "postgresql.auto.conf"),
      [
        `port = ${standbyPort}`,
        "listen_addresses = '127.0.0.1'",
        "unix_socket_directories = ''",
        "hot_standby = on",
        "ssl = off",
        ...Object.entries(minimums).map(([k, v]) => `${k} = ${v}`),
        statements ? "shared_preload_libraries = 'pg_stat_statements'" : "shared_preload_libraries = ''",
        "",
      ].join("\n"),
    );
    if (asRoot) {
      const { uid, gid } = postgresIds();
      for (const f of ["postgresql.conf", "pg_ident.conf", "pg_hba.conf", "postgresql.auto.conf"]) chownSync(join(standbyDir, f), uid, gid);
    }
    await pgctl(standbyDir, "start");
    started.push(standbyDir);

    const primaryUrl = urlOf(primaryPort, dbname);
    const standbyUrl = urlOf(standbyPort, dbname);
    const onStandby = async <T>(fn: (c: postgres.Sql) => Promise<T>) => {
      const c = postgres(standbyUrl, { max: 1, onnotice: () => {} });
      try {
        return await fn(c);
      } finally {
        await c.end();
      }
    };
    const caughtUp = async (timeoutMs = 30_000) => {
      const p = postgres(primaryUrl, { max: 1, onnotice: () => {} });
      let lsn: string;
      try {
        const [r] = await p<{ lsn: string }[]>`select pg_current_wal_insert_lsn()::text as lsn`;
        lsn = r!.lsn;
      } finally {
        await p.end();
      }
      const deadline = Date.now() + timeoutMs;
      await onStandby(async (c) => {
        for (;;) {
          const [r] = await c<{ ok: boolean }[]>`select coalesce(pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn, false) as ok`;
          if (r?.ok) return;
          if (Date.now() > deadline) throw new Error(`the standby did not replay up to ${lsn} in ${timeoutMs} ms`);
          await new Promise((res) => setTimeout(res, 20));
        }
      });
    };
    // The database is on the standby once its creation has been replayed.
    await caughtUp(60_000);

    let stopped = false;
    return {
      dbname,
      primaryUrl,
      standbyUrl,
      ownPrimary: !local.ok,
      why: local.why,
      statements,
      caughtUp,
      pauseReplay: () => onStandby(async (c) => void (await c`select pg_wal_replay_pause()`)),
      resumeReplay: () => onStandby(async (c) => void (await c`select pg_wal_replay_resume()`)),
      async stop() {
        if (stopped) return;
        stopped = true;
        process.removeListener("exit", stopNow);
        for (const d of started.splice(0).reverse()) await pgctl(d, "-m", "fast", "stop").catch(() => {});
        if (local.ok) {
          const a = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
          await a.unsafe(`drop database if exists ${dbname} with (force)`).catch(() => {});
          await a.end();
        }
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    process.removeListener("exit", stopNow);
    stopNow();
    throw err;
  }
}
