import { FixedClock, startServer, testConfig } from "@clubhouse/server";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveEvent } from "../../server/src/realtime/events.ts";
import { roomOf } from "../../server/src/realtime/events.ts";
import { type Club, makeClub } from "../support/club.ts";
import { addUser, call, freshDatabase, type TestDatabase } from "../support/harness.ts";
import { connect, eventually, type LiveClient, liveClient, nothingWithin, Recorder, userBoards } from "../support/live.ts";
import { type ClaimedRedisDb, claimRedisDb } from "../support/redis-db.ts";

/**
 * Connection-state recovery replays missed events only to the session that missed
 * them, once its handshake is authenticated, and only what that user may see now.
 * What is checked is what reaches the wire (every packet the client decodes, also
 * those a refused client would drop), not only what the client library hands on.
 */
type Running = Awaited<ReturnType<typeof startServer>>;
const clock = new FixedClock(new Date("2026-03-15T10:00:00+08:00"));

interface WirePacket {
  type: number;
  data?: unknown;
}
/** socket.io-parser's packet types. */
const CONNECT = 0;
const EVENT = 2;
const CONNECT_ERROR = 4;

/** Every packet the client's connection decodes, for any state of the socket. */
function wire(socket: LiveClient): WirePacket[] {
  const packets: WirePacket[] = [];
  socket.io.on("packet", (p: WirePacket) => packets.push(p));
  return packets;
}
const events = (packets: WirePacket[]) => packets.filter((p) => p.type === EVENT).map((p) => p.data as [string, unknown, ...unknown[]]);

/** The private session id and last offset a recovering client presents. */
const recoveryOf = (socket: LiveClient) => {
  const s = socket as unknown as { _pid?: string; _lastOffset?: string };
  if (!s._pid || !s._lastOffset) throw new Error("the client has nothing to recover with");
  return { pid: s._pid, offset: s._lastOffset };
};

/** A client presenting its own token and somebody's pid/offset, as a crafted client would. */
function craftedClient(url: string, auth: Record<string, string>): LiveClient {
  return io(url, { autoConnect: false, forceNew: true, transports: ["websocket"], auth, reconnection: false, timeout: 5_000 });
}

