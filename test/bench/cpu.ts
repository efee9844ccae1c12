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
  /** WAL written per operation by the whole cluster (pg_stat_wal: bytes, full-page images, records) */
  wal?: { bytes: number; fpi: number; records: number };
  /** the statements that took PostgreSQL's time, per operation (pg_stat_statements, with --statements) */
  statements?: StatementUse[];
}

export interface StatementUse {
  /** the statement, whitespace folded, cut at 160 characters */
  query: string;
  callsPerOp: number;
  /** execution time per operation, µs (planning excluded) */
  execUs: number;
  /** planning time per operation, µs, and plans made per operation (a prepared statement with a generic plan makes none) */
  planUs: number;
  plansPerOp: number;
  rowsPerOp: number;
  /** shared buffers hit and dirtied, WAL bytes and full-page images, per operation */
  hitPerOp: number;
  dirtiedPerOp: number;
  walBytesPerOp: number;
  fpiPerOp: number;
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

/** Resident memory (bytes) of a process tree: its largest process (the server under its tsx wrapper) and all of them. */
export function treeRss(pid: number): { largest: number; total: number } | undefined {
  let largest = 0;
  let total = 0;
  for (const p of withDescendants(pid)) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      const bytes = m ? Number(m[1]) * 1024 : 0;
      largest = Math.max(largest, bytes);
      total += bytes;
    } catch {
      // gone meanwhile
    }
  }
  return total > 0 ? { largest, total } : undefined;
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

/** Starts counting; `sql` is a superuser connection to the measured PostgreSQL. */
interface WalCount {
  bytes: number;
  fpi: number;
  records: number;
}

async function walNow(sql: postgres.Sql): Promise<WalCount | undefined> {
  try {
    const [w] = await sql<{ bytes: string; fpi: string; records: string }[]>`
      select wal_bytes::text as bytes, wal_fpi::text as fpi, wal_records::text as records from pg_stat_wal`;
    return w && { bytes: Number(w.bytes), fpi: Number(w.fpi), records: Number(w.records) };
  } catch {
    return undefined; // before PostgreSQL 14
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;

async function topStatements(sql: postgres.Sql, ops: number): Promise<StatementUse[]> {
  const rows = await sql<
    {
      query: string;
      calls: string;
      exec_ms: number;
      plan_ms: number;
      plans: string;
      rows: string;
      hit: string;
      dirtied: string;
      wal_bytes: string;
      fpi: string;
    }[]
  >`
    select left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 160) as query, calls::text, total_exec_time as exec_ms,
      total_plan_time as plan_ms, plans::text, rows::text,
      shared_blks_hit::text as hit, shared_blks_dirtied::text as dirtied, wal_bytes::text, wal_fpi::text as fpi
    from pg_stat_statements
    where dbid = (select oid from pg_database where datname = current_database()) and query not like '%pg_stat_statements%'
    order by total_exec_time + total_plan_time desc limit 15`;
  return rows.map((r) => ({
    query: r.query,
    callsPerOp: Math.round((Number(r.calls) / ops) * 1000) / 1000,
    execUs: Math.round((r.exec_ms * 1000) / ops),
    planUs: Math.round((r.plan_ms * 1000) / ops),
    plansPerOp: Math.round((Number(r.plans) / ops) * 1000) / 1000,
    rowsPerOp: round1(Number(r.rows) / ops),
    hitPerOp: round1(Number(r.hit) / ops),
    dirtiedPerOp: Math.round((Number(r.dirtied) / ops) * 100) / 100,
    walBytesPerOp: Math.round(Number(r.wal_bytes) / ops),
    fpiPerOp: Math.round((Number(r.fpi) / ops) * 1000) / 1000,
  }));
}

/**
 * Starts counting; `sql` is a superuser connection to the measured PostgreSQL.
 * `statements`: also reset pg_stat_statements now and report its top statements at
 * the stop (the server must load it: `--statements`, cluster.ts).
 */
export async function startCpuMeter(o: {
  /** none: PGlite, in the server's process */
  sql?: postgres.Sql;
  serverPid?: number;
  client?: boolean;
  statements?: boolean;
}): Promise<CpuMeter> {
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
  if (o.statements && o.sql) await o.sql`select pg_stat_statements_reset()`;
  const wal0 = o.sql ? await walNow(o.sql) : undefined;
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
      // pg_stat_wal is cumulative statistics: a backend reports at most once a second, so a
      // window's edges are a second fuzzy; over a few seconds of load it is close enough.
      const wal1 = o.sql ? await walNow(o.sql) : undefined;
      if (wal0 && wal1 && ops > 0)
        use.wal = {
          bytes: Math.round((wal1.bytes - wal0.bytes) / ops),
          fpi: Math.round(((wal1.fpi - wal0.fpi) / ops) * 100) / 100,
          records: round1((wal1.records - wal0.records) / ops),
        };
      if (o.statements && o.sql && ops > 0) use.statements = await topStatements(o.sql, ops);
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
  const wal = c.wal ? `; WAL ${c.wal.bytes.toLocaleString("en-US")} bytes, ${c.wal.fpi} full pages, ${c.wal.records} records` : "";
  return parts.length === 0 ? "not measured" : `${parts.join(" · ")} µs${wal}`;
}

/** One line per statement: "  412 µs  1.00×  hit 12.3 dirtied 0.51 WAL 310 B fpi 0.020  insert into …" */
export function fmtStatements(list: StatementUse[] | undefined): string[] {
  return (list ?? []).map(
    (st) =>
      `      ${String(st.execUs).padStart(6)} µs + plan ${String(st.planUs).padStart(4)} µs ${st.callsPerOp.toFixed(3).padStart(7)} calls · ${st.plansPerOp.toFixed(3)} plans · rows ${st.rowsPerOp} · hit ${st.hitPerOp} · dirtied ${st.dirtiedPerOp} · WAL ${st.walBytesPerOp} B · fpi ${st.fpiPerOp}  ${st.query}`,
  );
}
