import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { quotaBoardSource } from "../../server/src/leaderboard/boards.ts";
import { leaderboardBoards } from "../../server/src/leaderboard/service.ts";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { addUser, call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";

let t: TestServer;
let c: Club;
let other: Club;
const ids: Record<string, string> = {};
const customers: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestServer({}, "2026-05-20T10:00:00+08:00");
  c = await makeClub(t.url, "board");
  other = await makeClub(t.url, "board-other");
  ids.rep1 = c.rep1.id;
  ids.rep2 = c.rep2.id;
  ids.carol = (await addUser(t.url, c.admin.token, "rep", "carol@board.test")).id;
  ids.dave = (await addUser(t.url, c.admin.token, "rep", "dave@board.test")).id;
  for (const k of Object.keys(ids)) {
    customers[k] = (await newCustomer(t.url, c.manager.token, { name: `${k} Co`, ownerId: ids[k], status: "active" })).id;
  }
  const rev = (k: string, amount: number, occurredAt: string) =>
    addRevenue(t.url, c.manager.token, { customerId: customers[k], amount, occurredAt });
  await rev("rep1", 1000, "2026-04-10T10:00:00+08:00");
  await rev("rep2", 3000, "2026-04-11T10:00:00+08:00");
  await rev("rep1", 2500, "2026-05-02T10:00:00+08:00");
  await rev("rep2", 500, "2026-05-03T10:00:00+08:00");
  await rev("carol", 1000, "2026-05-04T10:00:00+08:00");
  await rev("carol", 5000, "2026-02-04T10:00:00+08:00");
  for (const [k, amount] of [
    ["rep1", 2000],
    ["rep2", 1000],
    ["carol", 500],
  ] as const) {
    await call(t.url, "PUT", `/targets/${ids[k]}/2026-05`, { token: c.manager.token, body: { amount } });
  }
  // The contacts module maintains rep_day_contacts and rep_month_contacts with each
  // contact; seeded here directly, the month rows summed from the day rows.
  await t.db.database.db.execute(sql`
    insert into rep_day_contacts (tenant_id, rep_id, day, month, existing_in_person, prospect_in_person, visits, demos, calls, letters)
    values (${c.tenantId}, ${ids.rep1}, '2026-05-05', '2026-05', 6, 1, 6, 1, 2, 0),
           (${c.tenantId}, ${ids.rep2}, '2026-05-06', '2026-05', 3, 1, 3, 1, 0, 1),
           (${c.tenantId}, ${ids.rep2}, '2026-04-06', '2026-04', 9, 0, 9, 0, 0, 0)`);
  await t.db.database.db.execute(sql`
    insert into rep_month_contacts (tenant_id, rep_id, month, existing_in_person, prospect_in_person, visits, demos, calls, letters)
    select tenant_id, rep_id, month, sum(existing_in_person)::int, sum(prospect_in_person)::int, sum(visits)::int, sum(demos)::int,
      sum(calls)::int, sum(letters)::int
    from rep_day_contacts where tenant_id = ${c.tenantId} group by 1, 2, 3`);
});
afterAll(() => t?.close());

const board = async (q: string, token = c.manager.token) => {
  const res = await call(t.url, "GET", `/leaderboard${q}`, { token });
  expect(res.status).toBe(200);
  return res.body;
};
const names = (rows: Json[]) => rows.map((r) => r.name);

