/**
 * The bench's own PostgreSQL: a private cluster (Debian's postgresql-common) on a
 * free port, configured as a database server is in production rather than with
 * PostgreSQL's defaults — `shared_buffers` a quarter of RAM (the defaults' 128 MB
 * is a laptop setting) and checkpoints far enough apart not to land in every
 * figure. Durability is untouched: fsync and synchronous_commit stay on.
 *
 * Why it matters here: the development machines do not keep a database's files in
 * the OS page cache (it is reclaimed within seconds), so with the default
 * shared_buffers every index page a write touches is a real disk read, and the
 * figures measure the disk instead of the code. The cluster is created, started
 * and dropped by the bench; `--pg-url` measures an existing server instead.
 */
import { execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { freePort } from "./procs.ts";

export interface PrivateCluster {
  /** superuser URL (trust auth, 127.0.0.1 only) */
  url: string;
  settings: Record<string, string>;
  drop(): void;
}

export function clusterSettings(): Record<string, string> {
  const gib = os.totalmem() / 2 ** 30;
  const sharedMb = Math.max(128, Math.floor((gib * 1024) / 4 / 256) * 256);
  return {
    shared_buffers: `${sharedMb}MB`,
    effective_cache_size: `${Math.floor((gib * 1024) / 2)}MB`,
    maintenance_work_mem: "1GB",
    work_mem: "16MB",
    max_wal_size: "8GB",
    checkpoint_timeout: "30min",
    max_connections: "300",
  };
}

export async function startPrivateCluster(o: { statements?: boolean } = {}): Promise<PrivateCluster> {
  const version = readdirSync("/etc/postgresql").sort().at(-1);
  if (!version) throw new Error("no PostgreSQL installation in /etc/postgresql (pg_createcluster needs postgresql-common)");
  const dir = mkdtempSync(join(os.tmpdir(), "clubhouse-bench-pg-"));
  const pgUser = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const pgGroup = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  chownSync(dir, pgUser, pgGroup);
  const port = await freePort();
  const name = `clubhouse_bench_${port}`;
  const settings = {
    ...clusterSettings(),
    ...(o.statements ? { shared_preload_libraries: "pg_stat_statements", "pg_stat_statements.track_planning": "on" } : {}),
  };
  const options = Object.entries(settings).flatMap(([k, v]) => ["-o", `${k}=${v}`]);
  execFileSync(
    "pg_createcluster",
    [version, name, "-d", join(dir, "data"), "-p", String(port), ...options, "--start", "--", "--auth=trust"],
    {
      stdio: "ignore",
    },
  );
  let dropped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    settings,
    drop() {
      if (dropped) return;
      dropped = true;
      try {
        execFileSync("pg_dropcluster", [version, name, "--stop"], { stdio: "ignore" });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
