import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runJobsOnce } from "../../server/src/jobs/scheduler.ts";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, loginAs, startTestServer, type TestServer } from "../support/harness.ts";

// Day 5 of March 2026 in Shanghai: inside the default 7 grace days.
let t: TestServer;
let c: Club;
let other: Club;
let cu1: { id: string };
beforeAll(async () => {
  t = await startTestServer({}, "2026-03-05T10:00:00+08:00");
  c = await makeClub(t.url, "quota");
  other = await makeClub(t.url, "quota-other");
  cu1 = await newCustomer(t.url, c.manager.token, { name: "Pace Co", ownerId: c.rep1.id, status: "active" });
});
afterAll(() => t?.close());

const put = (token: string, repId: string, month: string, body: unknown) =>
  call(t.url, "PUT", `/targets/${repId}/${month}`, { token, body });
const quota = async (token: string, month?: string) =>
  (await call(t.url, "GET", `/quota${month ? `?month=${month}` : ""}`, { token })).body.reps as Json[];
const row = (rows: Json[], repId: string) => rows.find((r) => r.repId === repId);
const paceAlarms = async () =>
  (await call(t.url, "GET", `/alarms?kind=pace&status=all&limit=200`, { token: c.manager.token })).body.items as Json[];
const tick = () => runJobsOnce(t.server.deps, ["quota-pace"]);
/** Sessions end after 7 idle days: after moving the clock, everyone signs in again. */
async function setClock(iso: string) {
  t.clock.set(iso);
  c.manager.token = await loginAs(t.url, "quota", "mgr@quota.test", "manager pass 1");
  c.rep1.token = await loginAs(t.url, "quota", "rep1@quota.test", "rep one pass 1");
  c.rep2.token = await loginAs(t.url, "quota", "rep2@quota.test", "rep two pass 2");
  other.manager.token = await loginAs(t.url, "quota-other", "mgr@quota-other.test", "manager pass 1");
}

