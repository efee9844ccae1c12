import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { PG_ADMIN_URL } from "./harness.ts";

/**
 * A private PgBouncer in transaction mode in front of the test PostgreSQL: its own
 * ini and user list in a temporary folder, a free port, stopped after. Debian's
 * package (`apt-get install pgbouncer`); CI installs it (.ci/run).
 */

const CANDIDATES = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer"];

/** The pgbouncer binary, or undefined when it is not installed. */
export function pgbouncerBinary(): string | undefined {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  try {
    return execFileSync("sh", ["-c", "command -v pgbouncer"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the pooler tests can run. In CI a missing binary is a failure (thrown
 * here, so the file fails with this message); elsewhere the tests skip with it printed.
 */
export function pgbouncerAvailable(): boolean {
  if (pgbouncerBinary()) return true;
  const why = "pgbouncer is not installed (apt-get install -y pgbouncer): the pooler tests need it";
  if (process.env.CI) throw new Error(why);
  console.warn(`skipping: ${why}`);
  return false;
}

export function pgbouncerVersion(): string {
  const bin = pgbouncerBinary();
  if (!bin) throw new Error("pgbouncer is not installed");
  return execFileSync(bin, ["--version"], { encoding: "utf8" }).split("\n")[0]!.trim();
}

export interface PgBouncerOptions {
  /** Server connections per (database, user) pair unless a database says otherwise. */
  defaultPoolSize?: number;
  /** Extra entries by name: a database on the test server, with its own pool size. */
  databases?: Record<string, { dbname: string; poolSize?: number }>;
}

export interface PgBouncer {
  port: number;
  /** A URL through the pooler to `dbname` on the test server (any database: a wildcard entry). */
  url(dbname: string): string;
  /** The pooler's admin console (SHOW POOLS, SHOW SERVERS). */
  admin<T>(command: string): Promise<T[]>;
  /** What the pooler logged so far. */
  log(): string;
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

export async function startPgBouncer(opts: PgBouncerOptions = {}): Promise<PgBouncer> {
  const bin = pgbouncerBinary();
  if (!bin) throw new Error("pgbouncer is not installed (apt-get install -y pgbouncer)");
  const target = new URL(PG_ADMIN_URL);
  const user = decodeURIComponent(target.username || "postgres");
  const server = `host=${target.hostname} port=${target.port || "5432"}`;
  const dir = mkdtempSync(join(tmpdir(), "clubhouse-pgbouncer-"));
  const port = await freePort();
  const entries = Object.entries(opts.databases ?? {}).map(
    ([name, d]) => `${name} = ${server} dbname=${d.dbname}${d.poolSize ? ` pool_size=${d.poolSize}` : ""}`,
  );
  const ini = [
    "[databases]",
    ...entries,
    `* = ${server}`,
    "",
    "[pgbouncer]",
    "listen_addr = 127.0.0.1",
    `listen_port = ${port}`,
    "unix_socket_dir =",
    "auth_type = trust",
    `auth_file = ${join(dir, "userlist.txt")}`,
    `admin_users = ${user}`,
    "pool_mode = transaction",
    `default_pool_size = ${opts.defaultPoolSize ?? 2}`,
    "min_pool_size = 0",
    "reserve_pool_size = 0",
    "max_client_conn = 500",
    `logfile = ${join(dir, "pgbouncer.log")}`,
    `pidfile = ${join(dir, "pgbouncer.pid")}`,
    "",
  ].join("\n");
  writeFileSync(join(dir, "pgbouncer.ini"), ini);
  // The test server trusts this user on 127.0.0.1; the pooler still wants it listed.
  writeFileSync(join(dir, "userlist.txt"), `"${user}" ""\n`);
  const args = [join(dir, "pgbouncer.ini")];
  // PgBouncer refuses to run as root: as root, it runs as the postgres system user.
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
    args.unshift("-u", "postgres");
  }
  const child: ChildProcess = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const adminUrl = `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/pgbouncer`;
  const log = () => {
    try {
      return readFileSync(join(dir, "pgbouncer.log"), "utf8");
    } catch {
      return "";
    }
  };

  // Ready once the admin console answers.
  let ready = false;
  for (let attempt = 0; attempt < 100 && child.exitCode === null; attempt++) {
    const probe = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 2, fetch_types: false });
    try {
      await probe.unsafe("SHOW VERSION").simple();
      ready = true;
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await probe.end({ timeout: 1 }).catch(() => {});
    }
  }
  if (!ready) {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`pgbouncer did not start:\n${output}\n${log()}`);
  }

  return {
    port,
    url: (dbname) => `postgres://${encodeURIComponent(user)}@127.0.0.1:${port}/${dbname}`,
    log,
    async admin<T>(command: string) {
      const c = postgres(adminUrl, { max: 1, onnotice: () => {}, fetch_types: false });
      try {
        return (await c.unsafe(command).simple()) as unknown as T[];
      } finally {
        await c.end({ timeout: 1 });
      }
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGINT");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An empty database on the test server (no migrations), dropped by the returned function. */
export async function emptyDatabase(): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `clubhouse_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  return {
    name,
    url: PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`),
    async drop() {
      const a = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
