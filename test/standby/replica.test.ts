import {
  createDb,
  customers,
  type Database,
  inspectAppRole,
  readStats,
  rowsOf,
  StandbyBehind,
  sql,
  withTenantRead,
  withTenantReplayed,
} from "@clubhouse/db";
import { FixedClock, type RunningServer, startServer, testConfig } from "@clubhouse/server";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json } from "../support/harness.ts";
import { connected, eventually } from "../support/live.ts";
import { type ReplicaPair, startReplicaPair } from "../support/replica.ts";

// DATABASE_READ_URL against a real hot standby: a base backup of the primary
// (pg_basebackup -R) following it over streaming replication (test/support/replica.ts).
// The heavy reads — boards, the live boards' source, analysis, exports — run there
// once it has replayed up to the primary's position, else on the primary
// (db/src/read.ts, docs/replica.md).

const METRICS_TOKEN = "standby-metrics-token-0123456789";
let pair: ReplicaPair;
let server: RunningServer;
let url: string;
let a: Club;
let b: Club;
let primary: postgres.Sql;
let standby: postgres.Sql;
/** The customer each club's rep1 owns, with this month's spend. */
const cust: Record<string, string> = {};

beforeAll(async () => {
  pair = await startReplicaPair();
  console.info(`replica test: ${pair.why}; ${pair.ownPrimary ? "a private primary" : "the local server as primary"} and a private standby`);
  primary = postgres(pair.primaryUrl, { max: 1, onnotice: () => {} });
  standby = postgres(pair.standbyUrl, { max: 1, onnotice: () => {} });
  // The server migrates the primary at start (the standby replays the migration).
  server = await startServer(
    testConfig({
      PORT: 0,
      HOST: "127.0.0.1",
      DATABASE_URL: pair.primaryUrl,
      DATABASE_READ_URL: pair.standbyUrl,
      DATABASE_READ_WAIT_MS: 2_000,
      DB_POOL_SIZE: 5,
      METRICS_TOKEN,
    }),
    { clock: new FixedClock(new Date("2026-03-15T10:00:00+08:00")) },
  );
  url = server.url;
  a = await makeClub(url, "replica-a");
  b = await makeClub(url, "replica-b");
  for (const [k, club] of [
    ["a", a],
    ["b", b],
  ] as const) {
    cust[k] = (
      await newCustomer(url, club.manager.token, { name: `Customer of ${k.toUpperCase()}`, ownerId: club.rep1.id, status: "active" })
    ).id;
    await addRevenue(url, club.manager.token, {
      customerId: cust[k],
      amount: k === "a" ? 1200 : 3400,
      occurredAt: "2026-03-02T10:00:00+08:00",
    });
  }
  await pair.caughtUp();
}, 240_000);

afterAll(async () => {
  // Resumed in case a failed test left the replay paused (stop() would wait on nothing, but be tidy).
  await pair?.resumeReplay().catch(() => {});
  await primary?.end({ timeout: 5 });
  await standby?.end({ timeout: 5 });
  await server?.close();
  await pair?.stop();
}, 120_000);

