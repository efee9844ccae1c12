import { createDb, type Database, rowsOf, sql, type Tx, users, withoutTenant, withTenant } from "@clubhouse/db";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, signupClub, startTestServer, type TestServer } from "../support/harness.ts";
import { type PgBouncer, pgbouncerAvailable, startPgBouncer } from "../support/pgbouncer.ts";

// The app sets its club per transaction (set_config(..., true) in withTenant), so a
// pooler in transaction mode may hand one server connection to any club's next
// transaction. Here the product's own withTenant runs through PgBouncer with one
// (and then two) server connections shared by many client connections.

const available = pgbouncerAvailable();

let t: TestServer;
let bouncer: PgBouncer;
/** Through the pooler, one server connection for four client connections. */
let one: Database;
/** Through the pooler, two server connections for eight client connections. */
let two: Database;
let raw: postgres.Sql;
let clubs: { id: string; emails: string[] }[];

beforeAll(async () => {
  if (!available) return;
  t = await startTestServer({}, undefined, "postgres");
  clubs = [];
  for (const [slug, reps] of [
    ["pool-a", 1],
    ["pool-b", 2],
    ["pool-c", 3],
  ] as const) {
    const c = await signupClub(t.url, slug);
    const emails = [c.user.email];
    for (let i = 0; i < reps; i++) emails.push((await addUser(t.url, c.token, "rep", `rep${i}@${slug}.test`)).email);
    clubs.push({ id: c.tenant.id, emails: emails.sort() });
  }
  const dbname = new URL(t.db.url!).pathname.slice(1);
  bouncer = await startPgBouncer({ databases: { one: { dbname, poolSize: 1 }, two: { dbname, poolSize: 2 } } });
  one = await createDb({ databaseUrl: bouncer.url("one"), prepare: false, poolSize: 4 });
  two = await createDb({ databaseUrl: bouncer.url("two"), prepare: false, poolSize: 8 });
  raw = postgres(bouncer.url("one"), { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await raw?.end({ timeout: 5 });
  await one?.close();
  await two?.close();
  await bouncer?.stop();
  await t?.close();
});

interface Seen {
  pid: number;
  tenant: string;
  emails: string[];
}

/** What a transaction for this club sees: its server process, its club setting, the users it can read. */
async function seenBy(tx: Tx): Promise<Omit<Seen, "emails">> {
  const [row] = rowsOf<{ pid: number; tenant: string }>(
    await tx.execute(sql`select pg_backend_pid() as pid, current_setting('app.tenant_id', true) as tenant`),
  );
  return { pid: row!.pid, tenant: row!.tenant };
}
const look = (database: Database, tenantId: string, midway: () => Promise<void> = async () => {}) =>
  withTenant(database, tenantId, async (tx): Promise<Seen> => {
    const first = await seenBy(tx);
    await midway();
    const emails = (await tx.select({ email: users.email }).from(users).orderBy(users.email)).map((u) => u.email);
    return { ...first, emails };
  });

/** The database's own message under drizzle's "Failed query" wrapper. */
const causeOf = (e: Error) => ((e.cause as Error | undefined) ?? e).message;

/** A statement outside any transaction, through the pooler: what a server connection carries between transactions. */
async function between() {
  const [row] =
    await raw`select pg_backend_pid() as pid, coalesce(current_setting('app.tenant_id', true), '') as tenant, current_user as role`;
  return row as unknown as { pid: number; tenant: string; role: string };
}

describe.skipIf(!available)("RLS behind PgBouncer in transaction mode", () => {
  it("clubs' transactions alternating on one server connection each see only their own club", async () => {
    const order = [0, 1, 0, 2, 1, 2, 0, 1];
    const seen: Seen[] = [];
    for (const i of order) seen.push(await look(one, clubs[i]!.id));
    // One server process served them all.
    expect(new Set(seen.map((s) => s.pid)).size).toBe(1);
    order.forEach((i, k) => {
      expect(seen[k]!.tenant).toBe(clubs[i]!.id);
      expect(seen[k]!.emails).toEqual(clubs[i]!.emails);
    });
    expect((await between()).pid).toBe(seen[0]!.pid);
  });

  it("a club's transaction queued behind another's runs on the same server connection and sees only its own rows", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let started!: () => void;
    const inside = new Promise<void>((r) => {
      started = r;
    });
    const a = look(one, clubs[0]!.id, async () => {
      started();
      await held;
    });
    await inside;
    // B asks while A holds the only server connection: the pooler queues it.
    const b = look(one, clubs[1]!.id);
    let waiting = 0;
    for (let i = 0; i < 50 && waiting === 0; i++) {
      const pools = await bouncer.admin<{ database: string; cl_waiting: number }>("SHOW POOLS");
      waiting = pools.find((p) => p.database === "one")?.cl_waiting ?? 0;
      if (waiting === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(waiting).toBe(1);
    release();
    const [sa, sb] = await Promise.all([a, b]);
    const sa2 = await look(one, clubs[0]!.id);
    expect(sa.pid).toBe(sb.pid);
    expect(sa2.pid).toBe(sa.pid);
    expect([sa.tenant, sb.tenant, sa2.tenant]).toEqual([clubs[0]!.id, clubs[1]!.id, clubs[0]!.id]);
    expect(sa.emails).toEqual(clubs[0]!.emails);
    expect(sb.emails).toEqual(clubs[1]!.emails);
    expect(sa2.emails).toEqual(clubs[0]!.emails);
  });

  it("a transaction that fails midway leaves nothing of its club or role on the connection", async () => {
    let pid = 0;
    await expect(
      withTenant(one, clubs[2]!.id, async (tx) => {
        pid = (await seenBy(tx)).pid;
        await tx.execute(sql`select 1 / 0`);
      }).catch((e: Error) => Promise.reject(new Error(causeOf(e)))),
    ).rejects.toThrow(/division by zero/);
    await expect(
      withTenant(one, clubs[2]!.id, async (tx) => {
        await seenBy(tx);
        throw new Error("thrown by the app");
      }),
    ).rejects.toThrow("thrown by the app");
    // Same server connection, next transaction: no club, no rows.
    const after = await withoutTenant(one, async (tx) => ({
      ...(await seenBy(tx)),
      users: (await tx.select().from(users)).length,
    }));
    expect(after.pid).toBe(pid);
    expect(after.tenant ?? "").toBe("");
    expect(after.users).toBe(0);
    // Between transactions the connection is back to the connecting role with no club set.
    expect(await between()).toEqual({ pid, tenant: "", role: new URL(t.db.url!).username || "postgres" });
  });

  it("a local setting never survives COMMIT or ROLLBACK on a pooled connection", async () => {
    const committed = await look(one, clubs[1]!.id);
    const afterCommit = await between();
    expect(afterCommit.pid).toBe(committed.pid);
    expect(afterCommit.tenant).toBe("");
    await raw.unsafe("begin; select set_config('app.tenant_id', 'x', true); rollback").simple();
    const afterRollback = await between();
    expect(afterRollback.pid).toBe(committed.pid);
    expect(afterRollback.tenant).toBe("");
  });

  it("200 concurrent transactions from three clubs over two server connections: no club ever sees another's rows", async () => {
    const runs = Array.from({ length: 200 }, (_, k) => {
      const club = clubs[k % 3]!;
      // Every seventh fails after reading, so failures are interleaved with the rest.
      const fails = k % 7 === 6;
      return withTenant(two, club.id, async (tx) => {
        const first = await seenBy(tx);
        await new Promise((r) => setTimeout(r, k % 3));
        const emails = (await tx.select({ email: users.email }).from(users).orderBy(users.email)).map((u) => u.email);
        const again = await seenBy(tx);
        if (fails) await tx.execute(sql`select 1 / 0`);
        return { club, first, again, emails };
      }).then(
        (r) => ({ ok: true as const, ...r }),
        (e: Error) => ({ ok: false as const, club, message: causeOf(e) }),
      );
    });
    const results = await Promise.all(runs);
    const ok = results.filter((r) => r.ok);
    const failed = results.filter((r) => !r.ok);
    expect(failed.length).toBe(28);
    for (const f of failed) expect(f.message).toMatch(/division by zero/);
    expect(ok.length).toBe(172);
    const crossed = ok.filter(
      (r) =>
        r.first.tenant !== r.club.id ||
        r.again.tenant !== r.club.id ||
        r.first.pid !== r.again.pid ||
        JSON.stringify(r.emails) !== JSON.stringify(r.club.emails),
    );
    expect(crossed).toEqual([]);
    // Two server processes served all of them.
    const pids = new Set(ok.map((r) => r.first.pid));
    expect(pids.size).toBeLessThanOrEqual(2);
    expect(pids.size).toBeGreaterThanOrEqual(1);
  });
});