for (const mode of ["memory", "redis"] as const) {
  describe(`recovery is authenticated first (${mode === "memory" ? "one process, in-memory adapter" : "Redis streams adapter"})`, () => {
    let db: TestDatabase;
    let s: Running;
    let club: Club;
    let other: Club;
    let redisDb: ClaimedRedisDb | undefined;

    /** Drop the client's transport as a network does and wait until the server has let go (its session saved). */
    async function dropTransport(socket: LiveClient, tenantId: string, userId: string) {
      socket.io.engine.close();
      await eventually(async () => {
        if ((await s.live.io.in(roomOf(tenantId, { to: "user", userId })).fetchSockets()).length > 0) throw new Error("still held");
      });
    }

    /** A connected, recoverable client with an offset: it has received one event after its snapshot. */
    async function recoverable(token: string, tenantId: string, userId: string) {
      const socket = liveClient(s.url, { token, reconnection: false });
      const rec = new Recorder(socket);
      await connect(socket);
      await rec.next("board:snapshot");
      s.deps.live.publish([{ tenantId, audience: { to: "club" }, event: "standing:changed", payload: { repId: userId, n: 0 } }]);
      await rec.next("standing:changed");
      await dropTransport(socket, tenantId, userId);
      rec.clear();
      return { socket, rec, packets: wire(socket) };
    }

    /** What club A's members missed while away: a rep's revenue (to that rep and the managers), a managers-only alarm, a club event, new boards. */
    async function missedInClubA(marker: string) {
      const payload = { id: marker, repId: club.rep2.id, customerId: marker, amount: 99, occurredAt: "2026-03-15T09:00:00+08:00" };
      const missed: LiveEvent[] = [
        { tenantId: club.tenantId, audience: { to: "managers" }, event: "revenue:recorded", payload },
        { tenantId: club.tenantId, audience: { to: "rep", repId: club.rep2.id }, event: "revenue:recorded", payload },
        {
          tenantId: club.tenantId,
          audience: { to: "rep", repId: club.rep1.id },
          event: "revenue:recorded",
          payload: { ...payload, repId: club.rep1.id },
        },
        {
          tenantId: club.tenantId,
          audience: { to: "managers" },
          event: "quota:alarm",
          payload: { id: marker, repId: club.rep2.id, level: "60", kind: "raised", at: "2026-03-15T09:00:00+08:00" },
        },
        { tenantId: club.tenantId, audience: { to: "club" }, event: "standing:changed", payload: { repId: club.rep2.id, marker } },
      ];
      s.deps.live.publish(missed);
      await s.deps.live.boardChanged(club.tenantId);
      // Let the coalesced boards go out (to nobody of this club but the stream / the adapter's log).
      await new Promise((r) => setTimeout(r, 400));
    }

    beforeAll(async () => {
      db = await freshDatabase(undefined, "postgres");
      if (mode === "redis") redisDb = await claimRedisDb();
      s = await startServer(testConfig({ PORT: 0, HOST: "127.0.0.1", ...(redisDb ? { REDIS_URL: redisDb.url } : {}) }), {
        clock,
        database: db.database,
      });
      s.deps.boards = userBoards(db.database);
      expect(s.live.mode).toBe(mode);
      const slug = `rec-${mode}-${Date.now().toString(36)}`;
      club = await makeClub(s.url, `${slug}-a`);
      other = await makeClub(s.url, `${slug}-b`);
      // A name only club A's boards show.
      await addUser(s.url, club.admin.token, "rep", `secret-a-member@${slug}-a.test`);
    });
    afterAll(async () => {
      await s?.close();
      await db?.drop();
      await redisDb?.release();
    });

    it("a disabled user reconnecting with its pid/offset receives nothing but the refusal", async () => {
      const rep = await recoverable(club.rep1.token, club.tenantId, club.rep1.id);
      await missedInClubA("missed-by-disabled");
      expect((await call(s.url, "PATCH", `/users/${club.rep1.id}`, { token: club.admin.token, body: { disabled: true } })).status).toBe(
        200,
      );

      await expect(connect(rep.socket)).rejects.toThrow("unauthorized");
      expect(rep.packets.map((p) => p.type)).toEqual([CONNECT_ERROR]);
      expect(rep.rec.events).toEqual([]);
    });

    it("a token of club B presenting club A's pid/offset receives no event of club A", async () => {
      const victim = await recoverable(club.manager.token, club.tenantId, club.manager.id);
      const stolen = recoveryOf(victim.socket);
      await missedInClubA("missed-by-club-a");

      const thief = craftedClient(s.url, { token: other.admin.token, ...stolen });
      const packets = wire(thief);
      const rec = new Recorder(thief);
      await connect(thief);
      expect(thief.recovered).toBe(false);
      // Its own club's boards, fresh.
      const snap = await rec.next("board:snapshot");
      expect(snap.boards.members).not.toContain("secret-a-member");
      await nothingWithin(rec, 300);
      const seen = JSON.stringify(packets);
      expect(seen).not.toContain("missed-by-club-a");
      expect(seen).not.toContain("secret-a-member");
      expect(seen).not.toContain(club.tenantId);
      expect(packets[0]?.type).toBe(CONNECT);
      expect(events(packets).map(([e]) => e)).toEqual(["board:snapshot"]);
      thief.disconnect();
      victim.socket.disconnect();
    });

    it("a manager demoted while away recovers only what a rep may see", async () => {
      const token = club.manager.token;
      const m = await recoverable(token, club.tenantId, club.manager.id);
      await missedInClubA("missed-by-demoted");
      expect((await call(s.url, "PATCH", `/users/${club.manager.id}`, { token: club.admin.token, body: { role: "rep" } })).status).toBe(
        200,
      );

      await connect(m.socket);
      const snap = await m.rec.next("board:snapshot", (p) => !("managersOnly" in p.boards));
      expect(snap.boards.members).toContain("secret-a-member");
      await nothingWithin(m.rec, 300);
      for (const [event, payload] of events(m.packets)) {
        // Nothing for the managers: not the alarm, not another rep's revenue, not the managers' boards.
        expect(event).not.toBe("quota:alarm");
        if (event === "revenue:recorded") expect((payload as { repId: string }).repId).toBe(club.manager.id);
        if (event === "board:snapshot") expect(payload).not.toHaveProperty("boards.managersOnly");
      }
      // The client knows it missed something: the board it showed was a manager's.
      expect(m.socket.recovered).toBe(false);
      m.socket.disconnect();
      // Back to a manager, for the other tests' sake.
      await call(s.url, "PATCH", `/users/${club.manager.id}`, { token: club.admin.token, body: { role: "manager" } });
    });

    it("an unknown pid or a malformed offset connects as new, with a fresh snapshot", async () => {
      for (const auth of [
        { pid: "no-such-session", offset: "0-0" },
        { pid: "no-such-session", offset: "not an offset" },
      ]) {
        const socket = craftedClient(s.url, { token: other.rep1.token, ...auth });
        const rec = new Recorder(socket);
        await connect(socket);
        expect(socket.recovered).toBe(false);
        await rec.next("board:snapshot");
        socket.disconnect();
      }
    });

    it("the same session, same role, still recovers what it missed", async () => {
      const { token, id } = club.rep2;
      const r = await recoverable(token, club.tenantId, id);
      await missedInClubA("missed-by-rep2");
      await connect(r.socket);
      expect(r.socket.recovered).toBe(true);
      await r.rec.next("standing:changed", (p) => p.marker === "missed-by-rep2");
      await nothingWithin(r.rec, 300);
      // Its own revenue, the club's event and (with Redis, where boards are recomputed for
      // other processes' sockets) the rep boards; nothing of the managers' or of rep1's.
      const seen = new Set(r.rec.events.map((e) => e.event));
      expect([...seen].filter((e) => !["revenue:recorded", "standing:changed", "board:snapshot"].includes(e))).toEqual([]);
      expect(seen.has("revenue:recorded") && seen.has("standing:changed")).toBe(true);
      if (mode === "redis") expect(seen.has("board:snapshot")).toBe(true);
      expect(r.rec.of("revenue:recorded")).toEqual([expect.objectContaining({ repId: id })]);
      for (const snap of r.rec.of("board:snapshot")) expect(snap.boards).not.toHaveProperty("managersOnly");
      r.socket.disconnect();
    });
  });
}
