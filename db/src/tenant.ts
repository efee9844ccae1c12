import { sql } from "drizzle-orm";
import { type Database, rowsOf, type Tx } from "./client.ts";

/**
 * The one door to club data. Opens a transaction, drops to the app role and sets
 * app.tenant_id for that transaction only (set_config(..., true), bound values),
 * so row-level security shows and accepts this club's rows and no other's.
 */
export function withTenant<T>(database: Database, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return scopedTransaction(database, tenantId, fn);
}

/** A standby's transaction had not replayed the primary's position it was asked for (read.ts). */
export class StandbyBehind extends Error {
  constructor(readonly lsn: string) {
    super(`the standby has not replayed ${lsn} yet`);
  }
}

/**
 * withTenant on a hot standby that must already have replayed the primary's WAL up
 * to `lsn`: the check travels with the scope (the transaction's first statement, so
 * every later statement's snapshot is at least as new), and when it fails the
 * transaction is rolled back with StandbyBehind whatever `fn` read.
 */
export function withTenantReplayed<T>(database: Database, tenantId: string, lsn: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return scopedTransaction(database, tenantId, fn, lsn);
}

function scopedTransaction<T>(database: Database, tenantId: string, fn: (tx: Tx) => Promise<T>, lsn?: string): Promise<T> {
  return tracked(database, (track) =>
    database.db.transaction(async (tx) => {
      track();
      const client = database.kind === "postgres" ? rawClient(tx) : undefined;
      if (lsn !== undefined && !client) throw new Error("a standby is a PostgreSQL server");
      if (!client) {
        await tx.execute(sql`select set_config('role', ${database.appRole}, true), set_config('app.tenant_id', ${tenantId}, true)`);
        return fn(tx as Tx);
      }
      // PostgreSQL: the scope goes out in the same socket write as BEGIN (client.ts
      // `transaction`) and fn's first statement (one round trip for all three). Safe because a connection runs its
      // statements in the order they were handed to it, and the scope is handed over
      // first: postgres.js hands a query to its connection one microtask after
      // execute(); the two awaits below let that happen before fn builds anything.
      // (RLS tests fail at once if this ever stops holding: see test/api/rls.test.ts.)
      // If setting the scope fails, the transaction is aborted and fn fails too.
      const scoped =
        lsn === undefined
          ? client.unsafe(SCOPE, [database.appRole, tenantId]).execute()
          : client.unsafe(SCOPE_REPLAYED, [database.appRole, tenantId, lsn]).execute();
      await null;
      await null;
      const replayed = (scope: unknown) => (scope as { replayed?: boolean }[])[0]?.replayed === true;
      const both = Promise.all([scoped, fn(tx as Tx)]);
      if (lsn === undefined) return (await both)[1];
      const [scope, result] = await both.catch(async (err: unknown) => {
        // On a standby short of `lsn`, fn may have failed for that (a row not there yet):
        // that is the failure. (The scope's answer came first: it was sent first.)
        if (!(await Promise.resolve(scoped).then(replayed, () => true))) throw new StandbyBehind(lsn);
        throw err;
      });
      if (!replayed(scope)) throw new StandbyBehind(lsn);
      return result;
    }),
  );
}

/** How the app's transactions use the pool, for metrics: now, and counted since start. */
export interface PoolStats {
  size: number;
  /** transactions holding a connection */
  inUse: number;
  /** transactions asked for and not begun yet (waiting for a connection) */
  waiting: number;
  /** transactions that got a connection */
  acquired: number;
  /** time spent waiting, in all */
  waitMs: number;
}

const statsOf = new WeakMap<Database, PoolStats>();

export function poolStats(database: Database): PoolStats {
  let s = statsOf.get(database);
  if (!s) {
    s = { size: database.kind === "pglite" ? 1 : (database.poolSize ?? 10), inUse: 0, waiting: 0, acquired: 0, waitMs: 0 };
    statsOf.set(database, s);
  }
  return s;
}

