import { FixedClock, type RunningServer, startServer, testConfig } from "@clubhouse/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, call, freshDatabase, loginAs, signupClub, type TestDatabase } from "../support/harness.ts";
import { connected, disconnected, eventually, freePort, TestRedis, userBoards } from "../support/live.ts";

const clock = new FixedClock(new Date("2026-03-15T10:00:00+08:00"));
let db: TestDatabase;
let redis: TestRedis;
let server: RunningServer;
let other: RunningServer;
beforeAll(async () => {
  redis = new TestRedis(await freePort());
  await redis.start();
  db = await freshDatabase();
  server = await startServer(testConfig({ PORT: 0, HOST: "127.0.0.1", REDIS_URL: redis.url }), { clock, database: db.database });
  server.deps.boards = userBoards(db.database);
  // A second process on the same Redis, for what cannot cross while Redis is away.
  other = await startServer(testConfig({ PORT: 0, HOST: "127.0.0.1", REDIS_URL: redis.url }), { clock, database: db.database });
  other.deps.boards = userBoards(db.database);
});
afterAll(async () => {
  await other?.close();
  await server?.close();
  await db?.drop();
  await redis?.stop();
});

describe("Redis goes away and comes back", () => {
  it("keeps the API serving, publishing harmless, and brings every board up to date afterwards", async () => {
    const club = await signupClub(server.url);
    const admin = await connected(server.url, club.token);
    const before = await admin.rec.next("board:snapshot");
    const roamingToken = await loginAs(server.url, club.tenant.slug, club.user.email, "correct horse battery");
    const roaming = await connected(other.url, roamingToken);
    // A manager on the other process, demoted while Redis is away.
    const demotedEmail = `demoted@${club.tenant.slug}.test`;
    const demoted = await addUser(server.url, club.token, "manager", demotedEmail);
    const demotedOnOther = await connected(other.url, await loginAs(server.url, club.tenant.slug, demotedEmail, "rep password 1"));
    expect((await demotedOnOther.rec.next("board:snapshot")).boards).toHaveProperty("managersOnly");
    expect(before.boards.members).toEqual(["Admin"]);
    expect(server.live.fanningOut()).toBe(true);

    await redis.stop();
    await eventually(() => expect(server.live.fanningOut()).toBe(false));

    // The API does not notice.
    expect((await call(server.url, "GET", "/healthz")).status).toBe(200);
    const email = `outage@${club.tenant.slug}.test`;
    await addUser(server.url, club.token, "manager", email);
    const token = await loginAs(server.url, club.tenant.slug, email, "rep password 1");
    expect((await call(server.url, "GET", "/me", { token })).status).toBe(200);

    // Publishing neither throws nor stops this process's own sockets from hearing it.
    expect(() =>
      server.deps.live.publish([
        {
          tenantId: club.tenant.id,
          audience: { to: "club" },
          event: "standing:changed",
          payload: { repId: club.user.id, during: "outage" },
        },
      ]),
    ).not.toThrow();
    expect(() => server.deps.live.boardChanged(club.tenant.id)).not.toThrow();
    expect(await admin.rec.next("standing:changed")).toEqual({ repId: club.user.id, during: "outage" });
    // A new socket is still let in (the session lives in PostgreSQL).
    const late = await connected(server.url, token);
    // A sign-out here cannot reach the other process's socket now; it is done when Redis is back.
    const roamingGone = disconnected(roaming.socket, 15_000);
    expect((await call(server.url, "POST", "/auth/logout", { token: roamingToken })).status).toBe(204);
    // Nor can a role change; the other process follows it when Redis is back.
    expect((await call(server.url, "PATCH", `/users/${demoted.id}`, { token: club.token, body: { role: "rep" } })).status).toBe(200);

    await redis.start();
    // Fresh boards for everyone, with a version gap that tells clients to re-sync what they keep,
    // holding the write made while Redis was away.
    const after = await admin.rec.next("board:snapshot", (s) => s.version > before.version, 10_000);
    expect(after.version).toBeGreaterThan(before.version + 1);
    expect(after.boards.members).toEqual(["Admin", "demoted", "outage"]);
    const lateSnap = await late.rec.next("board:snapshot", (s) => s.version >= after.version, 10_000);
    expect(lateSnap.boards.members).toEqual(["Admin", "demoted", "outage"]);
    await eventually(async () => {
      const sync = (await demotedOnOther.socket.emitWithAck("board:sync")) as { boards: Record<string, unknown> };
      expect(sync.boards).not.toHaveProperty("managersOnly");
    }, 10_000);
    expect(demotedOnOther.socket.connected).toBe(true);
    expect(server.live.fanningOut()).toBe(true);
    expect(await roamingGone).toBe("io server disconnect");
    expect(roaming.rec.of("session:ended")).toHaveLength(1);

    // And events cross processes again: published on the other process, heard on this one.
    other.deps.live.publish([
      { tenantId: club.tenant.id, audience: { to: "club" }, event: "standing:changed", payload: { repId: club.user.id, during: "after" } },
    ]);
    expect(await admin.rec.next("standing:changed", (p) => p.during === "after")).toEqual({ repId: club.user.id, during: "after" });
    admin.socket.disconnect();
    late.socket.disconnect();
    demotedOnOther.socket.disconnect();
  });
});
