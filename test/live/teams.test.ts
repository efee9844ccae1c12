import { type RunningServer, startServer, testConfig } from "@clubhouse/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quotaBoardSource } from "../../server/src/leaderboard/boards.ts";
import type { BoardDelta } from "../../server/src/realtime/board-delta.ts";
import { roomOf } from "../../server/src/realtime/events.ts";
import { boardFormRoom, sessionRoom } from "../../server/src/realtime/rooms.ts";
import { type BoardClient, type Boards, boardClient, openBoard } from "../support/board-client.ts";
import { addRevenue } from "../support/club.ts";
import { call, startTestServer, type TestServer } from "../support/harness.ts";
import { connected, eventually, type LiveClient, nothingWithin, type Recorder, SETTLE_MS, userBoards } from "../support/live.ts";
import { type ClaimedRedisDb, claimRedisDb } from "../support/redis-db.ts";
import { makeTeamClub, members, type TeamClub } from "../support/teams.ts";

// A team lead's socket (docs/access.md): the club's rooms, their own and their team's,
// never the managers' room: the club board and their team's part, no club-wide managers' part.
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
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  lead.rec.clear();
  manager.rec.clear();
});
afterAll(async () => {
  lead?.socket.disconnect();
  manager?.socket.disconnect();
  await t?.close();
});

