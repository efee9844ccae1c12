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
    const position = await primaryPosition(database);
    try {
      const fence = await replayed(database, standby, position, database.readWaitMs ?? 100);
      if (fence !== null) {
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

/**
 * Waits at most `waitMs` for the standby to replay up to `lsn` (checks at 1, 2, 4, …
 * ms), and answers the position it reached (null: it did not).
 *
 * A flush position may fall inside a record: WAL is written out in whole pages too,
 * and a record that crosses the page stays incomplete (unreplayable) on the standby
 * until the rest is flushed, which on a quiet primary may be never (a record that
 * commits nothing, say a page pruned by a read). When the standby has received past
 * `lsn` and still not replayed it after PUSH_AFTER_MS, the primary is asked once for
 * a new position at a record's end, flushed at once: a transactional logical message
 * (an empty one, prefix `clubhouse-read-fence`; no table, no privilege), whose commit
 * flushes everything before it. Its position is after `lsn`, so it fences as much.
 */
async function replayed(primary: Database, standby: Database, lsn: string, waitMs: number): Promise<string | null> {
  const started = Date.now();
  const deadline = started + waitMs;
  let fence = lsn;
  let pushed = false;
  for (let pause = 1; ; pause = Math.min(pause * 2, 25)) {
    const [row] = rowsOf<{ replayed: boolean; received: boolean; recovery: boolean }>(
      await standby.db.execute(sql`select coalesce(pg_last_wal_replay_lsn() >= ${fence}::pg_lsn, false) as replayed,
        coalesce(pg_last_wal_receive_lsn() >= ${fence}::pg_lsn, false) as received, pg_is_in_recovery() as recovery`),
    );
    if (row?.replayed === true) return fence;
    // Not a standby (promoted, or never one): nothing to wait for.
    if (row?.recovery !== true) return null;
    if (row?.received === true && !pushed && Date.now() - started >= PUSH_AFTER_MS) {
      pushed = true;
      fence = await pushedPosition(primary);
      continue;
    }
    const left = deadline - Date.now();
    if (left <= 0) return null;
    await new Promise((r) => setTimeout(r, Math.min(pause, left)));
  }
}

/** How long a standby may sit on WAL it received before the primary is asked for a flushed record's end (see `replayed`). */
const PUSH_AFTER_MS = 10;

async function pushedPosition(primary: Database): Promise<string> {
  const [row] = rowsOf<{ lsn: string }>(
    await primary.db.execute(sql`select pg_logical_emit_message(true, 'clubhouse-read-fence', '')::text as lsn`),
  );
  if (!row) throw new Error("no WAL position from the primary");
  return row.lsn;
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
