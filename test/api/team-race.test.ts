import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRevenue, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";
import { makeTeamClub, members, type TeamClub, teamOf } from "../support/teams.ts";

// The team race (SPEC §8, docs/realtime.md): GET /leaderboard/teams sums each team's
// reps' rows of the same board; GET /leaderboard's rows carry the rep's team.
let t: TestServer;
let c: TeamClub;
let otherTeam: Json;

beforeAll(async () => {
  t = await startTestServer();
  c = await makeTeamClub(t, "race");
  // rep1 sells more this month and rep3 in February (the quarter, not the month)
  await addRevenue(t.url, c.rep1.token, { customerId: c.customerOf.rep1.id, amount: 1234.56, occurredAt: "2026-03-10T10:00:00+08:00" });
  await addRevenue(t.url, c.rep3.token, { customerId: c.customerOf.rep3.id, amount: 5000.01, occurredAt: "2026-02-10T10:00:00+08:00" });
  // another club with a team of its own and big revenue
  const o = await makeClub(t.url, "race-other");
  otherTeam = await teamOf(t.url, o.manager.token, { name: "Other club's team" });
  await members(t.url, o.manager.token, otherTeam.id, { add: [o.rep1.id] });
  const cust = await newCustomer(t.url, o.rep1.token, { name: "other club customer", status: "active" });
  await addRevenue(t.url, o.rep1.token, { customerId: cust.id, amount: 99_999, occurredAt: "2026-03-12T10:00:00+08:00" });
});
afterAll(() => t?.close());

const get = async (token: string, path: string) => {
  const res = await call(t.url, "GET", path, { token });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Json;
};
const fen = (v: number) => Math.round(v * 100);

/** The race as its members' rows sum it: the check every race answer must pass. */
function expectSumsOfMembers(race: Json, board: Json) {
  for (const team of race.rows) {
    const mine = board.rows.filter((r: Json) => r.teamId === team.teamId);
    expect(team.reps).toBe(mine.length);
    expect(fen(team.revenue)).toBe(mine.reduce((s: number, r: Json) => s + fen(r.revenue), 0));
    const targets = mine.filter((r: Json) => r.target !== null);
    expect(team.target === null ? null : fen(team.target)).toBe(
      targets.length ? targets.reduce((s: number, r: Json) => s + fen(r.target), 0) : null,
    );
  }
}

describe("the team race", () => {
  it("carries each rep's team on the leaderboard's rows (null: none)", async () => {
    const board = await get(c.manager.token, "/leaderboard?period=month");
    const teamOfRep = Object.fromEntries(board.rows.map((r: Json) => [r.repId, r.teamId]));
    expect(teamOfRep).toEqual({ [c.rep1.id]: c.teamA.id, [c.rep2.id]: c.teamA.id, [c.rep3.id]: c.teamB.id, [c.rep4.id]: null });
    // paged too
    const page = await get(c.manager.token, "/leaderboard?period=month&limit=1");
    expect(page.rows[0]).toHaveProperty("teamId");
  });

  it("ranks the club's teams by revenue, each the exact sum of its reps' rows, for month, quarter and year", async () => {
    const month = await get(c.manager.token, "/leaderboard/teams?period=month");
    expect(month).toMatchObject({ period: "month", at: "2026-03", from: "2026-03", to: "2026-03" });
    expect(month.rows).toEqual([
      { rank: 1, teamId: c.teamA.id, name: "Team A race", revenue: 3234.56, target: 100000, attainment: 3234.56 / 100000, reps: 2 },
      { rank: 2, teamId: c.teamB.id, name: "Team B race", revenue: 1000, target: 50000, attainment: 1000 / 50000, reps: 1 },
    ]);
    expectSumsOfMembers(month, await get(c.manager.token, "/leaderboard?period=month"));
    // the period's elapsed part, as the reps' board answers it
    expect(month.elapsed).toBe((await get(c.manager.token, "/leaderboard?period=month")).elapsed);
    expect(month.elapsed).toBeGreaterThan(0);
    expect(month.elapsed).toBeLessThan(1);
    const quarter = await get(c.manager.token, "/leaderboard/teams?period=quarter");
    expect(quarter.rows.map((r: Json) => [r.rank, r.teamId, r.revenue])).toEqual([
      [1, c.teamB.id, 6000.01],
      [2, c.teamA.id, 3234.56],
    ]);
    expectSumsOfMembers(quarter, await get(c.manager.token, "/leaderboard?period=quarter"));
    const feb = await get(c.manager.token, "/leaderboard/teams?period=month&at=2026-02");
    expect(feb.rows.map((r: Json) => [r.teamId, r.revenue, r.target])).toEqual([
      [c.teamB.id, 5000.01, null],
      [c.teamA.id, 0, null],
    ]);
    expectSumsOfMembers(
      await get(c.manager.token, "/leaderboard/teams?period=year"),
      await get(c.manager.token, "/leaderboard?period=year"),
    );
  });

  it("never shows another club's teams, to anyone", async () => {
    for (const token of [c.manager.token, c.leadA.token, c.rep4.token]) {
      const race = await get(token, "/leaderboard/teams?period=year");
      expect(race.rows.map((r: Json) => r.teamId).sort()).toEqual([c.teamA.id, c.teamB.id].sort());
      expect(JSON.stringify(race)).not.toContain(otherTeam.id);
      expect(JSON.stringify(race)).not.toContain("Other club");
    }
  });

  it("is the club's for everyone: a lead sees every team and the whole club board, a rep too", async () => {
    const byManager = await get(c.manager.token, "/leaderboard/teams?period=month");
    expect(await get(c.leadB.token, "/leaderboard/teams?period=month")).toEqual(byManager);
    expect(await get(c.rep4.token, "/leaderboard/teams?period=month")).toEqual(byManager);
    expect((await get(c.leadB.token, "/leaderboard?period=month")).rows.length).toBe(4);
  });

  it("follows a member move, a rename and a new team at once (the cached board moves on)", async () => {
    await get(c.manager.token, "/leaderboard/teams?period=month"); // cached
    await members(t.url, c.manager.token, c.teamB.id, { add: [c.rep1.id] });
    const rename = await call(t.url, "PATCH", `/teams/${c.teamA.id}`, { token: c.manager.token, body: { name: "Team A renamed" } });
    expect(rename.status).toBe(200);
    const empty = await teamOf(t.url, c.manager.token, { name: "Team C race" });
    const race = await get(c.leadA.token, "/leaderboard/teams?period=month");
    expect(race.rows.map((r: Json) => [r.rank, r.teamId, r.name, r.revenue, r.reps])).toEqual([
      [1, c.teamB.id, "Team B race", 3234.56, 2],
      [2, c.teamA.id, "Team A renamed", 1000, 1],
      [3, empty.id, "Team C race", 0, 0],
    ]);
    const board = await get(c.leadA.token, "/leaderboard?period=month");
    expect(board.rows.find((r: Json) => r.repId === c.rep1.id).teamId).toBe(c.teamB.id);
    expectSumsOfMembers(race, board);
  });

  it("refuses a bad period or month with 400 and the field", async () => {
    const bad = await call(t.url, "GET", "/leaderboard/teams?period=week&at=2026-13", { token: c.rep1.token });
    expectErrorShape(bad, 400, "validation_failed");
    expect(Object.keys(bad.body.error.fieldCodes).sort()).toEqual(["at", "period"]);
    expect((await call(t.url, "GET", "/leaderboard/teams")).status).toBe(401);
  });
});