describe("targets (SPEC §8)", () => {
  it("a manager sets a rep's monthly target; who and when are recorded", async () => {
    const res = await put(c.manager.token, c.rep1.id, "2026-03", { amount: 10000 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      repId: c.rep1.id,
      name: "rep1",
      month: "2026-03",
      amount: 10000,
      setBy: c.manager.id,
      setAt: "2026-03-05T02:00:00.000Z",
    });
    // setting it again replaces it (an admin may act as a manager)
    const again = await put(c.admin.token, c.rep1.id, "2026-03", { amount: 10000.5 });
    expect(again.body).toMatchObject({ amount: 10000.5, setBy: c.admin.id });
    await put(c.manager.token, c.rep1.id, "2026-03", { amount: 10000 });
    await put(c.manager.token, c.rep1.id, "2026-01", { amount: 5000 });
    await put(c.manager.token, c.rep1.id, "2026-02", { amount: 5000 });
    await put(c.manager.token, c.rep2.id, "2026-03", { amount: 5000 });
  });

  it.each([
    ["zero", { amount: 0 }, "amount"],
    ["negative", { amount: -1 }, "amount"],
    ["three decimals", { amount: 1.234 }, "amount"],
    ["a string", { amount: "100" }, "amount"],
    ["over 1e12", { amount: 1e12 + 1 }, "amount"],
    ["missing", {}, "amount"],
    ["an unknown field", { amount: 1, bonus: 5 }, "body"],
  ])("refuses %s with 400 and the field", async (_, body, field) => {
    const res = await put(c.manager.token, c.rep1.id, "2026-03", body);
    expectErrorShape(res, 400, "validation_failed");
    expect(Object.keys(res.body.error.fields)).toEqual([field]);
  });

  it("refuses a bad month or id (400), a non-rep or another club's rep (404), a rep setting targets (403)", async () => {
    expect(Object.keys((await put(c.manager.token, c.rep1.id, "2026-13", { amount: 1 })).body.error.fields)).toEqual(["month"]);
    expectErrorShape(await put(c.manager.token, "not-an-id", "2026-03", { amount: 1 }), 400);
    expectErrorShape(await put(c.manager.token, c.manager.id, "2026-03", { amount: 1 }), 404);
    expectErrorShape(await put(c.manager.token, other.rep1.id, "2026-03", { amount: 1 }), 404);
    expectErrorShape(await put(other.manager.token, c.rep1.id, "2026-03", { amount: 1 }), 404);
    expectErrorShape(await put(c.rep1.token, c.rep1.id, "2026-03", { amount: 1 }), 403);
    expectErrorShape(await put(c.rep1.token, c.rep1.id, "2026-03", { amount: -1 }), 403);
    // nothing changed
    expect(row(await quota(c.manager.token), c.rep1.id).target).toBe(10000);
  });

  it("lists a month's targets, and a year's per rep as the sum of its months; reps see their own", async () => {
    const month = await call(t.url, "GET", "/targets?month=2026-03", { token: c.manager.token });
    expect(month.body.items.map((x: Json) => [x.name, x.amount])).toEqual([
      ["rep1", 10000],
      ["rep2", 5000],
    ]);
    const year = await call(t.url, "GET", "/targets?year=2026", { token: c.manager.token });
    expect(year.body.year).toBe("2026");
    expect(year.body.items.find((x: Json) => x.repId === c.rep1.id)).toMatchObject({ target: 20000 });
    expect(year.body.items.find((x: Json) => x.repId === c.rep1.id).months.map((m: Json) => m.month)).toEqual([
      "2026-01",
      "2026-02",
      "2026-03",
    ]);
    const mine = await call(t.url, "GET", "/targets?year=2026", { token: c.rep2.token });
    expect(mine.body.items.map((x: Json) => x.repId)).toEqual([c.rep2.id]);
    const paged = await call(t.url, "GET", "/targets?month=2026-03&limit=1", { token: c.manager.token });
    expect(paged.body.items.map((x: Json) => x.name)).toEqual(["rep1"]);
    const next = await call(t.url, "GET", `/targets?month=2026-03&limit=1&cursor=${paged.body.nextCursor}`, { token: c.manager.token });
    expect(next.body.items.map((x: Json) => x.name)).toEqual(["rep2"]);
    expect(next.body.nextCursor).toBeNull();
    expectErrorShape(await call(t.url, "GET", "/targets?month=2026-03&year=2026", { token: c.manager.token }), 400);
    expect((await call(t.url, "GET", "/targets?month=2026-03", { token: other.manager.token })).body.items).toEqual([]);
  });

  it("records each change in the audit trail: who, the month, before and after", async () => {
    const rows = await t.db.database.db.execute(
      sql`select actor_id, entity_id, data from audit_events where tenant_id = ${c.tenantId} and action = 'target.set' order by at`,
    );
    const list = (Array.isArray(rows) ? rows : (rows as { rows: Json[] }).rows) as Json[];
    expect(list.slice(0, 3).map((r) => [r.actor_id, r.entity_id, r.data])).toEqual([
      [c.manager.id, c.rep1.id, { month: "2026-03", before: null, after: 10000 }],
      [c.admin.id, c.rep1.id, { month: "2026-03", before: 10000, after: 10000.5 }],
      [c.manager.id, c.rep1.id, { month: "2026-03", before: 10000.5, after: 10000 }],
    ]);
  });
});

describe("quota", () => {
  it("achieved is the revenue credited in the month; attainment = achieved ÷ target, none without a target", async () => {
    await addRevenue(t.url, c.manager.token, { customerId: cu1.id, amount: 2500, occurredAt: "2026-03-02T10:00:00+08:00" });
    await addRevenue(t.url, c.manager.token, { customerId: cu1.id, amount: 500, occurredAt: "2026-02-28T23:30:00+08:00" });
    const march = await call(t.url, "GET", "/quota?month=2026-03", { token: c.manager.token });
    expect(march.status).toBe(200);
    expect(Object.keys(march.body)).toEqual(["month", "reps"]);
    // within the grace days: no level yet
    expect(row(march.body.reps, c.rep1.id)).toMatchObject({ target: 10000, achieved: 2500, attainment: 0.25, level: null });
    expect(row(march.body.reps, c.rep2.id)).toMatchObject({ target: 5000, achieved: 0, attainment: 0, level: null });
    const feb = await quota(c.manager.token, "2026-02");
    expect(row(feb, c.rep1.id)).toMatchObject({ target: 5000, achieved: 500, attainment: 0.1, level: null, elapsed: 1 });
    expect(row(feb, c.rep2.id)).toMatchObject({ target: null, achieved: 0, attainment: null, level: null });
    // the current month by default; a rep sees only their own row
    expect(await quota(c.rep1.token)).toHaveLength(1);
    expect((await quota(c.rep1.token))[0]).toMatchObject({ repId: c.rep1.id, achieved: 2500 });
    expectErrorShape(await call(t.url, "GET", "/quota?month=March", { token: c.manager.token }), 400);
    expect((await quota(other.manager.token)).every((r) => r.achieved === 0)).toBe(true);
  });

  it("the year: annual attainment and the reserved-bonus forfeiture flag under 80%", async () => {
    const res = await call(t.url, "GET", "/quota/year?year=2026", { token: c.manager.token });
    expect(res.body).toMatchObject({ year: "2026", final: false });
    expect(row(res.body.reps, c.rep1.id)).toMatchObject({ target: 20000, achieved: 3000, attainment: 0.15, forfeitsReservedBonus: true });
    const mine = await call(t.url, "GET", "/quota/year", { token: c.rep2.token });
    expect(mine.body.reps.map((r: Json) => r.repId)).toEqual([c.rep2.id]);
  });
});