const get = async (path: string, token: string) => {
  const res = await call(url, "GET", path, { token });
  expect(res.status, `${path}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
  return res.body as Json;
};

/** Where the heavy reads of `fn` ran: counts since start, before and after. */
async function routed<T>(fn: () => Promise<T>) {
  const before = { ...readStats(server.deps.database) };
  const value = await fn();
  const after = readStats(server.deps.database);
  return {
    value,
    standby: after.standby - before.standby,
    behind: after.behind - before.behind,
    unavailable: after.unavailable - before.unavailable,
  };
}

/** pg_stat_statements' calls of statements reading `table`, on one server (null: not loaded there). */
async function calls(c: postgres.Sql, table: string): Promise<number | null> {
  try {
    const [r] = await c<{ n: number }[]>`
      select coalesce(sum(calls), 0)::int as n from pg_stat_statements s join pg_database d on d.oid = s.dbid
      where d.datname = current_database() and s.query ~* ${`\\mfrom\\s+"?${table}\\M`}`;
    return r?.n ?? 0;
  } catch {
    return null;
  }
}

const revenueOf = (board: Json, repId: string) => board.rows.find((r: Json) => r.repId === repId)?.revenue;

describe("a hot standby made with pg_basebackup", () => {
  it("is in recovery, streaming from the primary, with the migrated schema and the app role", async () => {
    const [s] = await standby<{ recovery: boolean }[]>`select pg_is_in_recovery() as recovery`;
    expect(s?.recovery).toBe(true);
    const [p] = await primary<{ n: number }[]>`select count(*)::int as n from pg_stat_replication where state = 'streaming'`;
    expect(p?.n).toBeGreaterThanOrEqual(1);
    const [t] = await standby<
      { n: number }[]
    >`select count(*)::int as n from pg_tables where schemaname = 'public' and tablename = 'rep_month_totals'`;
    expect(t?.n).toBe(1);
    // Writes are refused there: a read path that wrote would fail, not go unnoticed.
    await expect(standby`create table nope (id int)`).rejects.toMatchObject({ code: "25006" });
  });
});

describe("heavy reads run on the standby", () => {
  it("the leaderboard, the live boards' source, the analyses and the exports: counted by the app and by the standby's statements", async () => {
    await pair.caughtUp();
    const onStandby = await calls(standby, "rep_month_totals");
    const onPrimary = await calls(primary, "rep_month_totals");
    if (pair.statements) expect(onStandby).not.toBeNull();
    // a private primary loads it too
    if (pair.ownPrimary) expect(onPrimary).not.toBeNull();
    const r = await routed(async () => {
      // Months no cache holds yet: each is computed, so each is a database read.
      await get("/leaderboard?period=month&at=2026-03", a.manager.token);
      await get("/leaderboard?period=quarter&at=2026-03", a.rep1.token);
      await server.deps.boards!.snapshot(a.tenantId);
      await get("/analysis/tiers?month=2026-03", a.manager.token);
      await get("/analysis/share?month=2026-03", a.manager.token);
      await get("/analysis/mix?month=2026-03", a.manager.token);
      await call(url, "GET", "/customers/export.csv", { token: a.manager.token });
    });
    expect(r).toMatchObject({ standby: 7, behind: 0, unavailable: 0 });
    // The standby ran the board's statements; the primary did not (pg_stat_statements where loaded).
    if (pair.statements) {
      expect(await calls(standby, "rep_month_totals")).toBeGreaterThanOrEqual((onStandby ?? 0) + 3);
    }
    const nowOnPrimary = await calls(primary, "rep_month_totals");
    if (onPrimary !== null && nowOnPrimary !== null) expect(nowOnPrimary).toBe(onPrimary);

    // /metrics says the same.
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const text = await res.text();
    const standbyReads = Number(/clubhouse_db_reads_total\{served_by="standby"\} (\d+)/.exec(text)?.[1]);
    expect(standbyReads).toBe(readStats(server.deps.database).standby);
  });

  it("a read-your-writes read right after a POST sees it (the standby caught up, or the primary)", async () => {
    for (let i = 1; i <= 5; i++) {
      const before = revenueOf(await get("/leaderboard?period=month&at=2026-03", a.manager.token), a.rep1.id);
      await addRevenue(url, a.manager.token, { customerId: cust.a, amount: 100, occurredAt: "2026-03-03T10:00:00+08:00" });
      // The same caller, at once: the cached board is behind the new generation, so computed again.
      const r = await routed(() => get("/leaderboard?period=month&at=2026-03", a.manager.token));
      expect(revenueOf(r.value, a.rep1.id)).toBe(before + 100);
      // ... and the tier analysis and the export, by the writer and by another caller of the club.
      const tiers = await get("/analysis/tiers?month=2026-03", a.manager.token);
      expect(tiers.customers.find((c: Json) => c.customerId === cust.a)?.spend).toBe(before + 100);
      const other = await get("/leaderboard?period=month&at=2026-03", a.rep2.token);
      expect(revenueOf(other, a.rep1.id)).toBe(before + 100);
    }
  });
});

describe("a standby that is behind", () => {
  it("with its replay paused: reads after a write wait, then run on the primary and see the write; resumed, back to the standby", async () => {
    await pair.caughtUp();
    await pair.pauseReplay();
    let paused = true;
    try {
      const before = revenueOf(await get("/leaderboard?period=month&at=2026-03", a.manager.token), a.rep1.id);
      await addRevenue(url, a.manager.token, { customerId: cust.a, amount: 7, occurredAt: "2026-03-04T10:00:00+08:00" });
      // What the standby holds now: the write is not there.
      const [onStandby] = await standby<{ fen: number }[]>`
        select coalesce(sum(amount_fen), 0)::int as fen from rep_month_totals where tenant_id = ${a.tenantId} and rep_id = ${a.rep1.id} and month = '2026-03'`;
      const [onPrimary] = await primary<{ fen: number }[]>`
        select coalesce(sum(amount_fen), 0)::int as fen from rep_month_totals where tenant_id = ${a.tenantId} and rep_id = ${a.rep1.id} and month = '2026-03'`;
      expect(onPrimary!.fen - onStandby!.fen).toBe(700);

      const writer = await routed(() => get("/leaderboard?period=month&at=2026-03", a.manager.token));
      expect(revenueOf(writer.value, a.rep1.id)).toBe(before + 7);
      expect(writer).toMatchObject({ standby: 0, behind: 1 });
      // Another caller of the club (a rep's quarter board, not cached yet): the write too, from the primary.
      const other = await routed(() => get("/leaderboard?period=quarter&at=2026-03", a.rep2.token));
      expect(revenueOf(other.value, a.rep1.id)).toBe(before + 7);
      expect(other).toMatchObject({ standby: 0, behind: 1 });
      // The live boards' recompute after the write, as fresh.
      const live = await routed(() => server.deps.boards!.snapshot(a.tenantId));
      const month = (live.value.club as Json).leaderboard.month;
      expect(revenueOf({ rows: month }, a.rep1.id)).toBe(before + 7);
      expect(live.behind).toBe(1);

      await pair.resumeReplay();
      paused = false;
      const again = await routed(() => get("/leaderboard?period=year&at=2026-03", a.manager.token));
      expect(revenueOf(again.value, a.rep1.id)).toBe(before + 7);
      expect(again).toMatchObject({ standby: 1, behind: 0 });
    } finally {
      if (paused) await pair.resumeReplay();
    }
  });
});

describe("row-level security on the standby", () => {
  it("club A's reads served there show A's rows only, never B's", async () => {
    await pair.caughtUp();
    const r = await routed(async () => ({
      board: await get("/leaderboard?period=year&at=2026-01", a.manager.token),
      tiers: await get("/analysis/tiers?month=2026-03", a.manager.token),
      csv: await (await fetch(`${url}/api/v1/customers/export.csv`, { headers: { authorization: `Bearer ${a.manager.token}` } })).text(),
    }));
    expect(r.standby).toBe(3);
    const aReps = new Set([a.rep1.id, a.rep2.id]);
    expect(r.value.board.rows.length).toBeGreaterThan(0);
    for (const row of r.value.board.rows) expect(aReps.has(row.repId)).toBe(true);
    expect(r.value.tiers.customers.map((c: Json) => c.customerId)).toEqual([cust.a]);
    expect(r.value.csv).toContain("Customer of A");
    expect(r.value.csv).not.toContain("Customer of B");
    expect(r.value.csv).not.toContain(b.slug);
  });

  it("the standby's transactions run as the app role, and a club's scope there sees its rows only", async () => {
    const database = server.deps.database;
    const replica = database.standby as Database;
    const role = await inspectAppRole(replica);
    expect(role).toMatchObject({ role: "clubhouse_app", superuser: false, bypassRls: false, ownsTables: false });

    const seen = async (tenantId: string) =>
      withTenantRead(database, tenantId, async (tx) => {
        const [where] = rowsOf<{ recovery: boolean }>(await tx.execute(sql`select pg_is_in_recovery() as recovery`));
        const rows = await tx.select({ tenantId: customers.tenantId, name: customers.name }).from(customers);
        return { recovery: where!.recovery, rows };
      });
    const r = await routed(async () => ({ a: await seen(a.tenantId), b: await seen(b.tenantId) }));
    expect(r.standby).toBe(2);
    expect(r.value.a.recovery).toBe(true);
    expect(r.value.a.rows.map((x) => x.name)).toEqual(["Customer of A"]);
    expect(r.value.b.rows.map((x) => x.name)).toEqual(["Customer of B"]);
    // Even asked for by name: B's rows stay out of A's scope.
    const leak = await withTenantRead(database, a.tenantId, (tx) =>
      tx.execute(sql`select count(*)::int as n from customers where tenant_id = ${b.tenantId}`),
    );
    expect(rowsOf<{ n: number }>(leak)[0]?.n).toBe(0);
    // With no club set, the app role sees no club rows on the standby at all.
    const none = await standby.begin(async (t) => {
      await t`select set_config('role', 'clubhouse_app', true)`;
      return t<{ n: number }[]>`select count(*)::int as n from customers`;
    });
    expect(none[0]?.n).toBe(0);
  });
});

describe("the live boards", () => {
  it("a write's push shows it: from the standby caught up, from the primary with the replay paused; another club hears nothing of it", async () => {
    const until = <T>(find: () => T | undefined) =>
      eventually(() => {
        const v = find();
        if (v === undefined) throw new Error("not yet");
        return v;
      }, 15_000);
    const mgr = await connected(url, a.manager.token);
    const stranger = await connected(url, b.manager.token);
    try {
      await until(() => mgr.rec.of("board:snapshot").at(-1));
      const revenueNow = () => {
        const u = mgr.rec
          .of("leaderboard:update")
          .filter((e) => e.period === "month")
          .at(-1);
        return u?.rows.find((r) => r.repId === a.rep1.id)?.revenue;
      };
      const base = revenueOf(await get("/leaderboard?period=month", a.manager.token), a.rep1.id) as number;

      await pair.caughtUp();
      const caught = await routed(async () => {
        await addRevenue(url, a.manager.token, { customerId: cust.a, amount: 11, occurredAt: "2026-03-05T10:00:00+08:00" });
        return until(() => (revenueNow() === base + 11 ? true : undefined));
      });
      expect(caught.standby).toBeGreaterThanOrEqual(1);

      await pair.pauseReplay();
      try {
        const paused = await routed(async () => {
          await addRevenue(url, a.manager.token, { customerId: cust.a, amount: 13, occurredAt: "2026-03-05T11:00:00+08:00" });
          return until(() => (revenueNow() === base + 24 ? true : undefined));
        });
        expect(paused.behind).toBeGreaterThanOrEqual(1);
      } finally {
        await pair.resumeReplay();
      }
      expect(JSON.stringify(stranger.rec.events)).not.toContain(a.rep1.id);
    } finally {
      mgr.socket.disconnect();
      stranger.socket.disconnect();
    }
  });
});

describe("the check in the read's own transaction", () => {
  it("a standby short of the position asked for fails the read with StandbyBehind, whatever the read answered or threw", async () => {
    const replica = server.deps.database.standby as Database;
    const far = "FFFFFFFF/0";
    await expect(withTenantReplayed(replica, a.tenantId, far, (tx) => tx.select().from(customers))).rejects.toBeInstanceOf(StandbyBehind);
    await expect(
      withTenantReplayed(replica, a.tenantId, far, async () => {
        throw new Error("not found");
      }),
    ).rejects.toBeInstanceOf(StandbyBehind);
    // replayed far enough: the read's own answer, and its own error
    const [r] = await standby<{ lsn: string }[]>`select pg_last_wal_replay_lsn()::text as lsn`;
    const rows = await withTenantReplayed(replica, a.tenantId, r!.lsn, (tx) => tx.select({ name: customers.name }).from(customers));
    expect(rows.map((x) => x.name)).toEqual(["Customer of A"]);
    await expect(
      withTenantReplayed(replica, a.tenantId, r!.lsn, async () => {
        throw new Error("not found");
      }),
    ).rejects.toThrow("not found");
  });
});

describe("a read URL that is not a standby", () => {
  it("is not waited on: its reads run on the primary at once", async () => {
    const db = await createDb({ databaseUrl: pair.primaryUrl, readUrl: pair.primaryUrl, readWaitMs: 5_000, poolSize: 2 });
    try {
      const started = Date.now();
      const rows = await withTenantRead(db, a.tenantId, (tx) => tx.select({ name: customers.name }).from(customers));
      expect(rows.map((r) => r.name)).toEqual(["Customer of A"]);
      expect(readStats(db)).toMatchObject({ standby: 0, behind: 1 });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await db.close();
    }
  });
});

describe("a standby that is away", () => {
  it("reads run on the primary, answered in full; the standby's pool is not waited on again for a while", async () => {
    const db = await createDb({
      databaseUrl: pair.primaryUrl,
      // a port nothing listens on
      readUrl: pair.standbyUrl.replace(/:(\d+)\//, ":1/"),
      poolSize: 2,
    });
    try {
      const first = readStats(db);
      const rows = await withTenantRead(db, a.tenantId, (tx) => tx.select({ name: customers.name }).from(customers));
      expect(rows.map((r) => r.name)).toEqual(["Customer of A"]);
      expect(first).toMatchObject({ standby: 0, unavailable: 1 });
      const started = Date.now();
      await withTenantRead(db, a.tenantId, (tx) => tx.select({ name: customers.name }).from(customers));
      expect(readStats(db).unavailable).toBe(2);
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await db.close();
    }
  });
});
