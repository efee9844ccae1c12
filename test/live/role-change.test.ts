import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, freshDatabase, startTestServer, type TestDatabase, type TestServer } from "../support/harness.ts";
import {
  connected,
  eventually,
  type LiveClient,
  nothingWithin,
  type Recorder,
  type ServerProcess,
  spawnServer,
  userBoards,
} from "../support/live.ts";
import { type ClaimedRedisDb, claimRedisDb } from "../support/redis-db.ts";

/**
 * A role change takes effect at once, everywhere the user is signed in: on HTTP (the
 * session cache of every process forgets the old role) and on every open socket of
 * the user in every process (its rooms follow the new role, and `board:sync` answers
 * from it). A 30-second session cache makes sure that only the eviction can explain
 * the new answers within a second.
 */
type Member = { socket: LiveClient; rec: Recorder };

const boardsOf = async (m: Member) => {
  const reply = (await m.socket.emitWithAck("board:sync")) as { ok: boolean; boards: Record<string, unknown> };
  expect(reply.ok).toBe(true);
  return reply.boards;
};

/** Whether the caller is a manager for HTTP: POST /live/sync is for managers and admins. */
const managerOnHttp = async (url: string, token: string) => {
  const res = await call(url, "POST", "/live/sync", { token });
  if (res.status !== 202 && res.status !== 403) throw new Error(`POST /live/sync answered ${res.status}`);
  return res.status === 202;
};

/** A revenue entry of rep2's (announced to rep2 and to the managers), recorded by the admin. */
async function rep2Revenue(url: string, club: Club, customerId: string, occurredAt: string) {
  return addRevenue(url, club.admin.token, { customerId, amount: 321, occurredAt });
}

/** Runs `check` until it holds; fails when that took a second or more from `since`. */
async function withinASecond<T>(since: number, check: () => Promise<T>): Promise<T> {
  const result = await eventually(check, 2_000, 20);
  expect(Date.now() - since).toBeLessThan(1_000);
  return result;
}

describe("a role change, one process", () => {
  let t: TestServer;
  let club: Club;
  let customerId: string;
  const occurredAt = "2026-03-10T10:00:00+08:00";
  beforeAll(async () => {
    t = await startTestServer({ SESSION_CACHE_MS: 30_000 });
    t.server.deps.boards = userBoards(t.server.deps.database);
    club = await makeClub(t.url, `roles-${Date.now().toString(36)}`);
    customerId = (await newCustomer(t.url, club.admin.token, { name: "Rep two's customer", ownerId: club.rep2.id })).id;
  });
  afterAll(() => t?.close());

  it("a demoted manager's socket stops receiving other reps' events and gets rep boards within a second; HTTP refuses at once", async () => {
    const admin = await connected(t.url, club.admin.token);
    const manager = await connected(t.url, club.manager.token);
    expect(await manager.rec.next("board:snapshot")).toMatchObject({ boards: { managersOnly: true } });
    expect(await managerOnHttp(t.url, club.manager.token)).toBe(true); // now cached as a manager

    const started = Date.now();
    const res = await call(t.url, "PATCH", `/users/${club.manager.id}`, { token: club.admin.token, body: { role: "rep" } });
    expect(res.status).toBe(200);
    expect(await managerOnHttp(t.url, club.manager.token)).toBe(false);
    await withinASecond(started, async () => {
      const boards = await boardsOf(manager);
      if ("managersOnly" in boards) throw new Error("board:sync still answers with the managers' boards");
      return boards;
    });
    // The board in hand (the managers' one) is replaced by a rep's.
    const pushed = await manager.rec.next("board:snapshot", (s) => !("managersOnly" in s.boards), 1_000);
    expect(pushed.boards.members).toBeDefined();
    expect(manager.socket.connected).toBe(true);
    // The user's own app hears of it, so it reads who it is again and switches its shell.
    expect(await manager.rec.next("role:changed")).toEqual({ role: "rep" });
    expect(admin.rec.events.filter((e) => e.event === "role:changed")).toEqual([]);

    manager.rec.clear();
    const entry = await rep2Revenue(t.url, club, customerId, occurredAt);
    expect(await admin.rec.next("revenue:recorded", (p) => p.id === entry.id)).toMatchObject({ repId: club.rep2.id });
    expect(await nothingWithin(manager.rec, 300, "revenue:recorded")).toEqual([]);
    expect(
      manager.rec.events.filter((e) => e.event === "board:snapshot" && "managersOnly" in (e.payload as { boards: object }).boards),
    ).toEqual([]);
    admin.socket.disconnect();
    manager.socket.disconnect();
  });

  it("a promoted rep's socket gets the managers' view within a second, and HTTP lets it in at once", async () => {
    const rep = await connected(t.url, club.rep1.token);
    expect((await rep.rec.next("board:snapshot")).boards).not.toHaveProperty("managersOnly");
    expect(await managerOnHttp(t.url, club.rep1.token)).toBe(false); // now cached as a rep

    const started = Date.now();
    const res = await call(t.url, "PATCH", `/users/${club.rep1.id}`, { token: club.admin.token, body: { role: "manager" } });
    expect(res.status).toBe(200);
    expect(await managerOnHttp(t.url, club.rep1.token)).toBe(true);
    await withinASecond(started, async () => {
      const boards = await boardsOf(rep);
      if (!("managersOnly" in boards)) throw new Error("board:sync still answers with a rep's boards");
    });
    await rep.rec.next("board:snapshot", (s) => "managersOnly" in s.boards, 1_000);
    const entry = await rep2Revenue(t.url, club, customerId, occurredAt);
    expect(await rep.rec.next("revenue:recorded", (p) => p.id === entry.id)).toMatchObject({ repId: club.rep2.id });
    expect(rep.socket.connected).toBe(true);
    rep.socket.disconnect();
  });
});