describe("a team lead's live channel", () => {
  it("joins the club's room, their own, their session's, the board form's and their team's, and no managers' or rep's room", async () => {
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
        // the team they lead: its part of the boards
        roomOf(c.tenantId, { to: "team", teamId: c.teamA.id }),
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

type QuotaRow = { repId: string; level: string | null; achieved: number };
type AlarmRow = { id: string; repId: string };
type Part = {
  quota?: { month: string; reps: QuotaRow[] };
  alarmCounts?: { total: number };
  alarms?: { latest: AlarmRow[]; next: string | null };
};

const part = (b: Boards) => b as Part;
const quotaReps = (b: Boards) => (part(b).quota?.reps ?? []).map((r) => r.repId).sort();
const alarmReps = (b: Boards) => [...new Set((part(b).alarms?.latest ?? []).map((a) => a.repId))].sort();
/** What the delta says of the team part (quota and alarm lists, their leaves, alarm counts). */
const teamPaths = (d: BoardDelta) => [
  ...Object.keys(d.lists ?? {}).filter((k) => k.startsWith("quota.") || k.startsWith("alarms.")),
  ...Object.keys(d.set ?? {}).filter((k) => k.startsWith("quota") || k.startsWith("alarm")),
  ...(d.unset ?? []).filter((k) => k.startsWith("quota") || k.startsWith("alarm")),
];

/** The rows of the team part a delta carries (quota and alarm lists, their leaves), as text: what it says of which reps. */
const teamRows = (d: BoardDelta) =>
  JSON.stringify([
    Object.entries(d.lists ?? {}).filter(([k]) => k.startsWith("quota.") || k.startsWith("alarms.")),
    Object.entries(d.set ?? {}).filter(([k]) => k.startsWith("quota") || k.startsWith("alarms")),
  ]);

/** The board a client holds equals a fresh board:sync. */
async function inStep(c: BoardClient) {
  await eventually(async () => {
    const r = await c.sync();
    if (!r.ok) throw new Error("no sync");
    expect(r.version).toBe(c.version);
    expect(c.boards).toEqual(r.boards);
  });
}

describe("a team lead's part of the live boards (the club's real boards)", () => {
  let d: TeamClub;
  let leadA: BoardClient;
  let leadB: BoardClient;
  let mgr: BoardClient;
  const sorted = (...ids: string[]) => [...ids].sort();

  beforeAll(async () => {
    t.server.deps.boards = quotaBoardSource(t.server.deps);
    d = await makeTeamClub(t, "live-team-part");
    leadA = boardClient(t.url, d.leadA.token);
    leadB = boardClient(t.url, d.leadB.token);
    mgr = boardClient(t.url, d.manager.token);
    await Promise.all([openBoard(leadA), openBoard(leadB), openBoard(mgr)]);
  });
  afterAll(() => {
    for (const x of [leadA, leadB, mgr]) x?.socket.disconnect();
  });

  it("gets the team's quota rows, its reps' alarms and its alarm counts, and nothing of another team", async () => {
    expect(quotaReps(leadA.boards)).toEqual(sorted(d.rep1.id, d.rep2.id));
    expect(alarmReps(leadA.boards)).toEqual(sorted(d.rep1.id, d.rep2.id));
    expect(quotaReps(leadB.boards)).toEqual([d.rep3.id]);
    expect(alarmReps(leadB.boards)).toEqual([d.rep3.id]);
    expect(quotaReps(mgr.boards)).toEqual(sorted(d.rep1.id, d.rep2.id, d.rep3.id, d.rep4.id));
    // the counts: the lead's own unacknowledged alarms as GET /alarms lists them (scoped to the team)
    const listed = await call(t.url, "GET", "/alarms?status=unacknowledged&limit=100", { token: d.leadA.token });
    expect(listed.status).toBe(200);
    expect(part(leadA.boards).alarmCounts?.total).toBe(listed.body.items.length);
    // the live list is the lead's first page of GET /alarms, in its order
    expect((part(leadA.boards).alarms?.latest ?? []).map((a) => a.id)).toEqual(listed.body.items.map((a: { id: string }) => a.id));
    expect(listed.body.items.length).toBeGreaterThanOrEqual(2);
    expect((part(mgr.boards).alarmCounts?.total ?? 0) > (part(leadA.boards).alarmCounts?.total ?? 0)).toBe(true);
    // the club part as everyone has it, and of the managers' part only quota and alarmCounts
    for (const k of Object.keys(leadA.boards))
      expect(["leaderboard", "teams", "at", "elapsed", "today", "quota", "alarmCounts", "alarms"]).toContain(k);
    expect(part(leadA.boards).quota?.month).toBe(part(mgr.boards).quota?.month);
    await inStep(leadA);
  });

  it("a team member's revenue moves their row to the lead by a small delta; another team's lead hears nothing of it in their part", async () => {
    const [a0, b0] = [leadA.deltas.length, leadB.deltas.length];
    const achieved = (b: Boards, repId: string) => part(b).quota?.reps.find((r) => r.repId === repId)?.achieved;
    const was = achieved(leadA.boards, d.rep1.id) ?? 0;
    await addRevenue(t.url, d.rep1.token, { customerId: d.customerOf.rep1.id, amount: 30000, occurredAt: "2026-03-15T09:00:00+08:00" });
    await eventually(() => expect(achieved(leadA.boards, d.rep1.id)).toBe(was + 30000));
    const mine = leadA.deltas.slice(a0).map((x) => x.d);
    const upserted = mine.flatMap((x) => x.lists?.["quota.reps"]?.upsert ?? []) as QuotaRow[];
    expect(upserted.map((r) => r.repId)).toEqual([d.rep1.id]);
    for (const x of leadA.deltas.slice(a0)) expect(x.bytes).toBeLessThan(3_000);
    await eventually(() => expect(leadB.version).toBe(leadA.version));
    for (const x of leadB.deltas.slice(b0)) expect(teamRows(x.d)).not.toContain(d.rep1.id);
    expect(leadA.syncs + leadB.syncs).toBe(0);
    await inStep(leadA);
    await inStep(leadB);
  });

  it("a write by a rep of another team sends the lead nothing of that rep in the team part", async () => {
    const [a0, b0] = [leadA.deltas.length, leadB.deltas.length];
    const rep3Alarms = (part(mgr.boards).alarms?.latest ?? []).filter((a) => a.repId === d.rep3.id).map((a) => a.id);
    expect(rep3Alarms.length).toBeGreaterThan(0);
    await addRevenue(t.url, d.rep3.token, { customerId: d.customerOf.rep3.id, amount: 20000, occurredAt: "2026-03-15T09:30:00+08:00" });
    await eventually(() => expect(leadB.deltas.slice(b0).flatMap((x) => x.d.lists?.["quota.reps"]?.upsert ?? []).length).toBe(1));
    await eventually(() => expect(leadA.version).toBe(leadB.version));
    const mine = leadA.deltas.slice(a0);
    expect(mine.length).toBeGreaterThan(0);
    for (const x of mine) {
      for (const id of [d.rep3.id, ...rep3Alarms]) expect(teamRows(x.d)).not.toContain(id);
      expect(x.bytes).toBeLessThan(3_000);
    }
    expect(quotaReps(leadA.boards)).toEqual(sorted(d.rep1.id, d.rep2.id));
    expect(alarmReps(leadA.boards)).toEqual(sorted(d.rep1.id, d.rep2.id));
  });

  it("moving a rep into the team adds their rows and alarms to the lead's part and takes them off the other lead's", async () => {
    const [a0, b0] = [leadA.deltas.length, leadB.deltas.length];
    await members(t.url, d.manager.token, d.teamA.id, { add: [d.rep3.id] });
    await eventually(() => expect(quotaReps(leadA.boards)).toEqual(sorted(d.rep1.id, d.rep2.id, d.rep3.id)));
    expect(alarmReps(leadA.boards)).toEqual(sorted(d.rep1.id, d.rep2.id, d.rep3.id));
    await eventually(() => expect(quotaReps(leadB.boards)).toEqual([]));
    expect(alarmReps(leadB.boards)).toEqual([]);
    expect(part(leadB.boards).alarmCounts?.total).toBe(0);
    // by deltas, not snapshots: the rep's rows only
    const added = leadA.deltas.slice(a0).flatMap((x) => (x.d.lists?.["quota.reps"]?.upsert ?? []) as QuotaRow[]);
    expect(added.map((r) => r.repId)).toEqual([d.rep3.id]);
    const removed = leadB.deltas.slice(b0).flatMap((x) => x.d.lists?.["quota.reps"]?.remove ?? []);
    expect(removed).toEqual([d.rep3.id]);
    await inStep(leadA);
    await inStep(leadB);
    // and back out of it
    await members(t.url, d.manager.token, d.teamB.id, { add: [d.rep3.id] });
    await eventually(() => expect(quotaReps(leadA.boards)).toEqual(sorted(d.rep1.id, d.rep2.id)));
    await eventually(() => expect(quotaReps(leadB.boards)).toEqual([d.rep3.id]));
    await inStep(leadA);
  });

  it("a lead who stops leading their team leaves its room and gets the club board; given it again, their part comes back", async () => {
    const s0 = leadB.snapshots;
    expect((await call(t.url, "PATCH", `/teams/${d.teamB.id}`, { token: d.manager.token, body: { leadId: null } })).status).toBe(200);
    await eventually(() => expect(leadB.snapshots).toBeGreaterThan(s0));
    await eventually(() => expect(part(leadB.boards).quota).toBeUndefined());
    expect(part(leadB.boards).alarmCounts).toBeUndefined();
    const socket = [...t.server.live.io.of("/").sockets.values()].find((x) => x.data.userId === d.leadB.id);
    expect([...(socket?.rooms ?? [])]).not.toContain(roomOf(d.tenantId, { to: "team", teamId: d.teamB.id }));
    // rep3's write: lead B hears nothing of the team part now
    const b0 = leadB.deltas.length;
    await addRevenue(t.url, d.rep3.token, { customerId: d.customerOf.rep3.id, amount: 100, occurredAt: "2026-03-15T09:40:00+08:00" });
    await eventually(() => expect(leadB.deltas.length).toBeGreaterThan(b0));
    for (const x of leadB.deltas.slice(b0)) expect(teamPaths(x.d)).toEqual([]);
    // given the team again
    const s1 = leadB.snapshots;
    expect((await call(t.url, "PATCH", `/teams/${d.teamB.id}`, { token: d.manager.token, body: { leadId: d.leadB.id } })).status).toBe(200);
    await eventually(() => expect(leadB.snapshots).toBeGreaterThan(s1));
    await eventually(() => expect(quotaReps(leadB.boards)).toEqual([d.rep3.id]));
    await inStep(leadB);
  });

  it("another club's lead gets nothing of these boards", async () => {
    lead.rec.clear();
    await addRevenue(t.url, d.rep1.token, { customerId: d.customerOf.rep1.id, amount: 500, occurredAt: "2026-03-15T09:50:00+08:00" });
    await eventually(() => expect(leadA.deltas.at(-1)?.d.version).toBe(mgr.version));
    const heard = await nothingWithin(lead.rec, SETTLE_MS);
    expect(heard).toEqual([]);
    expect(JSON.stringify(lead.rec.events)).not.toContain(d.tenantId);
  });
});

describe("a team lead's part across two processes (Redis)", () => {
  let redisDb: ClaimedRedisDb;
  let one: TestServer;
  let two: RunningServer;
  let d: TeamClub;
  let leadA: BoardClient;
  let leadB: BoardClient;

  beforeAll(async () => {
    redisDb = await claimRedisDb();
    one = await startTestServer({ REDIS_URL: redisDb.url });
    two = await startServer(testConfig({ PORT: 0, HOST: "127.0.0.1", REDIS_URL: redisDb.url }), {
      clock: one.clock,
      database: one.server.deps.database,
    });
    d = await makeTeamClub(one, "live-team-redis");
    // the leads on the second process; every write goes to the first
    leadA = boardClient(two.url, d.leadA.token);
    leadB = boardClient(two.url, d.leadB.token);
    await Promise.all([openBoard(leadA), openBoard(leadB)]);
  });
  afterAll(async () => {
    for (const x of [leadA, leadB]) x?.socket.disconnect();
    await two?.close();
    await one?.close();
    await redisDb?.release();
  });

  it("a member's write on one process reaches their lead on the other, and nothing of it the other lead's part", async () => {
    expect(quotaReps(leadA.boards)).toEqual([d.rep1.id, d.rep2.id].sort());
    const achieved = (b: Boards) => part(b).quota?.reps.find((r) => r.repId === d.rep1.id)?.achieved ?? 0;
    const was = achieved(leadA.boards);
    const b0 = leadB.deltas.length;
    await addRevenue(one.url, d.rep1.token, { customerId: d.customerOf.rep1.id, amount: 7000, occurredAt: "2026-03-15T09:00:00+08:00" });
    await eventually(() => expect(achieved(leadA.boards)).toBe(was + 7000), 10_000);
    await eventually(() => expect(leadB.version).toBe(leadA.version), 10_000);
    for (const x of leadB.deltas.slice(b0)) expect(teamRows(x.d)).not.toContain(d.rep1.id);
    expect(quotaReps(leadB.boards)).toEqual([d.rep3.id]);
    expect(alarmReps(leadB.boards)).toEqual([d.rep3.id]);
    await inStep(leadA);
    await inStep(leadB);
  });

  it("member moves and a lead change made on one process move the other's sockets and parts", async () => {
    await members(one.url, d.manager.token, d.teamA.id, { add: [d.rep3.id] });
    await eventually(() => expect(quotaReps(leadA.boards)).toEqual([d.rep1.id, d.rep2.id, d.rep3.id].sort()), 10_000);
    await eventually(() => expect(quotaReps(leadB.boards)).toEqual([]), 10_000);
    expect((await call(one.url, "PATCH", `/teams/${d.teamA.id}`, { token: d.manager.token, body: { leadId: null } })).status).toBe(200);
    await eventually(() => expect(part(leadA.boards).quota).toBeUndefined(), 10_000);
    const socket = [...two.live.io.of("/").sockets.values()].find((x) => x.data.userId === d.leadA.id);
    expect(socket?.data.teamId).toBeNull();
    expect([...(socket?.rooms ?? [])]).not.toContain(roomOf(d.tenantId, { to: "team", teamId: d.teamA.id }));
    await inStep(leadA);
  });

  it("a lead's board after the change is never older than one the socket was already sent", async () => {
    expect((await call(one.url, "PATCH", `/teams/${d.teamA.id}`, { token: d.manager.token, body: { leadId: d.leadA.id } })).status).toBe(
      200,
    );
    await eventually(() => expect(part(leadA.boards).quota).toBeDefined(), 10_000);
    await inStep(leadA);
    // The second process's snapshot reads take half a second; one is in flight, of the version
    // before the change, when the change's socket update joins it. The first process sends the
    // change's own version (a club delta: the lead left the team's room) meanwhile.
    const source = two.deps.boards;
    if (!source) throw new Error("no board source");
    two.deps.boards = { snapshot: (id) => new Promise((ok) => setTimeout(ok, 500)).then(() => source.snapshot(id)) };
    try {
      const syncing = leadB.sync();
      await new Promise((ok) => setTimeout(ok, 20));
      expect((await call(one.url, "PATCH", `/teams/${d.teamA.id}`, { token: d.manager.token, body: { leadId: null } })).status).toBe(200);
      await eventually(() => expect(part(leadA.boards).quota).toBeUndefined(), 10_000);
      await syncing;
    } finally {
      two.deps.boards = source;
    }
    await inStep(leadA);
  });
});