describe("leaderboard (SPEC §8)", () => {
  it("a month: by revenue, with target, attainment, contacts and the 1:3 ratio", async () => {
    const may = await board("?period=month&at=2026-05");
    expect(may).toMatchObject({ period: "month", at: "2026-05", from: "2026-05", to: "2026-05" });
    expect(may.rows.map((r: Json) => [r.rank, r.name, r.revenue, r.target, r.attainment])).toEqual([
      [1, "rep1", 2500, 2000, 1.25],
      [2, "carol", 1000, 500, 2],
      [3, "rep2", 500, 1000, 0.5],
      [4, "dave", 0, null, null],
    ]);
    expect(may.rows[0]).toMatchObject({
      repId: ids.rep1,
      contacts: { inPerson: 7, existing: 6, prospect: 1, visits: 6, demos: 1, calls: 2, letters: 0 },
      ratio: { existing: 6, prospect: 1, required: 2, shortfall: 1, compliant: false },
    });
    expect(may.rows[2].ratio).toEqual({ existing: 3, prospect: 1, required: 1, shortfall: 0, compliant: true });
    // the elapsed part of the month at 2026-05-20 10:00 club time: 19 days 10 hours of 31 days
    expect(may.elapsed).toBeCloseTo((19 * 24 + 10) / (31 * 24), 12);
    // the current club month by default
    expect(await board("")).toEqual(may);
  });

  it("ties: higher attainment first, then name", async () => {
    // Q2: rep1 and rep2 both 3500; rep2's 3500 of 1000 beats rep1's 3500 of 2000
    const q2 = await board("?period=quarter&at=2026-04");
    expect(q2).toMatchObject({ period: "quarter", from: "2026-04", to: "2026-06" });
    expect(q2.rows.map((r: Json) => [r.rank, r.name, r.revenue, r.attainment])).toEqual([
      [1, "rep2", 3500, 3.5],
      [2, "rep1", 3500, 1.75],
      [3, "carol", 1000, 2],
      [4, "dave", 0, null],
    ]);
    expect(q2.rows[0].contacts.existing).toBe(12);
    // April and May's first 19 days 10 hours of the quarter's 91 days
    expect(q2.elapsed).toBeCloseTo(((30 + 19) * 24 + 10) / (91 * 24), 12);
    // April: carol and dave both at 0 without a target → by name
    const april = await board("?period=month&at=2026-04");
    // a month gone by has run its course; one to come has not begun
    expect(april.elapsed).toBe(1);
    expect((await board("?period=month&at=2026-06")).elapsed).toBe(0);
    expect(names(april.rows)).toEqual(["rep2", "rep1", "carol", "dave"]);
  });

  it("a year: the sum of its months", async () => {
    const year = await board("?period=year&at=2026-01");
    expect(year).toMatchObject({ from: "2026-01", to: "2026-12" });
    expect(year.elapsed).toBeCloseTo(((31 + 28 + 31 + 30 + 19) * 24 + 10) / (365 * 24), 12);
    expect(year.rows.map((r: Json) => [r.name, r.revenue, r.target])).toEqual([
      ["carol", 6000, 500],
      ["rep2", 3500, 1000],
      ["rep1", 3500, 2000],
      ["dave", 0, null],
    ]);
  });

  it("reps may read it (a sales-floor board); bad input is a 400; another club sees only its own", async () => {
    expect(names((await board("?period=month", c.rep2.token)).rows)).toEqual(["rep1", "carol", "rep2", "dave"]);
    expectErrorShape(await call(t.url, "GET", "/leaderboard?period=week", { token: c.manager.token }), 400);
    expectErrorShape(await call(t.url, "GET", "/leaderboard?at=2026-13", { token: c.manager.token }), 400);
    expectErrorShape(await call(t.url, "GET", "/leaderboard", {}), 401);
    const theirs = await board("?period=year", other.manager.token);
    expect(theirs.rows.map((r: Json) => [r.name, r.revenue])).toEqual([
      ["rep1", 0],
      ["rep2", 0],
    ]);
  });

  it("leaderboardBoards gives the live boards the same rows for the current club period", async () => {
    const boards = await leaderboardBoards(t.server.deps, c.tenantId);
    expect(boards.month).toEqual((await board("?period=month")).rows);
    expect(boards.quarter).toEqual((await board("?period=quarter")).rows);
    expect(boards.year).toEqual((await board("?period=year")).rows);
  });

  it("the live snapshot (one read per table for the year) carries what GET /leaderboard and GET /quota answer (less what moves with the clock)", async () => {
    const s = await quotaBoardSource(t.server.deps).snapshot(c.tenantId);
    expect(s.club.leaderboard).toEqual({
      month: (await board("?period=month")).rows,
      quarter: (await board("?period=quarter")).rows,
      year: (await board("?period=year")).rows,
    });
    expect(s.club.at).toBe("2026-05");
    // each current period's elapsed part, as GET /leaderboard answers it
    expect(s.club.elapsed).toEqual({
      month: (await board("?period=month")).elapsed,
      quarter: (await board("?period=quarter")).elapsed,
      year: (await board("?period=year")).elapsed,
    });
    const quota = await call(t.url, "GET", "/quota", { token: c.manager.token });
    expect(quota.status).toBe(200);
    const q = s.managers.quota as Json;
    expect(q.month).toBe("2026-05");
    // the live rows are GET /quota's without the figures that move with the clock alone (pace, elapsed)
    const still = ({ repId, name, target, achieved, attainment, level, checks }: Json) => ({
      repId,
      name,
      target,
      achieved,
      attainment,
      level,
      checks,
    });
    expect(q.reps).toEqual(quota.body.reps.map(still));
    expect(q.reps.map((r: Json) => [r.name, r.target, r.achieved])).toEqual(
      [
        ["carol", 500, 1000],
        ["rep1", 2000, 2500],
        ["rep2", 1000, 500],
        ["dave", null, 0],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  });
});

describe("property: leaderboard totals equal the ledger", () => {
  it("after random sequences of entries and reversals, every board's revenue is the ledger's sum", async () => {
    const k = await makeClub(t.url, "board-prop");
    const reps = [k.rep1, k.rep2];
    const cust = [
      (await newCustomer(t.url, k.manager.token, { name: "P1", ownerId: k.rep1.id, status: "active" })).id,
      (await newCustomer(t.url, k.manager.token, { name: "P2", ownerId: k.rep2.id, status: "active" })).id,
    ];
    const months = ["2025-11", "2026-01", "2026-02", "2026-03"];
    const written: string[] = [];
    const step = fc.oneof(
      fc.record({
        kind: fc.constant("entry" as const),
        rep: fc.integer({ min: 0, max: 1 }),
        fen: fc.integer({ min: 1, max: 10_000_000 }),
        month: fc.constantFrom(...months),
        day: fc.integer({ min: 1, max: 28 }),
      }),
      fc.record({ kind: fc.constant("reverse" as const), pick: fc.nat() }),
    );
    const ledger = async () => {
      const res = await t.db.database.db.execute(
        sql`select rep_id, month, sum(amount_fen)::text as fen from revenue_entries where tenant_id = ${k.tenantId} group by rep_id, month`,
      );
      const rows = (Array.isArray(res) ? res : (res as { rows: Json[] }).rows) as { rep_id: string; month: string; fen: string }[];
      return rows;
    };
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        for (const s of steps) {
          if (s.kind === "entry") {
            const e = await addRevenue(t.url, k.manager.token, {
              customerId: cust[s.rep],
              amount: s.fen / 100,
              occurredAt: `${s.month}-${String(s.day).padStart(2, "0")}T12:00:00+08:00`,
            });
            written.push(e.id);
          } else if (written.length > 0) {
            const [id] = written.splice(s.pick % written.length, 1);
            const r = await call(t.url, "POST", `/revenue/${id}/reverse`, { token: k.manager.token, body: { reason: "property test" } });
            expect(r.status).toBe(201);
          }
        }
        const sums = await ledger();
        for (const period of ["month", "quarter", "year"] as const) {
          for (const at of months) {
            const rows = (await board(`?period=${period}&at=${at}`, k.manager.token)).rows as Json[];
            const inPeriod = (m: string) =>
              period === "month" ? m === at : period === "year" ? m.slice(0, 4) === at.slice(0, 4) : sameQuarter(m, at);
            for (const rep of reps) {
              const fen = sums.filter((r) => r.rep_id === rep.id && inPeriod(r.month)).reduce((a, r) => a + Number(r.fen), 0);
              expect(Math.round(rows.find((r) => r.repId === rep.id).revenue * 100)).toBe(fen);
            }
            // and the ranks follow revenue
            for (let i = 1; i < rows.length; i++) expect(rows[i - 1].revenue).toBeGreaterThanOrEqual(rows[i].revenue);
          }
        }
      }),
      { numRuns: 12 },
    );
  });
});

function sameQuarter(a: string, b: string) {
  const q = (m: string) => `${m.slice(0, 4)}-${Math.ceil(Number(m.slice(5, 7)) / 3)}`;
  return q(a) === q(b);
}