describe("one target for a team's reps", () => {
  const put = (token: string, teamId: string, month: string, body: unknown) =>
    call(t.url, "PUT", `/targets/team/${teamId}/${month}`, { token, body });

  it("sets every active rep's target of the team at once, and the race's target is their sum", async () => {
    const res = await put(c.manager.token, c.teamB.id, "2026-04", { amount: 12345.67 });
    expect(res.status).toBe(200);
    // team B now: rep3 and rep1 (moved in above)
    expect(res.body).toMatchObject({ teamId: c.teamB.id, month: "2026-04", amount: 12345.67, reps: 2 });
    expect(res.body.items.map((i: Json) => i.repId).sort()).toEqual([c.rep1.id, c.rep3.id].sort());
    const april = await get(c.manager.token, "/targets?month=2026-04");
    expect(Object.fromEntries(april.items.map((i: Json) => [i.repId, i.amount]))).toEqual({ [c.rep1.id]: 12345.67, [c.rep3.id]: 12345.67 });
    const race = await get(c.manager.token, "/leaderboard/teams?period=month&at=2026-04");
    expect(race.rows.find((r: Json) => r.teamId === c.teamB.id).target).toBe(24691.34);
  });

  it("a lead sets their own team's only: another team answers 404 and changes nothing", async () => {
    expect((await put(c.leadA.token, c.teamA.id, "2026-05", { amount: 800 })).status).toBe(200);
    const refused = await put(c.leadA.token, c.teamB.id, "2026-05", { amount: 800 });
    expectErrorShape(refused, 404);
    expect((await put(c.rep1.token, c.teamA.id, "2026-05", { amount: 800 })).status).toBe(403);
    const may = await get(c.manager.token, "/targets?month=2026-05");
    expect(may.items.map((i: Json) => i.repId)).toEqual([c.rep2.id]);
    // another club's team is no team here
    expectErrorShape(await put(c.manager.token, otherTeam.id, "2026-05", { amount: 800 }), 404);
  });

  it("refuses bad input with 400 and the fields, an empty team and a closed month with 422", async () => {
    const bad = await put(c.manager.token, "not-a-team", "2026-13", { amount: 1 });
    expectErrorShape(bad, 400, "validation_failed");
    expect(Object.keys(bad.body.error.fieldCodes).sort()).toEqual(["month", "teamId"]);
    const amount = await put(c.manager.token, c.teamA.id, "2026-04", { amount: 0.001 });
    expectErrorShape(amount, 400, "validation_failed");
    expect(amount.body.error.fieldCodes.amount.code).toBe("too_many_decimals");
    expect((await put(c.manager.token, c.teamA.id, "2026-04", { amount: -5 })).body.error.fieldCodes.amount.code).toBe("must_be_positive");
    const empty = await teamOf(t.url, c.manager.token, { name: "Empty team race" });
    const none = await put(c.manager.token, empty.id, "2026-04", { amount: 100 });
    expectErrorShape(none, 422, "rule_violation");
    expect(none.body.error.fieldCodes.teamId.code).toBe("team_has_no_reps");
    // a month with a target (rep4's, in no team) is closed: its targets are final
    expect((await call(t.url, "PUT", `/targets/${c.rep4.id}/2026-02`, { token: c.manager.token, body: { amount: 100 } })).status).toBe(200);
    expect((await call(t.url, "POST", "/months/2026-02/close", { token: c.manager.token })).status).toBe(200);
    const closed = await put(c.manager.token, c.teamA.id, "2026-02", { amount: 100 });
    expectErrorShape(closed, 422, "rule_violation");
    expect(closed.body.error.fieldCodes.month.code).toBe("closed_month");
    expect((await get(c.manager.token, "/targets?month=2026-02")).items.map((i: Json) => i.repId)).toEqual([c.rep4.id]);
  });
});
