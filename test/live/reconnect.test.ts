import { FixedClock, startServer, testConfig } from "@clubhouse/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveEvent } from "../../server/src/realtime/events.ts";
import { roomOf } from "../../server/src/realtime/events.ts";
import { addUser, freshDatabase, signupClub, type TestDatabase } from "../support/harness.ts";
import { connect, eventually, liveClient, Recorder, userBoards } from "../support/live.ts";
import { type ClaimedRedisDb, claimRedisDb } from "../support/redis-db.ts";

type Running = Awaited<ReturnType<typeof startServer>>;
const clock = new FixedClock(new Date("2026-03-15T10:00:00+08:00"));
// A Redis database no other test file uses meanwhile (redis-db.ts).
let redisDb: ClaimedRedisDb;

let db: TestDatabase;
const servers: Running[] = [];
beforeAll(async () => {
  redisDb = await claimRedisDb();
  db = await freshDatabase();
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await db?.drop();
  await redisDb?.release();
});

async function serve(overrides: Parameters<typeof testConfig>[0] = {}) {
  const s = await startServer(testConfig({ PORT: 0, HOST: "127.0.0.1", ...overrides }), { clock, database: db.database });
  s.deps.boards = userBoards(db.database);
  servers.push(s);
  return s;
}

const standing = (tenantId: string, repId: string, n: number): LiveEvent => ({
  tenantId,
  audience: { to: "club" },
  event: "standing:changed",
  payload: { repId, n },
});

/** Drop the client's connection the way a network does (the server sees a transport close) and wait until the server has let go. */
async function dropTransport(socket: ReturnType<typeof liveClient>, server: Running, tenantId: string, userId: string) {
  socket.io.engine.close();
  await eventually(async () => {
    const still = await server.live.io.in(roomOf(tenantId, { to: "user", userId })).fetchSockets();
    if (still.length > 0) throw new Error("the server still holds the socket");
  });
}

describe("a client that reconnects catches up", () => {
  it("recovers the events it missed (one process, no Redis)", async () => {
    const s = await serve();
    const club = await signupClub(s.url);
    const socket = liveClient(s.url, { token: club.token, reconnection: false });
    const rec = new Recorder(socket);
    await connect(socket);
    await rec.next("board:snapshot");
    s.deps.live.publish([standing(club.tenant.id, club.user.id, 1)]);
    await rec.next("standing:changed");

    await dropTransport(socket, s, club.tenant.id, club.user.id);
    s.deps.live.publish([standing(club.tenant.id, club.user.id, 2), standing(club.tenant.id, club.user.id, 3)]);
    rec.clear();
    await connect(socket);
    expect(socket.recovered).toBe(true);
    await rec.next("standing:changed", (p) => p.n === 3);
    expect(rec.of("standing:changed")).toEqual([
      { repId: club.user.id, n: 2 },
      { repId: club.user.id, n: 3 },
    ]);
    // Recovered: nothing was missed, so no snapshot is forced on it.
    expect(rec.of("board:snapshot")).toEqual([]);
    socket.disconnect();
  });

  it("recovers, and gets the boards as they are when its club changed while no socket here could be sent them (one process)", async () => {
    const s = await serve();
    const club = await signupClub(s.url);
    const socket = liveClient(s.url, { token: club.token, reconnection: false });
    const rec = new Recorder(socket);
    await connect(socket);
    const before = (await rec.next("board:snapshot")) as { version: number; boards: { members: string[] } };

    await dropTransport(socket, s, club.tenant.id, club.user.id);
    // A new member while the club has no socket on the process: its boards are not recomputed
    // (nobody to send them to), so the recovery log holds no board for it.
    await addUser(s.url, club.token, "rep", "away@reconnect.test", "rep password 1");
    rec.clear();
    await connect(socket);
    expect(socket.recovered).toBe(true);
    const after = (await rec.next("board:snapshot")) as { version: number; boards: { members: string[] } };
    expect(after.version).toBeGreaterThanOrEqual(before.version);
    expect(after.boards.members.length).toBe(before.boards.members.length + 1);
    socket.disconnect();
  });

  it("gets a fresh snapshot with a newer version when it cannot recover (the server restarted)", async () => {
    const first = await serve();
    const club = await signupClub(first.url);
    const socket = liveClient(first.url, { token: club.token, reconnection: false });
    const rec = new Recorder(socket);
    await connect(socket);
    const before = await rec.next("board:snapshot");
    expect(before.boards.members).toEqual(["Admin"]);
    first.deps.live.publish([standing(club.tenant.id, club.user.id, 1)]);
    await rec.next("standing:changed");

    await first.close();
    const second = await serve({ PORT: first.port });
    await addUser(second.url, club.token, "rep", `late@${club.tenant.slug}.test`);
    rec.clear();
    await connect(socket);
    expect(socket.recovered).toBe(false);
    const after = await rec.next("board:snapshot");
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.boards.members).toEqual(["Admin", "late"]);
    socket.disconnect();
  });

  it("recovers from the Redis stream what another process published while it was away", async () => {
    const a = await serve({ REDIS_URL: redisDb.url });
    const b = await serve({ REDIS_URL: redisDb.url });
    expect([a.live.mode, b.live.mode]).toEqual(["redis", "redis"]);
    const club = await signupClub(a.url);
    const socket = liveClient(b.url, { token: club.token, reconnection: false });
    const rec = new Recorder(socket);
    await connect(socket);
    const first = await rec.next("board:snapshot");

    // Boards bumped on A reach the socket on B, with one version sequence for both processes.
    a.deps.live.boardChanged(club.tenant.id);
    expect((await rec.next("board:snapshot", (s) => s.version > first.version)).version).toBe(first.version + 1);
    b.deps.live.boardChanged(club.tenant.id);
    expect((await rec.next("board:snapshot", (s) => s.version > first.version + 1)).version).toBe(first.version + 2);

    await dropTransport(socket, b, club.tenant.id, club.user.id);
    a.deps.live.publish([standing(club.tenant.id, club.user.id, 7)]);
    a.deps.live.boardChanged(club.tenant.id);
    rec.clear();
    await connect(socket);
    expect(socket.recovered).toBe(true);
    expect(await rec.next("standing:changed")).toEqual({ repId: club.user.id, n: 7 });
    expect((await rec.next("board:snapshot")).version).toBe(first.version + 3);
    socket.disconnect();
  });
});
