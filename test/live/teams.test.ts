import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roomOf } from "../../server/src/realtime/events.ts";
import { BOARD_COALESCE_MS, boardFormRoom, sessionRoom } from "../../server/src/realtime/live.ts";
import { call, startTestServer, type TestServer } from "../support/harness.ts";
import { connected, eventually, type LiveClient, nothingWithin, type Recorder, userBoards } from "../support/live.ts";
import { makeTeamClub, type TeamClub } from "../support/teams.ts";

// A team lead's socket (docs/access.md): the club's rooms and their own, never the
// managers' room: the club board as a rep gets it, no managers' part, no alarms.
let t: TestServer;
let c: TeamClub;
let lead: { socket: LiveClient; rec: Recorder };
let manager: { socket: LiveClient; rec: Recorder };

beforeAll(async () => {
  t = await startTestServer();
  t.server.deps.boards = userBoards(t.server.deps.database);
  c = await makeTeamClub(t, "live-teams");
  lead = await connected(t.url, c.leadA.token);
  manager = await connected(t.url, c.manager.token);
  await lead.rec.next("board:snapshot");
  await manager.rec.next("board:snapshot");
  await new Promise((r) => setTimeout(r, 3 * BOARD_COALESCE_MS));
  lead.rec.clear();
  manager.rec.clear();
});
afterAll(async () => {
  lead?.socket.disconnect();
  manager?.socket.disconnect();
  await t?.close();
});

describe("a team lead's live channel", () => {
  it("joins the club's room, their own, their session's and the board form's, and no managers' or rep's room", async () => {
    const socket = await eventually(() => {
      const s = [...t.server.live.io.of("/").sockets.values()].find((x) => x.data.userId === c.leadA.id);
      if (!s) throw new Error("no socket yet");
      return s;
    });
    const rooms = [...socket.rooms].filter((r) => r !== socket.id).sort();
    expect(rooms).toEqual(
      [
        roomOf(c.tenantId, { to: "club" }),
        roomOf(c.tenantId, { to: "user", userId: c.leadA.id }),
        sessionRoom(c.tenantId, socket.data.sessionId),
        // the board's form (full snapshots, or deltas for a client that asked): every socket has one
        boardFormRoom(c.tenantId, socket.data.deltas === true),
      ].sort(),
    );
  });

  it("gets the club board without the managers' part", async () => {
    t.server.deps.live.boardChanged(c.tenantId);
    const [mine, theirs] = await Promise.all([lead.rec.next("board:snapshot"), manager.rec.next("board:snapshot")]);
    expect(JSON.stringify(theirs)).toContain("managersOnly");
    expect(JSON.stringify(mine)).not.toContain("managersOnly");
    expect(JSON.stringify(mine)).toContain("leada");
  });

  it("hears no alarm and no rep's event of any team, as the services publish them", async () => {
    lead.rec.clear();
    manager.rec.clear();
    // an alarm acknowledged by the manager is announced to managers only
    const alarm = (await call(t.url, "GET", `/alarms?repId=${c.rep3.id}`, { token: c.manager.token })).body.items[0];
    expect((await call(t.url, "POST", `/alarms/${alarm.id}/acknowledge`, { token: c.manager.token })).status).toBe(200);
    await manager.rec.next("quota:alarm", (p) => p.id === alarm.id);
    // the lead's own team's rep logs a contact: to that rep and the managers
    const res = await call(t.url, "POST", "/contacts", {
      token: c.rep1.token,
      headers: { "idempotency-key": crypto.randomUUID() },
      body: { customerId: c.customerOf.rep1.id, channel: "phone" },
    });
    expect(res.status).toBe(201);
    await manager.rec.next("contact:logged", (p) => p.id === res.body.id);
    const heard = await nothingWithin(lead.rec, 400, "quota:alarm");
    expect(heard).toEqual([]);
    expect(lead.rec.of("contact:logged")).toEqual([]);
    expect(JSON.stringify(lead.rec.events)).not.toContain("managersOnly");
  });
});