describe("live pace alarms", () => {
  it("wait for the grace days, then raise when worse, clear when better; stored and acknowledged", async () => {
    // day 5: nothing, whatever the pace
    await tick();
    expect(await paceAlarms()).toEqual([]);
    // 23:59 on day 7 is still inside the 7 grace days
    await setClock("2026-03-07T23:59:00+08:00");
    await tick();
    expect(await paceAlarms()).toEqual([]);

    // day 8: rep1 has 2500 of 10000 with 7/31 of the month gone → pace 110%: ok.
    // rep2 has nothing of 5000 → under 20%.
    await setClock("2026-03-08T00:00:00+08:00");
    await tick();
    await tick(); // twice: no duplicate
    let alarms = await paceAlarms();
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ kind: "pace", repId: c.rep2.id, level: "20", clearedAt: null, acknowledgedAt: null });
    expect(alarms[0].message).toMatch(/^Pace under 20% for 2026-03: 0% of pace/);
    expect(row(await quota(c.manager.token), c.rep1.id).level).toBe("ok");
    expect(row(await quota(c.manager.token), c.rep2.id).level).toBe("20");

    // day 11: 10/31 gone → rep1's pace 77.5%: under 80%
    await setClock("2026-03-11T00:00:00+08:00");
    await tick();
    alarms = (await paceAlarms()).filter((a) => a.repId === c.rep1.id);
    expect(alarms.map((a) => [a.level, a.clearedAt])).toEqual([["80", null]]);
    expect(alarms[0].data).toMatchObject({ month: "2026-03", achieved: 2500, target: 10000, previous: "ok" });

    // day 14: 13/31 gone → 59.6%: worse again; the 80 alarm is superseded
    await setClock("2026-03-14T00:00:00+08:00");
    await tick();
    await tick();
    alarms = (await paceAlarms()).filter((a) => a.repId === c.rep1.id);
    expect(alarms.map((a) => [a.level, a.clearedAt === null])).toEqual([
      ["60", true],
      ["80", false],
    ]);
    const sixty = alarms[0];

    // the rep and managers see it; another rep does not
    const mine = await call(t.url, "GET", "/alarms?kind=pace&status=open", { token: c.rep1.token });
    expect(mine.body.items.map((a: Json) => a.id)).toEqual([sixty.id]);
    const theirs = await call(t.url, "GET", "/alarms?kind=pace", { token: c.rep2.token });
    expect(theirs.body.items.every((a: Json) => a.repId === c.rep2.id)).toBe(true);

    // a manager acknowledges: who and when; a rep may not
    expectErrorShape(await call(t.url, "POST", `/alarms/${sixty.id}/acknowledge`, { token: c.rep1.token }), 403);
    await setClock("2026-03-14T09:30:00+08:00");
    const ack = await call(t.url, "POST", `/alarms/${sixty.id}/acknowledge`, { token: c.manager.token });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ id: sixty.id, acknowledgedBy: c.manager.id, acknowledgedAt: "2026-03-14T01:30:00.000Z" });
    expectErrorShape(await call(t.url, "POST", `/alarms/${sixty.id}/acknowledge`, { token: other.manager.token }), 404);

    // revenue after commit re-judges the rep at once: 4500 of 10000 at 13.4/31 → 104%: cleared
    await addRevenue(t.url, c.rep1.token, { customerId: cu1.id, amount: 2000, occurredAt: "2026-03-14T09:00:00+08:00" });
    await vi.waitFor(
      async () => {
        const a = (await paceAlarms()).find((x) => x.id === sixty.id);
        expect(a.clearedAt).toBe("2026-03-14T01:30:00.000Z");
      },
      { timeout: 5000, interval: 50 },
    );
    expect(row(await quota(c.manager.token), c.rep1.id)).toMatchObject({ achieved: 4500, level: "ok" });
    expect((await paceAlarms()).filter((a) => a.repId === c.rep1.id && a.clearedAt === null)).toEqual([]);

    // falling behind again raises a new alarm row (the old one keeps its history)
    await setClock("2026-03-21T00:00:00+08:00"); // 20/31 → 69.8%
    await tick();
    alarms = (await paceAlarms()).filter((a) => a.repId === c.rep1.id);
    expect(alarms.map((a) => [a.level, a.clearedAt === null])).toEqual([
      ["80", true],
      ["60", false],
      ["80", false],
    ]);

    // a reversal lowers achieved: re-judged after commit → 20%-level? 2500/10000 at 20/31 → 38.8%: under 60%
    const list = await call(t.url, "GET", `/revenue?repId=${c.rep1.id}&month=2026-03`, { token: c.manager.token });
    const entry = list.body.items.find((e: Json) => e.amount === 2000);
    await call(t.url, "POST", `/revenue/${entry.id}/reverse`, { token: c.manager.token, body: { reason: "wrong customer" } });
    await vi.waitFor(
      async () => {
        const open = (await paceAlarms()).filter((a) => a.repId === c.rep1.id && a.clearedAt === null);
        expect(open.map((a) => a.level)).toEqual(["60"]);
      },
      { timeout: 5000, interval: 50 },
    );
  });

  it("a new target is judged at once, and another club's alarms stay there", async () => {
    // rep1 at 2500 of 10000 on day 20: under 60%. A lower target of 4000 makes the pace 96.9%: cleared.
    const before = (await paceAlarms()).filter((a) => a.clearedAt === null && a.repId === c.rep1.id);
    expect(before.map((a) => a.level)).toEqual(["60"]);
    await put(c.manager.token, c.rep1.id, "2026-03", { amount: 4000 });
    const after = (await paceAlarms()).filter((a) => a.clearedAt === null && a.repId === c.rep1.id);
    expect(after).toEqual([]);
    expect((await call(t.url, "GET", "/alarms?kind=pace", { token: other.manager.token })).body.items).toEqual([]);
  });
});