/** Counts a transaction as waiting until `track()` (its body starts: it holds a connection), then in use until it ends. */
async function tracked<T>(database: Database, run: (track: () => void) => Promise<T>): Promise<T> {
  const s = poolStats(database);
  const asked = performance.now();
  let begun = false;
  s.waiting++;
  try {
    return await run(() => {
      if (begun) return;
      begun = true;
      s.waiting--;
      s.inUse++;
      s.acquired++;
      s.waitMs += performance.now() - asked;
    });
  } finally {
    if (begun) s.inUse--;
    else s.waiting--;
  }
}

const SCOPE = "select set_config('role', $1, true), set_config('app.tenant_id', $2, true)";
/** The scope on a standby, and whether it has replayed up to $3 (null off a standby: not replayed). */
const SCOPE_REPLAYED =
  "select set_config('role', $1, true), set_config('app.tenant_id', $2, true), coalesce(pg_last_wal_replay_lsn() >= $3::pg_lsn, false) as replayed";

interface PendingQuery extends PromiseLike<unknown> {
  execute(): PendingQuery;
}
type RawClient = { unsafe(text: string, params: unknown[]): PendingQuery };

/** The postgres.js transaction under a drizzle transaction, when it is one. */
function rawClient(tx: unknown): RawClient | undefined {
  const client = (tx as { session?: { client?: { unsafe?: unknown } } }).session?.client;
  return typeof client?.unsafe === "function" ? (client as RawClient) : undefined;
}

/**
 * A transaction as the app role with no club set: it sees no club rows at all,
 * only the global tables. `slug` lets login read the one club it names.
 */
export function withoutTenant<T>(database: Database, fn: (tx: Tx) => Promise<T>, opts: { slug?: string } = {}): Promise<T> {
  return tracked(database, (track) =>
    database.db.transaction(async (tx) => {
      track();
      await tx.execute(sql`select set_config('role', ${database.appRole}, true), set_config('app.tenant_slug', ${opts.slug ?? ""}, true)`);
      return fn(tx as Tx);
    }),
  );
}

/** Every club's id, for background jobs that then visit each club through withTenant. */
export async function listTenantIds(database: Database): Promise<{ id: string; timezone: string }[]> {
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('role', ${database.appRole}, true), set_config('app.tenant_directory', 'on', true)`);
    return rowsOf<{ id: string; timezone: string }>(await tx.execute(sql`select id, timezone from tenants order by id`));
  });
}

/**
 * The clubs whose outbox has a message due at `now` (notify_wakeups), with the stamp
 * each was read at: the notifications deliverer's sweep. Read in the sweep's own scope
 * (`app.notify_directory`), which lets this one table be read across clubs and nothing else.
 */
export async function dueNotifyClubs(database: Database, now: Date): Promise<{ id: string; stamp: string }[]> {
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('role', ${database.appRole}, true), set_config('app.notify_directory', 'on', true)`);
    return rowsOf<{ id: string; stamp: string }>(
      await tx.execute(
        sql`select tenant_id as id, stamp from notify_wakeups where due_at <= ${now.toISOString()}::timestamptz order by due_at, tenant_id limit 1000`,
      ),
    );
  });
}

export interface RoleCheck {
  role: string;
  superuser: boolean;
  bypassRls: boolean;
  ownsTables: boolean;
}

/** What the app role really is: the server refuses to run when it could bypass RLS. */
export async function inspectAppRole(database: Database): Promise<RoleCheck> {
  return withoutTenant(database, async (tx) => {
    const result = await tx.execute(sql`
      select current_user as role, r.rolsuper as superuser, r.rolbypassrls as bypass,
        exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'public' and c.relkind = 'r' and pg_get_userbyid(c.relowner) = current_user) as owns
      from pg_roles r where r.rolname = current_user`);
    const [row] = rowsOf<{ role: string; superuser: boolean; bypass: boolean; owns: boolean }>(result);
    if (!row) throw new Error("cannot inspect the database role");
    return { role: row.role, superuser: row.superuser, bypassRls: row.bypass, ownsTables: row.owns };
  });
}
