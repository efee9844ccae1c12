/**
 * CPU time per operation during a measured load, from /proc (Linux): the server's
 * process (and its children), PostgreSQL's client backends (those pg_stat_activity
 * lists, so the database must run on this machine) and, for the
 * direct baselines, the bench process itself (their client). Less noisy than a rate
 * on a shared machine: other work takes time from a figure but not CPU from it.
 */
import { readdirSync, readFileSync } from "node:fs";
import type postgres from "postgres";

/** Linux reports process times in USER_HZ ticks, 100 per second on every common platform. */
const TICK_S = 0.01;

export interface CpuUse {
  /** CPU µs per counted operation, where it could be read */
  serverUs?: number;
  databaseUs?: number;
  clientUs?: number;
}

/** The fields of /proc/<pid>/stat after the command name (state first), or undefined when it cannot be read. */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

function processCpuS(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields && (Number(fields[11]) + Number(fields[12])) * TICK_S;
}

/** A process and its descendants (the server runs under a tsx wrapper process). */
function withDescendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const fields = statFields(entry);
      if (fields) parentOf.set(Number(entry), Number(fields[1]));
    }
  } catch {
    return [pid];
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [child, parent] of parentOf) if (parent === tree[i]) tree.push(child);
  return tree;
}

function sumCpuS(pids: number[]): number | undefined {
  let total = 0;
  for (const pid of pids) {
    const s = processCpuS(pid);
    if (s === undefined) return undefined;
    total += s;
  }
  return total;
}

export interface CpuMeter {
  /** the CPU used since the meter started, per operation */
  stop(ops: number): Promise<CpuUse>;
}

/** Starts counting; `sql` is a superuser connection to the measured PostgreSQL (none: PGlite, in the server's process). */
export async function startCpuMeter(o: { sql?: postgres.Sql; serverPid?: number; client?: boolean }): Promise<CpuMeter> {
  // Client backends only: the statements' own work, not a checkpoint or an autovacuum that
  // happens to run in the window (after the seed's bulk load, they would dwarf it).
  const dbPids = o.sql
    ? (
        await o.sql<{ pid: number }[]>`select pid from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()`
      ).map((r) => r.pid)
    : [];
  const serverPids = o.serverPid === undefined ? [] : withDescendants(o.serverPid);
  const server0 = o.serverPid === undefined ? undefined : sumCpuS(serverPids);
  const db0 = sumCpuS(dbPids);
  const client0 = process.cpuUsage();
  return {
    async stop(ops: number) {
      const per = (seconds: number | undefined) => (seconds === undefined || ops <= 0 ? undefined : Math.round((seconds * 1e6) / ops));
      const server1 = o.serverPid === undefined ? undefined : sumCpuS(serverPids);
      const db1 = sumCpuS(dbPids);
      const client = process.cpuUsage(client0);
      const use: CpuUse = {};
      const server = per(server0 !== undefined && server1 !== undefined ? server1 - server0 : undefined);
      const database = o.sql ? per(db0 !== undefined && db1 !== undefined ? db1 - db0 : undefined) : undefined;
      if (server !== undefined) use.serverUs = server;
      if (database !== undefined) use.databaseUs = database;
      if (o.client) use.clientUs = per((client.user + client.system) / 1e6);
      return use;
    },
  };
}

/** "server 1,150 · PostgreSQL 780 µs" */
export function fmtCpu(c: CpuUse | undefined): string {
  if (!c) return "not measured";
  const parts = [
    c.serverUs === undefined ? undefined : `server ${c.serverUs.toLocaleString("en-US")}`,
    c.clientUs === undefined ? undefined : `client ${c.clientUs.toLocaleString("en-US")}`,
    c.databaseUs === undefined ? undefined : `PostgreSQL ${c.databaseUs.toLocaleString("en-US")}`,
  ].filter(Boolean);
  return parts.length === 0 ? "not measured" : `${parts.join(" · ")} µs`;
}
