import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJobsOnce } from "../../server/src/jobs/scheduler.ts";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { addUser, call, expectErrorShape, type Json, loginAs, startTestServer, type TestServer } from "../support/harness.ts";

/**
 * The month-close ladder over real data (SPEC §8, 第六条 2②⑵): targets and revenue
 * posted for past months, customers churned at past instants, then closed.
 */

const NOW = "2026-03-15T10:00:00+08:00";
const MONTHS = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"];

let t: TestServer;
let c: Club;
let other: Club;
const reps: Record<string, { id: string; token: string; customer: string }> = {};

async function addRep(key: string) {
  const u = await addUser(t.url, c.admin.token, "rep", `${key}@ladder.test`, `${key} password 1`);
  const cu = await newCustomer(t.url, c.manager.token, { name: `${key} anchor`, kind: "individual", ownerId: u.id, status: "active" });
  reps[key] = { id: u.id, token: "", customer: cu.id };
}

/** Target 1000 each month and revenue of `pct` percent of it (null: no target that month). */
async function sequence(key: string, percents: (number | null)[]) {
  const r = reps[key]!;
  for (const [i, pct] of percents.entries()) {
    if (pct === null) continue;
    const month = MONTHS[i]!;
    const put = await call(t.url, "PUT", `/targets/${r.id}/${month}`, { token: c.manager.token, body: { amount: 1000 } });
    expect(put.status).toBe(200);
    if (pct > 0)
      await addRevenue(t.url, c.manager.token, { customerId: r.customer, amount: pct * 10, occurredAt: `${month}-15T12:00:00+08:00` });
  }
}

/**
 * `n` customers of a rep active from May 2024; `churned` of them (group) churn on 10
 * June 2025. (The rep's anchor customer was created in 2026: not in the 2025 base.)
 */
async function churnBook(key: string, n: number, churned: number) {
  const r = reps[key]!;
  t.clock.set("2024-05-01T10:00:00+08:00");
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const kind = i < churned ? "group" : "individual";
    ids.push((await newCustomer(t.url, c.manager.token, { name: `${key} ${i}`, kind, ownerId: r.id, status: "active" })).id);
  }
  t.clock.set("2025-06-10T10:00:00+08:00");
  for (const id of ids.slice(0, churned)) {
    const res = await call(t.url, "PATCH", `/customers/${id}`, { token: c.manager.token, body: { status: "churned" } });
    expect(res.body.status).toBe("churned");
  }
  t.clock.set(NOW);
}

const close = (month: string, token = c.manager.token) => call(t.url, "POST", `/months/${month}/close`, { token });
const results = async (month: string, token = c.manager.token) =>
  (await call(t.url, "GET", `/months/${month}/results`, { token })).body.results as Json[];
const of = (rows: Json[], key: string) => rows.find((r) => r.repId === reps[key]!.id);
const alarmsOf = async (kind: string) =>
  (await call(t.url, "GET", `/alarms?kind=${kind}&status=all&limit=200`, { token: c.manager.token })).body.items as Json[];

beforeAll(async () => {
  t = await startTestServer({}, NOW);
  c = await makeClub(t.url, "ladder");
  other = await makeClub(t.url, "ladder-other");
  for (const k of ["amy", "ben", "cat", "dan", "eve", "fay", "gus"]) await addRep(k);
  await sequence("amy", [79, 79, 79, 90, 100, 70]); // warning on the third; suspended in April; May at 100% ends it
  await sequence("ben", [19, null, null, null, null, null]); // removal
  await sequence("cat", [59, 59, 59, 59, 59, 59]); // warnings from the third, the sixth → removal
  // churn at June: customers of the rep active at any time in Jul 2024–Jun 2025 (the anchor included)
  for (const k of ["dan", "eve", "fay", "gus"]) await sequence(k, [null, null, null, null, null, 100]);
  await churnBook("dan", 19, 1); // 1/19 = 5.26% > 5% → warning
  await churnBook("fay", 20, 1); // 1/20 = 5% → ok
  await churnBook("gus", 20, 4); // 4/20 = 20% → warning (not over 20%)
  await churnBook("eve", 24, 5); // 5/24 = 20.8% > 20% → removal
  for (const k of Object.keys(reps)) reps[k]!.token = await loginAs(t.url, "ladder", `${k}@ladder.test`, `${k} password 1`);
});
afterAll(() => t?.close());