describe("a role change, two server processes on one Redis", () => {
  let db: TestDatabase;
  let a: ServerProcess;
  let b: ServerProcess;
  let redisDb: ClaimedRedisDb;
  beforeAll(async () => {
    redisDb = await claimRedisDb();
    db = await freshDatabase(undefined, "postgres");
    const env = {
      DATABASE_URL: db.url!,
      REDIS_URL: redisDb.url,
      SESSION_CACHE_MS: "30000",
      JOB_INTERVAL_MS: "0",
    };
    [a, b] = await Promise.all([spawnServer(env), spawnServer(env)]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
    await redisDb?.release();
  });

  it("a change made through process A reaches the user's socket and cached session on process B within a second", async () => {
    const club = await makeClub(a.url, `roles2-${Date.now().toString(36)}`);
    const customerId = (await newCustomer(a.url, club.admin.token, { name: "Rep two's customer", ownerId: club.rep2.id })).id;
    const occurredAt = new Date(Date.now() - 3_600_000).toISOString();
    // Everyone watches on B; the changes are made through A.
    const admin = await connected(b.url, club.admin.token);
    const manager = await connected(b.url, club.manager.token);
    const rep = await connected(b.url, club.rep1.token);
    // The real boards: the managers' part is the quota board.
    expect(await boardsOf(manager)).toHaveProperty("quota");
    expect(await boardsOf(rep)).not.toHaveProperty("quota");
    expect(await managerOnHttp(b.url, club.manager.token)).toBe(true); // cached on B as a manager
    expect(await managerOnHttp(b.url, club.rep1.token)).toBe(false); // cached on B as a rep

    // Demotion.
    let started = Date.now();
    expect((await call(a.url, "PATCH", `/users/${club.manager.id}`, { token: club.admin.token, body: { role: "rep" } })).status).toBe(200);
    await withinASecond(started, async () => {
      if ("quota" in (await boardsOf(manager))) throw new Error("board:sync on B still answers with the managers' boards");
    });
    await withinASecond(started, async () => {
      if (await managerOnHttp(b.url, club.manager.token)) throw new Error("B still lets the demoted manager in");
    });
    manager.rec.clear();
    const first = await rep2Revenue(a.url, club, customerId, occurredAt);
    expect(await admin.rec.next("revenue:recorded", (p) => p.id === first.id)).toMatchObject({ repId: club.rep2.id });
    expect(await nothingWithin(manager.rec, 300, "revenue:recorded")).toEqual([]);
    expect(manager.socket.connected).toBe(true);

    // Promotion.
    started = Date.now();
    expect((await call(a.url, "PATCH", `/users/${club.rep1.id}`, { token: club.admin.token, body: { role: "manager" } })).status).toBe(200);
    await withinASecond(started, async () => {
      if (!("quota" in (await boardsOf(rep)))) throw new Error("board:sync on B still answers with a rep's boards");
    });
    await withinASecond(started, async () => {
      if (!(await managerOnHttp(b.url, club.rep1.token))) throw new Error("B still refuses the promoted rep");
    });
    const second = await rep2Revenue(a.url, club, customerId, occurredAt);
    expect(await rep.rec.next("revenue:recorded", (p) => p.id === second.id)).toMatchObject({ repId: club.rep2.id });
    expect(await nothingWithin(manager.rec, 300, "revenue:recorded")).toEqual([]);

    for (const m of [admin, manager, rep]) m.socket.disconnect();
  });
});
