import { REDIS_PREFIX, REDIS_STREAM } from "@clubhouse/server";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, call, freshDatabase, loginAs, signupClub, TEST_DB, type TestDatabase } from "../support/harness.ts";
import { connected, disconnected, type ServerProcess, spawnServer } from "../support/live.ts";
import { type ClaimedRedisDb, claimRedisDb } from "../support/redis-db.ts";

// Two `pnpm start` processes on one PostgreSQL database and one Redis, as behind a load balancer.
let redisDb: ClaimedRedisDb;
let db: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;

beforeAll(async () => {
  if (TEST_DB !== "postgres") throw new Error("the live project runs on PostgreSQL (TEST_DB=postgres)");
  redisDb = await claimRedisDb();
  db = await freshDatabase();
  const env = { DATABASE_URL: db.url!, REDIS_URL: redisDb.url };
  [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.drop();
  await redisDb?.release();
});

describe("two server processes behave as one", () => {
  it("publish a club's full snapshots through Redis only while some process has a socket taking them; deltas always", async () => {
    const club = await signupClub(a.url);
    const redis = new Redis(redisDb.url);
    try {
      /** What the processes published to each other since `from` (the adapter's stream), as text. */
      const publishedSince = async (from: string) =>
        (await redis.xrangeBuffer(REDIS_STREAM, `(${from}`, "+")).map(([, fields]) => Buffer.concat(fields).toString("latin1")).join("\n");
      const lastId = async () => (await redis.xrevrange(REDIS_STREAM, "+", "-", "COUNT", 1))[0]?.[0] ?? "0-0";

      // A board taking deltas on B; the club's boards recomputed on A (a refresh there).
      const deltasOnB = await connected(b.url, club.token, { deltas: true });
      const first = await deltasOnB.rec.next("board:snapshot");
      const second = await loginAs(a.url, club.tenant.slug, club.user.email, "correct horse battery");
      const fromA = await connected(a.url, second, { deltas: true });
      await fromA.rec.next("board:snapshot");
      let since = await lastId();
      expect(await fromA.socket.emitWithAck("board:refresh")).toEqual({ ok: true });
      await deltasOnB.rec.next("board:delta", (x) => x.version > first.version);
      const onlyDeltas = await publishedSince(since);
      expect(onlyDeltas).toContain("board:delta");
      expect(onlyDeltas).not.toContain("board:snapshot");
      expect(onlyDeltas).not.toContain("leaderboard:update");

      // A board taking full snapshots opens on B: from then on A publishes them too, and it gets them.
      const fullOnB = await connected(b.url, club.token);
      const opened = await fullOnB.rec.next("board:snapshot");
      expect(await redis.zcount(`${REDIS_PREFIX}board-full:${club.tenant.id}`, Date.now(), "+inf")).toBe(1);
      since = await lastId();
      expect(await fromA.socket.emitWithAck("board:refresh")).toEqual({ ok: true });
      expect((await fullOnB.rec.next("board:snapshot", (x) => x.version > opened.version)).version).toBe(opened.version + 1);
      expect(await fullOnB.rec.next("leaderboard:update")).toMatchObject({ version: opened.version + 1 });
      expect(await publishedSince(since)).toContain("board:snapshot");
      for (const c of [deltasOnB, fromA, fullOnB]) c.socket.disconnect();
    } finally {
      redis.disconnect();
    }
  });

  it("boards changed through process A reach a board connected to process B, on one version sequence", async () => {
    const club = await signupClub(a.url);
    const second = await loginAs(b.url, club.tenant.slug, club.user.email, "correct horse battery");
    const onB = await connected(b.url, club.token);
    const onA = await connected(a.url, second);
    const [firstB, firstA] = await Promise.all([onB.rec.next("board:snapshot"), onA.rec.next("board:snapshot")]);
    expect(firstA.version).toBe(firstB.version);

    // The wall TV on A asks for fresh boards; B's board gets them.
    expect(await onA.socket.emitWithAck("board:refresh")).toEqual({ ok: true });
    const fromA = await onB.rec.next("board:snapshot", (s) => s.version > firstB.version);
    expect(fromA.version).toBe(firstB.version + 1);
    // And the other way round, continuing the same sequence.
    expect(await onB.socket.emitWithAck("board:refresh")).toEqual({ ok: true });
    expect((await onA.rec.next("board:snapshot", (s) => s.version > fromA.version)).version).toBe(fromA.version + 1);
    expect((await onB.socket.emitWithAck("board:sync")) as { version: number }).toMatchObject({ ok: true, version: fromA.version + 1 });

    // A real write through A: revenue recorded there is announced after commit to the managers'
    // sockets on B, and moves B's boards to a newer version.
    const rep = await addUser(a.url, club.token, "rep", `rep@${club.tenant.slug}.test`);
    const customer = await call(a.url, "POST", "/customers", {
      token: club.token,
      body: { name: "Jade Corp", kind: "group", ownerId: rep.id },
    });
    expect(customer.status).toBe(201);
    const synced = (await onB.socket.emitWithAck("board:sync")) as { version: number };
    const entry = await call(a.url, "POST", "/revenue", {
      token: club.token,
      body: {
        customerId: customer.body.id,
        amount: 1280.5,
        businessLine: "spa",
        occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
      },
    });
    expect(entry.status).toBe(201);
    expect(await onB.rec.next("revenue:recorded")).toMatchObject({ repId: rep.id, customerId: customer.body.id, amount: 1280.5 });
    await onB.rec.next("board:snapshot", (s) => s.version > synced.version);

    // Signing out through A closes the session's socket on B within a second; A's own socket stays.
    const gone = disconnected(onB.socket, 2_000);
    const started = Date.now();
    expect((await call(a.url, "POST", "/auth/logout", { token: club.token })).status).toBe(204);
    expect(await gone).toBe("io server disconnect");
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(onB.rec.of("session:ended")).toEqual([{ reason: "signed out" }]);
    expect(onA.socket.connected).toBe(true);

    // A graceful stop closes the sockets (recoverably: the client reconnects elsewhere) and exits 0.
    const closed = disconnected(onA.socket, 5_000);
    expect(await a.stop()).toBe(0);
    expect(await closed).toBe("transport close");
    expect(await b.stop()).toBe(0);
    onA.socket.disconnect();
  });
});