describe("month close", () => {
  it("is refused before the month ends in club time (422), to reps (403), for a bad month (400)", async () => {
    expectErrorShape(await close("2026-03"), 422, "rule_violation");
    expectErrorShape(await close("2026-04"), 422);
    t.clock.set("2026-02-28T23:59:59+08:00");
    const early = await close("2026-02");
    expectErrorShape(early, 422);
    expect(early.body.error.fields).toEqual({ month: "has not ended yet" });
    t.clock.set(NOW);
    expectErrorShape(await close("2025-06", reps.amy!.token), 403);
    expectErrorShape(await close("2025-6"), 400);
    expect(await results("2025-06")).toEqual([]);
  });

  it("closes June and, first, every earlier month with targets; results carry outcome and reasons", async () => {
    const res = await close("2025-06");
    expect(res.status).toBe(200);
    const june = res.body.results as Json[];
    expect(june.map((r) => r.name)).toEqual(["amy", "cat", "dan", "eve", "fay", "gus"]);
    for (const r of june) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(["repId", "attainment", "outcome", "reasons", "departmentBonusSuspended"]));
    }
    expect(of(june, "amy")).toMatchObject({ attainment: 0.7, outcome: "ok", reasons: [], departmentBonusSuspended: false });
    // 59 × 6: removal on the sixth, with every rule that fired
    expect(of(june, "cat")).toMatchObject({ attainment: 0.59, outcome: "removal", departmentBonusSuspended: true });
    expect(of(june, "cat").reasons.map((r: Json) => [r.rule, r.message])).toEqual([
      ["six-months-under-60", "6 months under 60%: 59%, 59%, 59%, 59%, 59%, 59%"],
      ["three-months-under-80", "3 months under 80%: 59%, 59%, 59%"],
    ]);
    expect(of(june, "cat").reasons[0].months).toEqual(MONTHS);
    // churn from real status changes
    expect(of(june, "dan")).toMatchObject({ attainment: 1, outcome: "warning", churnRate: 1 / 19 });
    expect(of(june, "dan").reasons).toEqual([
      { rule: "churn-over-5", severity: "warning", message: "group customer churn 5.2% over 5%", numbers: [1 / 19], months: ["2025-06"] },
    ]);
    expect(of(june, "fay")).toMatchObject({ outcome: "ok", churnRate: 0.05, reasons: [] });
    expect(of(june, "gus")).toMatchObject({ outcome: "warning", churnRate: 0.2 });
    expect(of(june, "gus").reasons.map((r: Json) => r.rule)).toEqual(["churn-over-5"]);
    expect(of(june, "eve")).toMatchObject({ outcome: "removal", churnRate: 5 / 24 });
    expect(of(june, "eve").reasons.map((r: Json) => r.message)).toEqual([
      "group customer churn 20.8% over 20%",
      "group customer churn 20.8% over 5%",
    ]);
    // ben had no target in June: not closed for him
    expect(of(june, "ben")).toBeUndefined();
  });

  it("stored the earlier months in order: 79/79/79 → warning on the third; 19 → removal; 59 × 5 → warnings", async () => {
    const outcomes = async (key: string) => {
      const out: (string | null)[] = [];
      for (const m of MONTHS) out.push(of(await results(m), key)?.outcome ?? null);
      return out;
    };
    expect(await outcomes("amy")).toEqual(["ok", "ok", "warning", "ok", "ok", "ok"]);
    expect(await outcomes("ben")).toEqual(["removal", null, null, null, null, null]);
    expect(await outcomes("cat")).toEqual(["ok", "ok", "warning", "warning", "warning", "removal"]);
    const march = await results("2025-03");
    expect(of(march, "amy").reasons).toEqual([
      {
        rule: "three-months-under-80",
        severity: "warning",
        message: "3 months under 80%: 79%, 79%, 79%",
        numbers: [0.79, 0.79, 0.79],
        months: ["2025-01", "2025-02", "2025-03"],
      },
    ]);
    expect(of(await results("2025-01"), "ben").reasons.map((r: Json) => r.message)).toEqual(["month under 20%: 19%"]);
  });

  it("suspends the department bonus from the month after a warning until a month at 100%, which is paid in full", async () => {
    const flags: boolean[] = [];
    for (const m of MONTHS) flags.push(of(await results(m), "amy").departmentBonusSuspended);
    expect(flags).toEqual([false, false, false, true, false, false]);
    const cat: boolean[] = [];
    for (const m of MONTHS) cat.push(of(await results(m), "cat").departmentBonusSuspended);
    expect(cat).toEqual([false, false, false, true, true, true]);
  });

  it("raises one alarm per warning and removal, with the report line and the reasons", async () => {
    const warnings = await alarmsOf("warning");
    const removals = await alarmsOf("removal");
    const key = (a: Json) => `${a.data.month} ${reps.amy!.id === a.repId ? "amy" : Object.keys(reps).find((k) => reps[k]!.id === a.repId)}`;
    expect(warnings.map(key).sort()).toEqual(["2025-03 amy", "2025-03 cat", "2025-04 cat", "2025-05 cat", "2025-06 dan", "2025-06 gus"]);
    expect(removals.map(key).sort()).toEqual(["2025-01 ben", "2025-06 cat", "2025-06 eve"]);
    const amy = warnings.find((a) => a.repId === reps.amy!.id);
    expect(amy).toMatchObject({ kind: "warning", level: "warning", clearedAt: null, acknowledgedAt: null });
    expect(amy.message).toBe("通报批评 (warning) for 2025-03, report to HR: 3 months under 80%: 79%, 79%, 79%");
    expect(removals.find((a) => a.repId === reps.ben!.id).message).toBe(
      "不再聘用 (removal) for 2025-01, report to the GM office: month under 20%: 19%",
    );
    // the rep sees their own; a manager acknowledges with who and when
    const mine = await call(t.url, "GET", "/alarms?kind=warning", { token: reps.amy!.token });
    expect(mine.body.items.map((a: Json) => a.id)).toEqual([amy.id]);
    const ack = await call(t.url, "POST", `/alarms/${amy.id}/acknowledge`, { token: c.manager.token });
    expect(ack.body).toMatchObject({ acknowledgedBy: c.manager.id, acknowledgedAt: new Date(NOW).toISOString() });
  });

  it("is safe to run twice: the same stored results, no duplicate alarms", async () => {
    const before = { warnings: (await alarmsOf("warning")).length, removals: (await alarmsOf("removal")).length };
    const first = await results("2025-06");
    const again = await close("2025-06");
    expect(again.status).toBe(200);
    expect(again.body.results).toEqual(first);
    t.clock.set("2026-03-20T10:00:00+08:00");
    const march = await close("2025-03");
    expect(march.body.results).toEqual(await results("2025-03"));
    expect(march.body.results.map((r: Json) => r.closedAt)).toEqual(march.body.results.map(() => march.body.results[0].closedAt));
    expect(march.body.results[0].closedAt).toBe(new Date(NOW).toISOString());
    t.clock.set(NOW);
    expect((await alarmsOf("warning")).length).toBe(before.warnings);
    expect((await alarmsOf("removal")).length).toBe(before.removals);
  });

  it("a closed month's targets are final (422)", async () => {
    const res = await call(t.url, "PUT", `/targets/${reps.amy!.id}/2025-06`, { token: c.manager.token, body: { amount: 5 } });
    expectErrorShape(res, 422);
    expect(res.body.error.fields).toEqual({ month: "is closed" });
    // so is every month before the latest close, even one that had no target
    expectErrorShape(await call(t.url, "PUT", `/targets/${reps.ben!.id}/2025-02`, { token: c.manager.token, body: { amount: 5 } }), 422);
    // a month after the latest close still takes one
    const ok = await call(t.url, "PUT", `/targets/${reps.amy!.id}/2025-07`, { token: c.manager.token, body: { amount: 1000 } });
    expect(ok.status).toBe(200);
  });

  it("reps read their own results; another club sees none", async () => {
    const mine = await call(t.url, "GET", "/months/2025-06/results", { token: reps.cat!.token });
    expect(mine.body).toMatchObject({ month: "2025-06", closed: true });
    expect(mine.body.results.map((r: Json) => r.repId)).toEqual([reps.cat!.id]);
    const theirs = await call(t.url, "GET", "/months/2025-06/results", { token: other.manager.token });
    expect(theirs.body).toMatchObject({ closed: false, results: [] });
    // another club's close touches nothing here
    const otherClose = await call(t.url, "POST", "/months/2025-06/close", { token: other.manager.token });
    expect(otherClose.body.results).toEqual([]);
    expect((await call(t.url, "GET", "/alarms?status=all", { token: other.manager.token })).body.items).toEqual([]);
  });

  it("standing shows the last closed months, the suspension and why, and the year-end flag", async () => {
    const cat = await call(t.url, "GET", `/reps/${reps.cat!.id}/standing`, { token: reps.cat!.token });
    expect(cat.status).toBe(200);
    expect(cat.body.closedMonths.map((m: Json) => [m.month, m.outcome])).toEqual([
      ["2025-06", "removal"],
      ["2025-05", "warning"],
      ["2025-04", "warning"],
      ["2025-03", "warning"],
      ["2025-02", "ok"],
      ["2025-01", "ok"],
    ]);
    expect(cat.body.departmentBonus).toMatchObject({ suspended: true, since: "2025-04", cause: { month: "2025-06", outcome: "removal" } });
    expect(cat.body.departmentBonus.reason).toMatch(
      /^Department bonus suspended since 2025-04 after the removal of 2025-06 \(6 months under 60%/,
    );
    const amy = await call(t.url, "GET", `/reps/${reps.amy!.id}/standing`, { token: c.manager.token });
    expect(amy.body.departmentBonus).toEqual({ suspended: false, since: null, cause: null, reason: null });
    expectErrorShape(await call(t.url, "GET", `/reps/${reps.amy!.id}/standing`, { token: reps.cat!.token }), 404);

    // 2025: amy 4970 of 7000 (July's target counts) → 71% forfeits; fay 1000 of 1000 keeps it
    const year = await call(t.url, "GET", "/quota/year?year=2025", { token: c.manager.token });
    expect(year.body.final).toBe(true);
    const row = (k: string) => year.body.reps.find((r: Json) => r.repId === reps[k]!.id);
    expect(row("amy")).toMatchObject({ target: 7000, achieved: 4970, forfeitsReservedBonus: true });
    expect(row("amy").attainment).toBeCloseTo(0.71, 10);
    expect(row("fay")).toMatchObject({ target: 1000, achieved: 1000, attainment: 1, forfeitsReservedBonus: false });
    expect(row("cat")).toMatchObject({ attainment: 0.59, forfeitsReservedBonus: true });
  });
});

