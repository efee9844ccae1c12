import { rowsOf, sql, withTenant } from "@clubhouse/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeClub } from "../support/club.ts";
import { call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";
import { addPerson, makeTeamClub, members, type TeamClub, teamOf } from "../support/teams.ts";

// Teams and team leads (docs/access.md): managers run teams; a lead sees and manages
// their team as a manager does, and nothing outside it.
let t: TestServer;
let c: TeamClub;

beforeAll(async () => {
  t = await startTestServer();
  c = await makeTeamClub(t, "teams");
});
afterAll(() => t?.close());

const get = async (token: string, path: string) => {
  const res = await call(t.url, "GET", path, { token });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Json;
};
const ids = (xs: Json[], key: string) => [...new Set(xs.map((x) => x[key] as string))].sort();
const sorted = (...xs: string[]) => [...xs].sort();

describe("teams, as a manager runs them", () => {
  it("lists teams with their lead and member count, counted by the server", async () => {
    const list = await get(c.manager.token, "/teams");
    const a = list.items.find((x: Json) => x.id === c.teamA.id);
    const b = list.items.find((x: Json) => x.id === c.teamB.id);
    expect(a).toMatchObject({ name: "Team A teams", lead: { id: c.leadA.id, name: "leada" }, memberCount: 2 });
    expect(b).toMatchObject({ lead: { id: c.leadB.id }, memberCount: 1 });
    expect((await get(c.admin.token, "/teams")).items.length).toBe(2);
    const m = await get(c.manager.token, `/teams/${c.teamA.id}/members`);
    expect(ids(m.items, "id")).toEqual(sorted(c.rep1.id, c.rep2.id));
  });

  it("refuses bad bodies with 400 and field codes", async () => {
    const cases: [string, string, unknown, string, string][] = [
      ["POST", "/teams", { name: "" }, "name", "too_short"],
      ["POST", "/teams", {}, "name", "required"],
      ["POST", "/teams", { name: "x".repeat(61) }, "name", "too_long"],
      ["POST", "/teams", { name: "X", leadId: "nope" }, "leadId", "invalid_format"],
      ["POST", "/teams", { name: "X", extra: 1 }, "body", "unknown_field"],
      ["PATCH", `/teams/${c.teamA.id}`, {}, "body", "nothing_to_change"],
      ["PUT", `/teams/${c.teamA.id}/members`, {}, "body", "nothing_to_change"],
      ["PUT", `/teams/${c.teamA.id}/members`, { add: ["x"] }, "add.0", "invalid_format"],
    ];
    for (const [method, path, body, field, code] of cases) {
      const res = await call(t.url, method, path, { token: c.manager.token, body });
      expectErrorShape(res, 400, "validation_failed");
      expect(res.body.error.fieldCodes[field]?.code, `${method} ${path} ${JSON.stringify(body)}`).toBe(code);
    }
    expectErrorShape(await call(t.url, "PATCH", "/teams/not-an-id", { token: c.manager.token, body: { name: "Y" } }), 400);
  });

  it("refuses the rules with 422 and a code, and a taken name with 409", async () => {
    const rule = async (method: string, path: string, body: unknown, field: string, code: string) => {
      const res = await call(t.url, method, path, { token: c.manager.token, body });
      expectErrorShape(res, 422, "rule_violation");
      expect(res.body.error.fieldCodes[field]?.code).toBe(code);
    };
    await rule("POST", "/teams", { name: "Reps lead", leadId: c.rep4.id }, "leadId", "not_a_lead");
    await rule("POST", "/teams", { name: "Managers lead", leadId: c.manager.id }, "leadId", "not_a_lead");
    await rule("POST", "/teams", { name: "Two teams", leadId: c.leadA.id }, "leadId", "leads_another_team");
    await rule("PATCH", `/teams/${c.teamB.id}`, { leadId: c.leadA.id }, "leadId", "leads_another_team");
    await rule("POST", "/teams", { name: "Nobody", leadId: crypto.randomUUID() }, "leadId", "not_in_club");
    await rule("PUT", `/teams/${c.teamA.id}/members`, { add: [c.leadB.id] }, "add.0", "not_a_rep");
    await rule("PUT", `/teams/${c.teamA.id}/members`, { add: [c.manager.id] }, "add.0", "not_a_rep");
    await rule("PUT", `/teams/${c.teamA.id}/members`, { remove: [c.rep3.id] }, "remove.0", "not_in_team");
    await rule("DELETE", `/teams/${c.teamA.id}`, undefined, "id", "team_not_empty");
    // none of the refused changes left anything behind
    expect((await get(c.manager.token, "/teams")).items.length).toBe(2);
    const taken = await call(t.url, "POST", "/teams", { token: c.manager.token, body: { name: "team a TEAMS" } });
    expectErrorShape(taken, 409, "conflict");
    expect(taken.body.error.fieldCodes.name.code).toBe("taken");
    expect((await call(t.url, "PATCH", `/teams/${crypto.randomUUID()}`, { token: c.manager.token, body: { name: "Z" } })).status).toBe(404);
  });

  it("creates, renames, names and unnames a lead, and deletes an empty team; every move is recorded", async () => {
    const lead = await addPerson(t.url, c.manager.token, "teams", "lead", "leadc");
    const team = await teamOf(t.url, c.manager.token, { name: "Team C" });
    expect(team).toMatchObject({ name: "Team C", lead: null, memberCount: 0 });
    const renamed = await call(t.url, "PATCH", `/teams/${team.id}`, { token: c.manager.token, body: { name: "Team C2", leadId: lead.id } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: "Team C2", lead: { id: lead.id } });
    expect((await get(lead.token, "/teams/mine")).team).toMatchObject({ id: team.id, name: "Team C2", memberCount: 0, members: [] });
    await members(t.url, c.manager.token, team.id, { add: [c.rep4.id] });
    expect((await get(lead.token, "/teams/mine")).team.members.map((m: Json) => m.id)).toEqual([c.rep4.id]);
    await members(t.url, c.manager.token, team.id, { remove: [c.rep4.id] });
    const unnamed = await call(t.url, "PATCH", `/teams/${team.id}`, { token: c.manager.token, body: { leadId: null } });
    expect(unnamed.body.lead).toBeNull();
    expect((await get(lead.token, "/teams/mine")).team).toBeNull();
    expect((await call(t.url, "DELETE", `/teams/${team.id}`, { token: c.manager.token })).status).toBe(204);
    expect((await get(c.manager.token, "/teams")).items.map((x: Json) => x.id)).not.toContain(team.id);
    const moves = await withTenant(t.server.deps.database, c.tenantId, async (tx) =>
      rowsOf<Json>(
        await tx.execute(
          sql`select user_id, from_team_id, to_team_id, actor_id from team_moves where user_id in (${c.rep4.id}, ${lead.id}) order by at, id`,
        ),
      ),
    );
    // (the test's clock stands still: the moves share one instant, so compare them as a set)
    const rows = (xs: unknown[][]) => xs.map((x) => JSON.stringify(x)).sort();
    expect(rows(moves.map((m) => [m.user_id, m.from_team_id, m.to_team_id, m.actor_id]))).toEqual(
      rows([
        [lead.id, null, team.id, c.manager.id],
        [c.rep4.id, null, team.id, c.manager.id],
        [c.rep4.id, team.id, null, c.manager.id],
        [lead.id, team.id, null, c.manager.id],
      ]),
    );
  });

  it("users show their team; a manager may add a lead and make a rep a lead", async () => {
    const users = (await get(c.manager.token, "/users?limit=200")).items as Json[];
    expect(users.find((u) => u.id === c.rep1.id)?.teamId).toBe(c.teamA.id);
    expect(users.find((u) => u.id === c.rep4.id)?.teamId).toBeNull();
    expect(users.find((u) => u.id === c.leadA.id)).toMatchObject({ role: "lead", teamId: c.teamA.id });
  });
});

describe("a lead sees exactly their team", () => {
  const team = () => sorted(c.rep1.id, c.rep2.id);

  it("users: their team's reps and themselves", async () => {
    const users = (await get(c.leadA.token, "/users?limit=200")).items as Json[];
    expect(ids(users, "id")).toEqual(sorted(c.leadA.id, c.rep1.id, c.rep2.id));
    expect((await call(t.url, "GET", `/users/${c.rep3.id}`, { token: c.leadA.token })).status).toBe(404);
    expect((await call(t.url, "GET", `/users/${c.manager.id}`, { token: c.leadA.token })).status).toBe(404);
    expect((await get(c.leadA.token, `/users/${c.rep1.id}`)).id).toBe(c.rep1.id);
    expect((await get(c.leadA.token, "/teams/mine")).team).toMatchObject({ id: c.teamA.id, memberCount: 2 });
  });

  it("customers, their detail, history and export", async () => {
    const list = await get(c.leadA.token, "/customers?limit=200");
    expect(ids(list.items, "ownerId")).toEqual(team());
    expect(list.total).toBe(2);
    for (const name of ["rep3", "rep4"]) {
      const other = c.customerOf[name].id;
      expect((await call(t.url, "GET", `/customers/${other}`, { token: c.leadA.token })).status).toBe(404);
      expect((await call(t.url, "GET", `/customers/${other}/history`, { token: c.leadA.token })).status).toBe(404);
    }
    expect((await get(c.leadA.token, `/customers/${c.customerOf.rep1.id}`)).id).toBe(c.customerOf.rep1.id);
    expect((await get(c.leadA.token, `/customers/${c.customerOf.rep2.id}/history`)).items.length).toBeGreaterThan(0);
    const csv = await call(t.url, "GET", "/customers/export.csv", { token: c.leadA.token });
    expect(csv.status).toBe(200);
    const text = String(csv.body);
    expect(text).toContain("rep1 客户 teams");
    expect(text).toContain("rep2 客户 teams");
    expect(text).not.toContain("rep3 客户 teams");
    expect(text).not.toContain("rep4 客户 teams");
    // asking for another team's rep's customers finds none
    expect((await get(c.leadA.token, `/customers?ownerId=${c.rep3.id}`)).total).toBe(0);
  });

  it("contacts, revenue, complaints, plans, cadence and refresh", async () => {
    expect(ids((await get(c.leadA.token, "/contacts?limit=200")).items, "repId")).toEqual(team());
    expect((await call(t.url, "GET", `/contacts?repId=${c.rep3.id}`, { token: c.leadA.token })).status).toBe(404);
    expect(ids((await get(c.leadA.token, `/contacts?repId=${c.rep1.id}`)).items, "repId")).toEqual([c.rep1.id]);
    const b = (await get(c.leadB.token, "/contacts?limit=200")).items[0];
    expect((await call(t.url, "GET", `/contacts/${b.id}`, { token: c.leadA.token })).status).toBe(404);
    expect(ids((await get(c.leadA.token, "/revenue?limit=200")).items, "repId")).toEqual(team());
    expect(ids((await get(c.leadA.token, "/complaints?limit=200")).items, "ownerId")).toEqual(team());
    expect(ids((await get(c.leadA.token, "/plans?limit=200&from=2026-03-01&to=2026-03-31")).items, "repId")).toEqual(team());
    expect(ids((await get(c.leadA.token, "/plans/adherence?limit=200&week=2026-W12")).items, "repId")).toEqual(team());
    const leadProgress = await get(c.leadA.token, "/refresh/progress?limit=200");
    expect(ids(leadProgress.items, "repId")).toEqual(team());
    // the lead's rows and totals are the manager's rows of the team's reps, customer for customer
    const clubRows = (await get(c.manager.token, "/refresh/progress?limit=200")).items as Json[];
    const teamRows = clubRows.filter((r) => team().includes(r.repId as string));
    expect(teamRows.reduce((n, r) => n + (r.total as number), 0)).toBeGreaterThan(0);
    expect(leadProgress.items).toEqual(teamRows);
    expect(leadProgress.totals).toEqual({
      total: teamRows.reduce((n, r) => n + (r.total as number), 0),
      refreshed: teamRows.reduce((n, r) => n + (r.refreshed as number), 0),
      stale: teamRows.reduce((n, r) => n + (r.stale as number), 0),
    });
    expect((await call(t.url, "GET", `/reps/${c.rep3.id}/ratio`, { token: c.leadA.token })).status).toBe(404);
    expect((await call(t.url, "GET", `/reps/${c.rep1.id}/ratio`, { token: c.leadA.token })).status).toBe(200);
    expect((await call(t.url, "GET", `/reps/${c.rep3.id}/overdue`, { token: c.leadA.token })).status).toBe(404);
  });

  it("quota, targets, standing and alarms", async () => {
    expect(ids((await get(c.leadA.token, "/quota")).reps, "repId")).toEqual(team());
    expect(ids((await get(c.leadA.token, "/quota/year")).reps, "repId")).toEqual(team());
    expect(ids((await get(c.leadA.token, "/targets?limit=200")).items, "repId")).toEqual(team());
    expect((await call(t.url, "PUT", `/targets/${c.rep1.id}/2026-04`, { token: c.leadA.token, body: { amount: 1234 } })).status).toBe(200);
    const out = await call(t.url, "PUT", `/targets/${c.rep3.id}/2026-04`, { token: c.leadA.token, body: { amount: 1234 } });
    expectErrorShape(out, 404, "not_found");
    expect((await get(c.manager.token, "/targets?month=2026-04")).items.map((x: Json) => x.repId)).toEqual([c.rep1.id]);
    expect((await call(t.url, "GET", `/reps/${c.rep1.id}/standing`, { token: c.leadA.token })).status).toBe(200);
    expect((await call(t.url, "GET", `/reps/${c.rep3.id}/standing`, { token: c.leadA.token })).status).toBe(404);
    const mine = (await get(c.leadA.token, "/alarms?limit=200")).items as Json[];
    expect(ids(mine, "repId")).toEqual(team());
    const theirs = (await get(c.leadB.token, "/alarms?limit=200")).items as Json[];
    expect(ids(theirs, "repId")).toEqual([c.rep3.id]);
    expect((await call(t.url, "POST", `/alarms/${theirs[0].id}/acknowledge`, { token: c.leadA.token })).status).toBe(404);
    const ack = await call(t.url, "POST", `/alarms/${mine[0].id}/acknowledge`, { token: c.leadA.token });
    expect(ack.status).toBe(200);
    expect(ack.body.acknowledgedBy).toBe(c.leadA.id);
  });

  it("diaries: their team's reps, and comments on them only", async () => {
    expect(ids((await get(c.leadA.token, "/diary?date=2026-03-14&limit=200")).items, "repId")).toEqual(team());
    const body = { comment: "好" };
    expect((await call(t.url, "POST", `/diary/2026-03-14/comment?repId=${c.rep1.id}`, { token: c.leadA.token, body })).status).toBe(200);
    expect((await call(t.url, "POST", `/diary/2026-03-14/comment?repId=${c.rep3.id}`, { token: c.leadA.token, body })).status).toBe(404);
    expect((await call(t.url, "GET", `/diary/2026-03-14?repId=${c.rep3.id}`, { token: c.leadA.token })).status).toBe(404);
  });

  it("reassigns between their team's reps only", async () => {
    const extra = await call(t.url, "POST", "/customers", { token: c.rep1.token, body: { name: "Moving 客户", kind: "group" } });
    expect(extra.status).toBe(201);
    const to3 = await call(t.url, "POST", "/customers/reassign", {
      token: c.leadA.token,
      body: { customerIds: [extra.body.id], toRepId: c.rep3.id, reason: "x" },
    });
    expectErrorShape(to3, 422);
    expect(to3.body.error.fieldCodes.toRepId.code).toBe("not_active_user");
    const other = await call(t.url, "POST", "/customers/reassign", {
      token: c.leadA.token,
      body: { customerIds: [c.customerOf.rep3.id], toRepId: c.rep2.id, reason: "x" },
    });
    expect(other.status).toBe(404);
    const from3 = await call(t.url, "POST", "/customers/reassign", {
      token: c.leadA.token,
      body: { fromRepId: c.rep3.id, toRepId: c.rep2.id, reason: "x" },
    });
    expect(from3.status).toBe(404);
    expect((await get(c.manager.token, `/customers/${c.customerOf.rep3.id}`)).ownerId).toBe(c.rep3.id);
    const ok = await call(t.url, "POST", "/customers/reassign", {
      token: c.leadA.token,
      body: { customerIds: [extra.body.id], toRepId: c.rep2.id, reason: "平衡" },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.moved).toBe(1);
    expect((await get(c.leadA.token, `/customers/${extra.body.id}`)).ownerId).toBe(c.rep2.id);
  });

  it("refuses every club-wide action with 403", async () => {
    const refused: [string, string, unknown][] = [
      ["POST", "/users", { email: "x@teams.test", name: "x", role: "rep", password: "x password 1" }],
      ["PATCH", `/users/${c.rep1.id}`, { name: "y" }],
      ["PATCH", "/settings", { alarmGraceDays: 3 }],
      ["GET", "/teams", undefined],
      ["POST", "/teams", { name: "Mine" }],
      ["PUT", `/teams/${c.teamA.id}/members`, { add: [c.rep4.id] }],
      ["DELETE", `/teams/${c.teamB.id}`, undefined],
      ["POST", "/months/2026-02/close", {}],
      ["POST", "/customers/import", undefined],
      ["POST", "/revenue/import", undefined],
      ["GET", "/analysis/tiers", undefined],
      // the club's business mix (a team customer's is the lead's: test/api/lead-powers.test.ts)
      ["GET", "/analysis/mix?month=2026-03", undefined],
      ["POST", "/customers", { name: "Own", kind: "group" }],
      ["POST", "/contacts", { customerId: c.customerOf.rep1.id, channel: "visit" }],
      [
        "POST",
        "/revenue",
        { customerId: c.customerOf.rep1.id, amount: 1, businessLine: "membership", occurredAt: "2026-03-14T10:00:00+08:00" },
      ],
      ["GET", "/card-sales", undefined],
      ["POST", "/live/sync", {}],
    ];
    const wrong: string[] = [];
    for (const [method, path, body] of refused) {
      const res = await call(t.url, method, path, { token: c.leadA.token, body });
      if (res.status !== 403) wrong.push(`${method} ${path} → ${res.status}`);
    }
    expect(wrong).toEqual([]);
    // and a manager does not get the lead's own-team route
    expect((await call(t.url, "GET", "/teams/mine", { token: c.manager.token })).status).toBe(403);
  });

  it("moving a rep changes both leads' views at once", async () => {
    expect(ids((await get(c.leadB.token, "/customers?limit=200")).items, "ownerId")).toEqual([c.rep3.id]);
    await members(t.url, c.manager.token, c.teamB.id, { add: [c.rep2.id] });
    const a = await get(c.leadA.token, "/customers?limit=200");
    expect(ids(a.items, "ownerId")).toEqual([c.rep1.id]);
    expect(ids((await get(c.leadB.token, "/customers?limit=200")).items, "ownerId")).toEqual(sorted(c.rep2.id, c.rep3.id));
    expect((await call(t.url, "GET", `/customers/${c.customerOf.rep2.id}`, { token: c.leadA.token })).status).toBe(404);
    expect(ids((await get(c.leadA.token, "/quota")).reps, "repId")).toEqual([c.rep1.id]);
    expect(ids((await get(c.leadB.token, "/users?limit=200")).items, "id")).toEqual(sorted(c.leadB.id, c.rep2.id, c.rep3.id));
    const teams = (await get(c.manager.token, "/teams")).items as Json[];
    expect(teams.find((x) => x.id === c.teamA.id)?.memberCount).toBe(1);
    expect(teams.find((x) => x.id === c.teamB.id)?.memberCount).toBe(2);
    // a lead demoted to rep leads nothing and sees as a rep
    const demoted = await call(t.url, "PATCH", `/users/${c.leadB.id}`, { token: c.manager.token, body: { role: "rep" } });
    expect(demoted.status).toBe(200);
    expect((await get(c.manager.token, "/teams")).items.find((x: Json) => x.id === c.teamB.id)?.lead).toBeNull();
  });
});

describe("another club", () => {
  it("never sees this club's teams, and its lead none of this club's rows", async () => {
    const other = await makeClub(t.url, "teams-other");
    const lead = await addPerson(t.url, other.manager.token, "teams-other", "lead", "leadx");
    const own = await teamOf(t.url, other.manager.token, { name: "Team A teams", leadId: lead.id }); // same name, other club: fine
    expect((await get(other.manager.token, "/teams")).items.map((x: Json) => x.id)).toEqual([own.id]);
    for (const [method, path, body] of [
      ["PATCH", `/teams/${c.teamA.id}`, { name: "Stolen" }],
      ["PUT", `/teams/${c.teamA.id}/members`, { add: [other.rep1.id] }],
      ["DELETE", `/teams/${c.teamA.id}`, undefined],
      ["GET", `/teams/${c.teamA.id}/members`, undefined],
    ] as const)
      expect((await call(t.url, method, path, { token: other.manager.token, body })).status).toBe(404);
    const bad = await call(t.url, "PUT", `/teams/${own.id}/members`, { token: other.manager.token, body: { add: [c.rep1.id] } });
    expectErrorShape(bad, 422);
    expect(bad.body.error.fieldCodes["add.0"].code).toBe("not_in_club");
    const naming = await call(t.url, "PATCH", `/teams/${own.id}`, { token: other.manager.token, body: { leadId: c.leadA.id } });
    expect(naming.body.error.fieldCodes.leadId.code).toBe("not_in_club");
    expect((await get(lead.token, "/customers")).total).toBe(0);
    expect((await get(lead.token, "/users")).items.map((u: Json) => u.id)).toEqual([lead.id]);
    expect((await get(c.manager.token, "/teams")).items.find((x: Json) => x.id === c.teamA.id)?.name).toBe("Team A teams");
  });
});
