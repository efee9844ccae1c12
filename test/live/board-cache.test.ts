import { execFileSync } from "node:child_process";
import { type Server, type Socket, connect as tcpConnect, createServer as tcpServer } from "node:net";
import { FixedClock, type RunningServer, startServer, testConfig } from "@clubhouse/server";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REDIS_PREFIX } from "../../server/src/realtime/rooms.ts";
import { monthOf } from "../../server/src/time/club-time.ts";
import { addRevenue, makeClub, newCustomer } from "../support/club.ts";
import { call, freshDatabase, type Json, TEST_DB, type TestDatabase } from "../support/harness.ts";
import { eventually, freePort, type ServerProcess, spawnServer, TestRedis } from "../support/live.ts";
import { type ClaimedRedisDb, claimRedisDb } from "../support/redis-db.ts";

// GET /leaderboard's cache is per process; the club's data generation in Redis is what
// keeps it right across processes. Two `pnpm start` processes on one PostgreSQL
// database and one Redis (a database of its own per run), as behind a load balancer.
const TOKEN_KEY = (tenantId: string) => `${REDIS_PREFIX}board-gen:${tenantId}`;

let redisDb: ClaimedRedisDb;
let db: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;
let sqlAdmin: postgres.Sql;

beforeAll(async () => {
  if (TEST_DB !== "postgres") throw new Error("the live project runs on PostgreSQL (TEST_DB=postgres)");
  redisDb = await claimRedisDb();
  db = await freshDatabase();
  sqlAdmin = postgres(db.url!, { max: 1, onnotice: () => {} });
  // no background jobs: nothing but the test's own writes moves a club's generation
  const env = { DATABASE_URL: db.url!, REDIS_URL: redisDb.url, JOB_INTERVAL_MS: "0" };
  [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await sqlAdmin?.end();
  await db?.drop();
  await redisDb?.release();
});

async function board(url: string, token: string, q = "") {
  const res = await call(url, "GET", `/leaderboard${q}`, { token });
  if (res.status !== 200) throw new Error(`board: ${res.status} ${JSON.stringify(res.body)}`);
  return { body: res.body as Json, etag: res.headers.get("etag") as string };
}
const rowOf = (b: Json, repId: string) => b.rows.find((r: Json) => r.repId === repId) as Json;

describe("the board cache across two server processes", () => {
  it("a board read on one process right after a write's answer on the other shows the write", async () => {
    const club = await makeClub(a.url, "xproc");
    const customer = (await newCustomer(a.url, club.manager.token, { name: "Jade Corp", ownerId: club.rep1.id, status: "active" })).id;
    // a minute ago on the real clock, and the club month that puts it in
    const occurredAt = new Date(Date.now() - 60_000);
    const q = `?at=${monthOf(occurredAt, "Asia/Shanghai")}`;
    let expected = 0;
    for (let i = 1; i <= 10; i++) {
      // odd rounds write on A and read on B; even rounds the other way round
      const [writer, reader] = i % 2 === 1 ? [a, b] : [b, a];
      const before = await board(reader.url, club.manager.token, q);
      expect(rowOf(before.body, club.rep1.id).revenue).toBe(expected);
      // and again (now from the reader's cache): the same board, the same ETag
      expect((await board(reader.url, club.manager.token, q)).etag).toBe(before.etag);
      await addRevenue(writer.url, club.manager.token, { customerId: customer, amount: i, occurredAt: occurredAt.toISOString() });
      expected += i;
      const after = await board(reader.url, club.manager.token, q);
      expect(after.etag, `round ${i}`).not.toBe(before.etag);
      expect(rowOf(after.body, club.rep1.id).revenue, `round ${i}`).toBe(expected);
    }
    expect(expected).toBe(55);
  });

  it("other writes too: a rename on A is on B's board at once", async () => {
    const club = await makeClub(b.url, "xproc-rename");
    for (const name of ["First", "Second", "Third"]) {
      const before = await board(b.url, club.manager.token);
      const res = await call(a.url, "PATCH", `/users/${club.rep2.id}`, { token: club.manager.token, body: { name } });
      expect(res.status).toBe(200);
      const after = await board(b.url, club.manager.token);
      expect(after.etag).not.toBe(before.etag);
      expect(rowOf(after.body, club.rep2.id).name).toBe(name);
    }
  });

  it("a club's token lost in Redis (a flush, an eviction) makes every process recompute", async () => {
    const club = await makeClub(a.url, "xproc-epoch");
    const onA = await board(a.url, club.manager.token);
    const onB = await board(b.url, club.manager.token);
    expect(onA.etag).toBe(onB.etag);

    // A change behind the servers' backs (no generation moves): both keep serving what they cached.
    await sqlAdmin`update users set name = 'Behind The Back' where id = ${club.rep1.id}`;
    for (const s of [a, b]) {
      const cached = await board(s.url, club.manager.token);
      expect(cached.etag).toBe(onA.etag);
      expect(rowOf(cached.body, club.rep1.id).name).toBe("rep1");
    }

    // The club's token gone: the next read mints a fresh random one, which nothing was cached under.
    expect(
      execFileSync("redis-cli", ["-h", "127.0.0.1", "-p", "6379", "-n", String(redisDb.db), "DEL", TOKEN_KEY(club.tenantId)])
        .toString()
        .trim(),
    ).toBe("1");
    for (const s of [b, a]) {
      const fresh = await board(s.url, club.manager.token);
      expect(fresh.etag).not.toBe(onA.etag);
      expect(rowOf(fresh.body, club.rep1.id).name).toBe("Behind The Back");
    }
    // lost again, then writes: no token value ever comes back, so no stale board either
    for (const name of ["Front Door", "Front Door 2"]) {
      execFileSync("redis-cli", ["-n", String(redisDb.db), "DEL", TOKEN_KEY(club.tenantId)]);
      const before = await board(b.url, club.manager.token);
      expect((await call(a.url, "PATCH", `/users/${club.rep1.id}`, { token: club.manager.token, body: { name } })).status).toBe(200);
      const after = await board(b.url, club.manager.token);
      expect(rowOf(after.body, club.rep1.id).name).toBe(name);
      expect(after.etag).not.toBe(before.etag);
    }
  });
});

describe("the board cache while Redis is away", () => {
  const clock = new FixedClock(new Date("2026-03-15T10:00:00+08:00"));
  let redis: TestRedis;
  let db2: TestDatabase;
  let one: RunningServer;
  let two: RunningServer;
  beforeAll(async () => {
    redis = new TestRedis(await freePort());
    await redis.start();
    db2 = await freshDatabase();
    const serve = () => startServer(testConfig({ PORT: 0, HOST: "127.0.0.1", REDIS_URL: redis.url }), { clock, database: db2.database });
    one = await serve();
    two = await serve();
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
    await db2?.drop();
    await redis?.stop();
  });

  it("caches nothing without Redis: writes on one process show on the other; after Redis is back, caching resumes correctly", async () => {
    const club = await makeClub(one.url, "outage");
    const customer = (await newCustomer(one.url, club.manager.token, { name: "Outage Co", ownerId: club.rep1.id, status: "active" })).id;
    const rev = (s: RunningServer, amount: number) =>
      addRevenue(s.url, club.manager.token, { customerId: customer, amount, occurredAt: "2026-03-15T09:00:00+08:00" });
    const revenueOn = async (s: RunningServer) => rowOf((await board(s.url, club.manager.token)).body, club.rep1.id).revenue;

    await rev(one, 100);
    expect(await revenueOn(two)).toBe(100);
    expect(await revenueOn(one)).toBe(100);

    await redis.stop();
    await eventually(() => expect([one.live.fanningOut(), two.live.fanningOut()]).toEqual([false, false]));
    // A write on one cannot move the generation in Redis; the other must not serve its cached board.
    await rev(one, 20);
    expect(await revenueOn(two)).toBe(120);
    await rev(two, 3);
    expect(await revenueOn(one)).toBe(123);
    // nor does either cache while away: a change behind their backs is seen at once
    await db2.database.db.execute(sql`update users set name = 'During' where id = ${club.rep1.id}`);
    for (const s of [one, two]) expect(rowOf((await board(s.url, club.manager.token)).body, club.rep1.id).name).toBe("During");

    // Redis back, empty (every token gone): both processes cache again, and still read their writes.
    await redis.start();
    await eventually(() => expect([one.live.fanningOut(), two.live.fanningOut()]).toEqual([true, true]), 10_000);
    expect(await revenueOn(two)).toBe(123);
    await rev(one, 4000);
    expect(await revenueOn(two)).toBe(4123);
    await rev(two, 50000);
    expect(await revenueOn(one)).toBe(54123);

    // caching really resumed: once the bumps made while away have reached Redis, a change
    // behind the servers' backs stays unseen on a process that cached the board
    await eventually(async () => {
      const [g1, g2] = [await one.deps.live.boardGeneration(club.tenantId), await two.deps.live.boardGeneration(club.tenantId)];
      expect(g1).not.toBeNull();
      expect(g2).toBe(g1);
    });
    const cached = await board(two.url, club.manager.token);
    await db2.database.db.execute(sql`update users set name = 'After' where id = ${club.rep1.id}`);
    expect(await board(two.url, club.manager.token)).toEqual(cached);
  });
});

/** A TCP proxy to the shared Redis that delays every chunk, both ways, by `ms` (order kept). */
function slowRedisProxy(ms: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = tcpServer((client) => {
    const upstream = tcpConnect(6379, "127.0.0.1");
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on("data", (d) => setTimeout(() => to.writable && to.write(d), ms));
      from.on("close", () => setTimeout(() => to.destroy(), ms));
      from.on("error", () => to.destroy());
    }
  });
  return new Promise((ready) =>
    server.listen(0, "127.0.0.1", () =>
      ready({
        port: (server.address() as { port: number }).port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    ),
  );
}

describe("a write answers only once its generation bump has reached Redis", () => {
  // Process one talks to Redis through a slow link: were the bump sent but not awaited,
  // one would answer before Redis had it, and two (on a fast link) would serve its cache.
  const clock = new FixedClock(new Date("2026-03-15T10:00:00+08:00"));
  let proxy: Awaited<ReturnType<typeof slowRedisProxy>>;
  let db3: TestDatabase;
  let one: RunningServer;
  let two: RunningServer;
  beforeAll(async () => {
    proxy = await slowRedisProxy(150);
    db3 = await freshDatabase();
    const serve = (url: string) =>
      startServer(testConfig({ PORT: 0, HOST: "127.0.0.1", REDIS_URL: url }), { clock, database: db3.database });
    one = await serve(`redis://127.0.0.1:${proxy.port}/${redisDb.db}`);
    two = await serve(redisDb.url);
    await eventually(() => expect([one.live.fanningOut(), two.live.fanningOut()]).toEqual([true, true]), 10_000);
  });
  afterAll(async () => {
    await two?.close();
    await one?.close();
    await proxy?.close();
    await db3?.drop();
  });

  it("reads on the fast process right after writes on the slow one see them", async () => {
    const club = await makeClub(two.url, "slowlink");
    const customer = (await newCustomer(two.url, club.manager.token, { name: "Slow Co", ownerId: club.rep2.id, status: "active" })).id;
    let expected = 0;
    for (let i = 1; i <= 3; i++) {
      const before = await board(two.url, club.manager.token);
      expect(rowOf(before.body, club.rep2.id).revenue).toBe(expected);
      await addRevenue(one.url, club.manager.token, { customerId: customer, amount: 10 * i, occurredAt: "2026-03-15T09:00:00+08:00" });
      expected += 10 * i;
      expect(rowOf((await board(two.url, club.manager.token)).body, club.rep2.id).revenue, `round ${i}`).toBe(expected);
      const res = await call(one.url, "PATCH", `/users/${club.rep2.id}`, { token: club.manager.token, body: { name: `Slow ${i}` } });
      expect(res.status).toBe(200);
      expect(rowOf((await board(two.url, club.manager.token)).body, club.rep2.id).name, `round ${i}`).toBe(`Slow ${i}`);
    }
  });
});