describe("the automatic close", () => {
  it("closes the previous club month on the first tick after it ends, once", async () => {
    const s = await startTestServer({}, "2026-02-25T10:00:00+08:00");
    try {
      const k = await makeClub(s.url, "auto");
      const cu1 = await newCustomer(s.url, k.manager.token, { name: "A1", ownerId: k.rep1.id, status: "active" });
      const cu2 = await newCustomer(s.url, k.manager.token, { name: "A2", ownerId: k.rep2.id, status: "active" });
      for (const r of [k.rep1, k.rep2]) {
        await call(s.url, "PUT", `/targets/${r.id}/2026-02`, { token: k.manager.token, body: { amount: 1000 } });
      }
      await addRevenue(s.url, k.manager.token, { customerId: cu1.id, amount: 150, occurredAt: "2026-02-10T10:00:00+08:00" });
      s.clock.set("2026-02-28T15:59:00Z"); // money is not dated ahead of the clock
      await addRevenue(s.url, k.manager.token, { customerId: cu2.id, amount: 850, occurredAt: "2026-02-28T23:59:00+08:00" });
      const get = async (m: string) => (await call(s.url, "GET", `/months/${m}/results`, { token: k.manager.token })).body;

      // still February: January had no targets (nothing to judge, still open for history); February is running
      await runJobsOnce(s.server.deps, ["month-close"]);
      expect(await get("2026-01")).toMatchObject({ closed: false, results: [] });
      expect(await get("2026-02")).toMatchObject({ closed: false, results: [] });

      // 00:00:30 on 1 March club time (16:00:30Z on 28 February)
      s.clock.set("2026-02-28T16:00:30Z");
      await runJobsOnce(s.server.deps, ["month-close"]);
      await runJobsOnce(s.server.deps, ["month-close"]);
      const feb = await get("2026-02");
      expect(feb.closed).toBe(true);
      // everything up to the latest close is final now
      expect((await get("2026-01")).closed).toBe(true);
      expectErrorShape(await call(s.url, "PUT", `/targets/${k.rep1.id}/2026-01`, { token: k.manager.token, body: { amount: 1 } }), 422);
      expect(feb.closedAt).toBe("2026-02-28T16:00:30.000Z");
      expect(feb.results.map((r: Json) => [r.repId, r.attainment, r.outcome, r.closedBy])).toEqual([
        [k.rep1.id, 0.15, "removal", null],
        [k.rep2.id, 0.85, "ok", null],
      ]);
      const removals = (await call(s.url, "GET", "/alarms?kind=removal", { token: k.manager.token })).body.items;
      expect(removals).toHaveLength(1);
      expect(removals[0]).toMatchObject({ repId: k.rep1.id, level: "removal" });

      // a manager's close afterwards (or a restarted process) reads the same stored results
      s.clock.advance(3600_000);
      await runJobsOnce(s.server.deps, ["month-close"]);
      const manual = await call(s.url, "POST", "/months/2026-02/close", { token: k.manager.token });
      expect(manual.body.results).toEqual(feb.results);
      expect((await call(s.url, "GET", "/alarms?kind=removal", { token: k.manager.token })).body.items).toHaveLength(1);
    } finally {
      await s.close();
    }
  });
});