describe("standing", () => {
  it("a rep reads their own: pace, closed months, bonus and the year; never another rep's", async () => {
    const res = await call(t.url, "GET", `/reps/${c.rep1.id}/standing`, { token: c.rep1.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      repId: c.rep1.id,
      name: "rep1",
      current: { month: "2026-03", achieved: 2500, target: 4000, level: "ok", graceDays: 7 },
      closedMonths: [],
      departmentBonus: { suspended: false, reason: null },
      year: { year: "2026", target: 14000, achieved: 3000, forfeitsReservedBonus: true },
    });
    expect(res.body.current.elapsed).toBeCloseTo(20 / 31, 10);
    expect(res.body.current.pace).toBeCloseTo(2500 / (4000 * (20 / 31)), 10);
    expect(res.body.year.toDate).toMatchObject({ through: "2026-03", target: 14000 });

    expect((await call(t.url, "GET", `/reps/${c.rep1.id}/standing`, { token: c.manager.token })).status).toBe(200);
    expectErrorShape(await call(t.url, "GET", `/reps/${c.rep1.id}/standing`, { token: c.rep2.token }), 404);
    expectErrorShape(await call(t.url, "GET", `/reps/${c.rep1.id}/standing`, { token: other.manager.token }), 404);
    expectErrorShape(await call(t.url, "GET", `/reps/${other.rep1.id}/standing`, { token: c.manager.token }), 404);
    expectErrorShape(await call(t.url, "GET", `/reps/${c.manager.id}/standing`, { token: c.manager.token }), 404);
    expectErrorShape(await call(t.url, "GET", "/reps/nope/standing", { token: c.manager.token }), 400);
    expectErrorShape(await call(t.url, "GET", `/reps/${c.rep1.id}/standing`, {}), 401);
  });
});

describe("a new month", () => {
  it("ends last month's pace alarms; levels start again", async () => {
    expect((await paceAlarms()).filter((a) => a.clearedAt === null).map((a) => [a.repId, a.level])).toEqual([[c.rep2.id, "20"]]);
    // more than 7 days on: sign in again (idle sessions end)
    await setClock("2026-04-01T00:10:00+08:00");
    const mgr = await loginAs(t.url, "quota", "mgr@quota.test", "manager pass 1");
    await tick();
    const all = (await call(t.url, "GET", "/alarms?kind=pace&status=all&limit=200", { token: mgr })).body.items as Json[];
    expect(all.filter((a) => a.clearedAt === null)).toEqual([]);
    expect(all.find((a) => a.repId === c.rep2.id).clearedAt).toBe("2026-03-31T16:10:00.000Z");
    const april = (await call(t.url, "GET", "/quota", { token: mgr })).body;
    expect(april.month).toBe("2026-04");
    expect(row(april.reps, c.rep1.id)).toMatchObject({ target: null, achieved: 0, attainment: null, level: null });
  });
});
