import { sql } from "drizzle-orm";
import { type Database, rowsOf, type Tx } from "./client.ts";
import { StandbyBehind, withTenant, withTenantReplayed } from "./tenant.ts";

/**
 * Heavy club reads (boards, analysis, exports) on a hot standby, when there is one
 * (DATABASE_READ_URL), without ever answering older data than the primary would
 * (docs/replica.md):
 *
 * 1. the primary's WAL position is taken first (the fence): every transaction
 *    committed by then, by any process, has its commit record before it;
 * 2. the read runs on the standby only once the standby has replayed up to the fence
 *    (checked in the read's own transaction, ahead of its statements); it waits for
 *    that at most `readWaitMs`, checking now and then;
 * 3. otherwise (behind, away, or a query cancelled by a recovery conflict) it runs on
 *    the primary, as it would without a standby.
 *
 * So a read answers what a read on the primary begun at the fence would: the
 * caller's own writes (their answers came after their commits), and every other
 * write whose answer went out before the read began. Caches keyed by the club's data
 * generation, and the live boards' "mint the version, then read" stay sound.
 * Without a standby this is withTenant.
 */
export async function withTenantRead<T>(database: Database, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const standby = database.standby;
  if (!standby) return withTenant(database, tenantId, fn);
  const stats = readStats(database);
  const health = healthOf(database);
  if (Date.now() >= health.awayUntil) {
    // The primary away: the read fails as it would without a standby.
    const fence = await primaryPosition(database);
    try {
      if (await replayed(standby, fence, database.readWaitMs ?? 100)) {
        const result = await withTenantReplayed(standby, tenantId, fence, fn);
        stats.standby++;
        return result;
      }
      stats.behind++;
    } catch (err) {
      if (err instanceof StandbyBehind) stats.behind++;
      else if (standbyTrouble(err)) {
        stats.unavailable++;
        // Away: its reads go to the primary for a while rather than each wait to find out.
        if (connectionTrouble(err)) health.awayUntil = Date.now() + AWAY_MS;
      } else throw err;
    }
  } else stats.unavailable++;
  return withTenant(database, tenantId, fn);
}

/** Where heavy reads went, counted since start (metrics). */
export interface ReadStats {
  /** served by the standby */
  standby: number;
  /** served by the primary: the standby had not caught up within the wait */
  behind: number;
  /** served by the primary: the standby was away or cancelled the read */
  unavailable: number;
}

const statsOf = new WeakMap<Database, ReadStats>();
export function readStats(database: Database): ReadStats {
  let s = statsOf.get(database);
  if (!s) {
    s = { standby: 0, behind: 0, unavailable: 0 };
    statsOf.set(database, s);
  }
  return s;
}

/** After a standby's connection failed, how long its reads go straight to the primary. */
const AWAY_MS = 5_000;
const healthByDb = new WeakMap<Database, { awayUntil: number }>();
function healthOf(database: Database) {
  let h = healthByDb.get(database);
  if (!h) {
    h = { awayUntil: 0 };
    healthByDb.set(database, h);
  }
  return h;
}

/**
 * A primary's WAL position at or after the commit record of every transaction visible
 * there now. A commit becomes visible after its record is flushed (synchronous_commit
 * on, the default, or local/remote_*): the flush position, which is also as far as a
 * standby can get. With synchronous_commit off a commit is visible before its flush:
 * then the insert position (the standby reaches it once the WAL writer has flushed,
 * within a few wal_writer_delay). Needs no privilege, reads no table.
 */
const POSITION = sql`select (case when current_setting('synchronous_commit') = 'off'
  then pg_current_wal_insert_lsn() else pg_current_wal_flush_lsn() end)::text as lsn`;

async function primaryPosition(database: Database): Promise<string> {
  const [row] = rowsOf<{ lsn: string }>(await database.db.execute(POSITION));
  if (!row) throw new Error("no WAL position from the primary");
  return row.lsn;
}

/** Whether the standby has replayed up to `lsn`, waiting for it at most `waitMs` (checks at 1, 2, 4, … ms). */
async function replayed(standby: Database, lsn: string, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, 25)) {
    const [row] = rowsOf<{ ok: boolean }>(
      await standby.db.execute(sql`select coalesce(pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn, false) as ok`),
    );
    if (row?.ok === true) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await new Promise((r) => setTimeout(r, Math.min(pause, left)));
  }
}

/** postgres.js's own codes for a connection that could not be made or was lost. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "ETIMEDOUT",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);

/** A PostgreSQL or postgres.js error code, under drizzle's wrapping (its `cause`) or not. */
function codeOf(err: unknown): unknown {
  const e = (err as { cause?: unknown })?.cause ?? err;
  return (e as { code?: unknown })?.code;
}

function connectionTrouble(err: unknown): boolean {
  const code = codeOf(err);
  if (typeof code !== "string") return false;
  // 08: connection exception; 57P01-03: shut down, crashed, starting up
  return CONNECTION_CODES.has(code) || code.startsWith("08") || /^57P0[123]$/.test(code);
}

/**
 * Failures of the standby itself, after which the same read is run on the primary:
 * its connection, or a query cancelled by a conflict with recovery (40001, or 40P01
 * for a buffer-pin deadlock with the replay). Anything else (the read's own errors, a
 * refused club) is the read's answer and is thrown.
 */
function standbyTrouble(err: unknown): boolean {
  const code = codeOf(err);
  return connectionTrouble(err) || code === "40001" || code === "40P01";
}
