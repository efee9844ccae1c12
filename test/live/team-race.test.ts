import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyDelta, type BoardDelta } from "../../server/src/realtime/board-delta.ts";
import { addRevenue, type Club, makeClub } from "../support/club.ts";
import { call, startTestServer, type TestServer } from "../support/harness.ts";
import { connect, type LiveClient, Recorder, SETTLE_MS, sleep } from "../support/live.ts";
import { makeTeamClub, members, type TeamClub, teamOf } from "../support/teams.ts";

// The team race on the live boards (docs/realtime.md): `teams.{month,quarter,year}`
// are keyed, ranked lists, so a member move or a member's sale sends the changed
// teams' rows only, and the board built from deltas equals a fresh snapshot.
type Boards = Record<string, unknown>;
type TeamRow = { teamId: string; name: string; revenue: number; reps: number; rank: number };

let t: TestServer;
let c: TeamClub;
let other: Club;
let socket: LiveClient;
let rec: Recorder;
let strangerRec: Recorder;
let stranger: LiveClient;
const board = { version: 0, boards: {} as Boards };

function deltaClient(token: string) {
  return io(t.url, { autoConnect: false, forceNew: true, transports: ["websocket"], auth: { token, deltas: true }, reconnection: false });
}

beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00", "postgres");
  c = await makeTeamClub(t, "live-race");
  other = await makeClub(t.url, "live-race-other");
  await teamOf(t.url, other.manager.token, { name: "Stranger team" });
  socket = deltaClient(c.leadA.token);
  rec = new Recorder(socket);
  socket.on("board:snapshot", (e) => {
    if (e.version < board.version) return;
    board.version = e.version;
    board.boards = e.boards;
  });
  socket.on("board:delta", (d: BoardDelta) => {
    if (d.from !== board.version) throw new Error(`delta from ${d.from}, held ${board.version}`);
    board.boards = applyDelta(board.boards, d);
    board.version = d.version;
  });
  await connect(socket);
  stranger = deltaClient(other.manager.token);
  strangerRec = new Recorder(stranger);
  await connect(stranger);
  await rec.next("board:snapshot");
  await sleep(SETTLE_MS);
});
afterAll(async () => {
  socket?.disconnect();
  stranger?.disconnect();
  await t?.close();
});

const race = () => (board.boards.teams as { month: TeamRow[] }).month;

/** After `write`: the next delta, and the board built from it equals a fresh board:sync. */
async function deltaOf(write: () => Promise<void>): Promise<BoardDelta> {
  rec.clear();
  const before = board.version;
  await write();
  const d = await rec.next("board:delta", (x) => (x as BoardDelta).version > before, 10_000);
  await sleep(SETTLE_MS);
  const fresh = await new Promise<{ ok: boolean; version: number; boards: Boards }>((done) => socket.emit("board:sync", done as never));
  expect(fresh.ok).toBe(true);
  expect(board.version).toBe(fresh.version);
  expect(board.boards).toEqual(fresh.boards);
  return d as BoardDelta;
}

describe("the team race on the live boards", () => {
  it("is in the club part a lead gets, every team of the club and no other club's", () => {
    expect(race().map((r) => [r.rank, r.name, r.revenue, r.reps])).toEqual([
      [1, "Team A live-race", 2000, 2],
      [2, "Team B live-race", 1000, 1],
    ]);
    expect(JSON.stringify(board.boards)).not.toContain("Stranger team");
  });

  it("a member move sends the moved rep's row and the two teams' rows, nothing else of the race", async () => {
    const d = await deltaOf(async () => {
      await members(t.url, c.manager.token, c.teamB.id, { add: [c.rep1.id] });
    });
    for (const p of ["month", "quarter", "year"]) {
      expect(d.lists?.[`teams.${p}`]?.upsert?.map((r) => r.teamId).sort()).toEqual([c.teamA.id, c.teamB.id].sort());
      expect(d.lists?.[`leaderboard.${p}`]?.upsert?.map((r) => [r.repId, r.teamId])).toEqual([[c.rep1.id, c.teamB.id]]);
    }
    expect(race().map((r) => [r.rank, r.teamId, r.revenue, r.reps])).toEqual([
      [1, c.teamB.id, 2000, 2],
      [2, c.teamA.id, 1000, 1],
    ]);
  });

  it("a member's sale sends their team's row only; a sale of a rep in no team sends no team row", async () => {
    const d = await deltaOf(async () => {
      await addRevenue(t.url, c.rep2.token, { customerId: c.customerOf.rep2.id, amount: 2500.5, occurredAt: "2026-03-15T09:00:00+08:00" });
    });
    expect(d.lists?.["teams.month"]?.upsert).toEqual([
      { teamId: c.teamA.id, name: "Team A live-race", revenue: 3500.5, target: 50000, attainment: 3500.5 / 50000, reps: 1 },
    ]);
    expect(race()[0]).toMatchObject({ teamId: c.teamA.id, rank: 1 });
    const none = await deltaOf(async () => {
      await addRevenue(t.url, c.rep4.token, { customerId: c.customerOf.rep4.id, amount: 100, occurredAt: "2026-03-15T09:30:00+08:00" });
    });
    expect(none.lists?.["leaderboard.month"]?.upsert?.map((r) => r.repId)).toEqual([c.rep4.id]);
    expect(Object.keys(none.lists ?? {}).filter((k) => k.startsWith("teams."))).toEqual([]);
  });

  it("a rename sends that team's row; the other club hears nothing of it", async () => {
    strangerRec.clear();
    const d = await deltaOf(async () => {
      expect((await call(t.url, "PATCH", `/teams/${c.teamB.id}`, { token: c.manager.token, body: { name: "蓝队" } })).status).toBe(200);
    });
    expect(d.lists?.["teams.year"]?.upsert?.map((r) => [r.teamId, r.name])).toEqual([[c.teamB.id, "蓝队"]]);
    expect(JSON.stringify(strangerRec.events)).not.toContain("蓝队");
  });
});
