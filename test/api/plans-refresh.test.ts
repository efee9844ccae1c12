import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJobsOnce } from "../../server/src/jobs/scheduler.ts";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, loginAs, startTestServer, type TestServer } from "../support/harness.ts";

// Starts on Monday 2025-12-15 (ISO week 2025-W51), club time Asia/Shanghai.
let t: TestServer;
let c: Club;
let other: Club;
beforeAll(async () => {
  t = await startTestServer({}, "2025-12-15T09:00:00+08:00");
  c = await makeClub(t.url, "pln");
  other = await makeClub(t.url, "pln-other");
});
afterAll(() => t?.close());

/** Sessions expire after a week idle: sign everyone in again after a jump in time. */
async function signIn(club: Club) {
  club.admin.token = await loginAs(t.url, club.slug, `admin@${club.slug}.test`, "correct horse battery");
  club.manager.token = await loginAs(t.url, club.slug, `mgr@${club.slug}.test`, "manager pass 1");
  club.rep1.token = await loginAs(t.url, club.slug, `rep1@${club.slug}.test`, "rep one pass 1");
  club.rep2.token = await loginAs(t.url, club.slug, `rep2@${club.slug}.test`, "rep two pass 2");
}

async function contact(token: string, customerId: string, channel: string, occurredAt: string) {
  const res = await call(t.url, "POST", "/contacts", {
    token,
    body: { customerId, channel, occurredAt },
    headers: { "idempotency-key": crypto.randomUUID() },
  });
  if (res.status !== 201) throw new Error(`contact: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Json;
}

const plan = (token: string, body: Record<string, unknown>) => call(t.url, "POST", "/plans", { token, body });

let PA: Json;
let PB: Json;
let PP: Json;
let QA: Json;

describe("visit plans (第四条 2③ 制定客户访问计划)", () => {
  const plans: Json[] = [];

  it("a rep plans contacts with their own customers, for today or later", async () => {
    PA = await newCustomer(t.url, c.rep1.token, { name: "Plan A", status: "active" });
    PB = await newCustomer(t.url, c.rep1.token, { name: "Plan B", status: "active" });
    PP = await newCustomer(t.url, c.rep1.token, { name: "Plan P" });
    QA = await newCustomer(t.url, c.rep2.token, { name: "Rep2 A", status: "active" });
    const first = await plan(c.rep1.token, { customerId: PA.id, day: "2025-12-16", note: "续卡" });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ repId: c.rep1.id, customerId: PA.id, day: "2025-12-16", channel: null, note: "续卡" });
    plans.push(first.body);
    plans.push((await plan(c.rep1.token, { customerId: PB.id, day: "2025-12-17", channel: "phone" })).body);
    plans.push((await plan(c.rep1.token, { customerId: PP.id, day: "2025-12-18" })).body);
    const byManager = await plan(c.manager.token, { customerId: PA.id, day: "2025-12-19", channel: "demo", repId: c.rep1.id });
    expect(byManager.body.repId).toBe(c.rep1.id);
    plans.push(byManager.body);

    expectErrorShape(await plan(c.rep1.token, { customerId: PA.id, day: "2025-12-14" }), 422, "rule_violation");
    expectErrorShape(await plan(c.rep1.token, { customerId: PA.id, day: "2027-01-01" }), 422);
    expectErrorShape(await plan(c.rep1.token, { customerId: PA.id, day: "2025-12-16" }), 409, "conflict");
    expectErrorShape(await plan(c.rep1.token, { customerId: QA.id, day: "2025-12-16" }), 404);
    expectErrorShape(await plan(c.rep1.token, { customerId: PA.id, day: "2025-12-16", repId: c.rep2.id }), 404);
    expectErrorShape(await plan(other.admin.token, { customerId: PA.id, day: "2025-12-16" }), 404);
    const bad = await plan(c.rep1.token, { customerId: PA.id, day: "2025-12-32", channel: "fax" });
    expectErrorShape(bad, 400, "validation_failed");
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(["channel", "day"]);
  });

  it("lists a rep's own plans by day; others see nothing of them", async () => {
    const mine = await call(t.url, "GET", "/plans?from=2025-12-15&to=2025-12-21", { token: c.rep1.token });
    expect(mine.body.items.map((p: Json) => p.id)).toEqual(plans.map((p) => p.id));
    const paged = await call(t.url, "GET", "/plans?limit=3", { token: c.rep1.token });
    expect(paged.body.items.length).toBe(3);
    const rest = await call(t.url, "GET", `/plans?limit=3&cursor=${paged.body.nextCursor}`, { token: c.rep1.token });
    expect(rest.body.items.map((p: Json) => p.id)).toEqual([plans[3].id]);
    expect((await call(t.url, "GET", "/plans", { token: c.rep2.token })).body.items).toEqual([]);
    expectErrorShape(await call(t.url, "GET", `/plans?repId=${c.rep1.id}`, { token: c.rep2.token }), 404);
    expect((await call(t.url, "GET", `/plans?repId=${c.rep1.id}`, { token: c.manager.token })).body.items.length).toBe(4);
    expect((await call(t.url, "GET", "/plans", { token: other.admin.token })).body.items).toEqual([]);
  });

  it("deletes only one's own plans (managers any), never one for a past day", async () => {
    const extra = await plan(c.rep1.token, { customerId: PB.id, day: "2025-12-20" });
    expectErrorShape(await call(t.url, "DELETE", `/plans/${extra.body.id}`, { token: c.rep2.token }), 404);
    expectErrorShape(await call(t.url, "DELETE", `/plans/${extra.body.id}`, { token: other.admin.token }), 404);
    expect((await call(t.url, "DELETE", `/plans/${extra.body.id}`, { token: c.rep1.token })).status).toBe(204);
    expectErrorShape(await call(t.url, "DELETE", `/plans/${extra.body.id}`, { token: c.rep1.token }), 404);
    t.clock.set("2025-12-21T20:00:00+08:00");
    expectErrorShape(await call(t.url, "DELETE", `/plans/${plans[0].id}`, { token: c.manager.token }), 422);
  });

  it("plan versus actual per rep and ISO week", async () => {
    await contact(c.rep1.token, PA.id, "visit", "2025-12-16T10:00:00+08:00"); // keeps plan 0 on its day
    await contact(c.rep1.token, PB.id, "visit", "2025-12-18T10:00:00+08:00"); // keeps the phone plan 1 (any contact)
    await contact(c.rep1.token, PP.id, "phone", "2025-12-18T11:00:00+08:00"); // a call does not keep visit plan 2
    await contact(c.rep1.token, PA.id, "visit", "2025-12-20T10:00:00+08:00"); // keeps the demo plan 3 later that week
    await contact(c.rep1.token, PB.id, "letter", "2025-12-19T10:00:00+08:00"); // unplanned
    const future = await call(t.url, "POST", "/contacts", {
      token: c.rep2.token,
      body: { customerId: QA.id, channel: "visit", occurredAt: "2025-12-22T10:00:00+08:00" },
      headers: { "idempotency-key": crypto.randomUUID() },
    });
    expectErrorShape(future, 422); // not yet happened
    const expected = {
      repId: c.rep1.id,
      name: "rep1",
      week: "2025-W51",
      planned: 4,
      kept: 3,
      keptOnDay: 1,
      unplanned: 2,
      adherence: 0.75,
      missed: [plans[2].id],
    };
    const mine = await call(t.url, "GET", "/plans/adherence?week=2025-W51", { token: c.rep1.token });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ from: "2025-12-15", to: "2025-12-21", weeks: ["2025-W51"] });
    expect(mine.body.items).toEqual([expected]);
    // this week by default, and from–to widened to whole weeks
    expect((await call(t.url, "GET", "/plans/adherence", { token: c.rep1.token })).body.items).toEqual([expected]);
    const span = await call(t.url, "GET", "/plans/adherence?from=2025-12-17&to=2025-12-23", { token: c.manager.token });
    expect(span.body).toMatchObject({ from: "2025-12-15", to: "2025-12-28", weeks: ["2025-W51", "2025-W52"] });
    expect(span.body.items).toEqual([expected]);
    expectErrorShape(await call(t.url, "GET", `/plans/adherence?repId=${c.rep1.id}`, { token: c.rep2.token }), 404);
    expect((await call(t.url, "GET", "/plans/adherence?week=2025-W51", { token: c.rep2.token })).body.items).toEqual([]);
    expectErrorShape(await call(t.url, "GET", "/plans/adherence?week=2025-W53", { token: c.rep1.token }), 400);
    expectErrorShape(
      await call(t.url, "GET", "/plans/adherence?week=2025-W51&from=2025-12-15&to=2025-12-16", { token: c.rep1.token }),
      400,
    );
  });
});

describe("cadence: the overdue list (SPEC §5, 第四条 2①)", () => {
  let K1: Json;
  let K2: Json;
  let K3: Json;
  const overdue = async (token: string, path = "/reps/overdue") => {
    const res = await call(t.url, "GET", `${path}${path.includes("?") ? "&" : "?"}limit=200`, { token });
    expect(res.status).toBe(200);
    return res.body.items as Json[];
  };

  it("an A customer (last month ≥ 10,000) is due every 30 days, a C one every 60", async () => {
    // now 2025-12-21 20:00
    K1 = await newCustomer(t.url, c.rep1.token, { name: "Cadence C", status: "active" });
    K2 = await newCustomer(t.url, c.rep1.token, { name: "Cadence A", status: "active" });
    K3 = await newCustomer(t.url, c.rep1.token, { name: "Cadence Visited", status: "active" });
    await addRevenue(t.url, c.rep1.token, { customerId: K2.id, amount: 10000, occurredAt: "2025-12-10T12:00:00+08:00" });
    await contact(c.rep1.token, K3.id, "visit", "2025-12-21T19:00:00+08:00");
    expect(await overdue(c.manager.token)).toEqual([]);

    t.clock.set("2026-01-25T10:00:00+08:00");
    await signIn(c);
    await signIn(other);
    const list = await overdue(c.rep1.token);
    expect(list).toEqual([
      {
        customerId: K2.id,
        name: "Cadence A",
        ownerId: c.rep1.id,
        ownerName: "rep1",
        tier: "A",
        required: 12,
        intervalDays: 30,
        lastInPersonAt: null,
        activeSince: "2025-12-21T12:00:00.000Z",
        dueAt: "2026-01-20T12:00:00.000Z",
        daysOverdue: 4,
      },
    ]);
    // a phone call does not help; a visit does
    await contact(c.rep1.token, K2.id, "phone", "2026-01-25T09:00:00+08:00");
    expect((await overdue(c.rep1.token)).map((x) => x.customerId)).toEqual([K2.id]);
    await contact(c.rep1.token, K2.id, "visit", "2026-01-25T10:00:00+08:00");
    expect(await overdue(c.rep1.token)).toEqual([]);
  });

  it("most overdue first; a rep sees their own, a manager the club's or one rep's", async () => {
    t.clock.set("2026-02-25T10:00:00+08:00");
    await signIn(c);
    await signIn(other);
    // K2 spent nothing in January: tier C now, due 60 days after its visit
    const mine = await overdue(c.rep1.token);
    expect(mine.map((x) => x.customerId)).toEqual([PB.id, PA.id, K3.id, K1.id]);
    expect(mine.map((x) => x.daysOverdue)).toEqual([9, 7, 5, 5]);
    const club = await overdue(c.manager.token);
    expect(club.map((x) => x.customerId)).toEqual([QA.id, PB.id, PA.id, K3.id, K1.id]);
    expect((await overdue(c.manager.token, `/reps/${c.rep1.id}/overdue`)).map((x) => x.customerId)).toEqual(mine.map((x) => x.customerId));
    expect((await overdue(c.manager.token, `/reps/overdue?repId=${c.rep2.id}`)).map((x) => x.customerId)).toEqual([QA.id]);
    expect((await overdue(c.rep2.token)).map((x) => x.customerId)).toEqual([QA.id]);
    expectErrorShape(await call(t.url, "GET", `/reps/${c.rep1.id}/overdue`, { token: c.rep2.token }), 404);
    expectErrorShape(await call(t.url, "GET", `/reps/${c.rep1.id}/overdue`, { token: other.admin.token }), 404);
    expect(await overdue(other.admin.token)).toEqual([]);
    const page1 = await call(t.url, "GET", "/reps/overdue?limit=2", { token: c.manager.token });
    const page2 = await call(t.url, "GET", `/reps/overdue?limit=2&cursor=${page1.body.nextCursor}`, { token: c.manager.token });
    expect([...page1.body.items, ...page2.body.items].map((x: Json) => x.customerId)).toEqual([QA.id, PB.id, PA.id, K3.id]);
  });

  it("follows the club's cadence settings", async () => {
    const res = await call(t.url, "PATCH", "/settings", { token: c.admin.token, body: { cadence: { C: 12 } } });
    expect(res.status).toBe(200);
    const k2 = (await overdue(c.rep1.token)).find((x) => x.customerId === K2.id);
    expect(k2).toMatchObject({ tier: "C", required: 12, intervalDays: 30, daysOverdue: 1, lastInPersonAt: "2026-01-25T02:00:00.000Z" });
    await call(t.url, "PATCH", "/settings", { token: c.admin.token, body: { cadence: { C: 6 } } });
  });
});

describe("quarterly refresh (SPEC §7, 动态管理)", () => {
  let r: Club;
  let R1: Json;
  let R2: Json;
  let S1: Json;
  const progress = async (token: string, q = "") => {
    const res = await call(t.url, "GET", `/refresh/progress${q}`, { token });
    expect(res.status).toBe(200);
    return res.body as Json;
  };
  const row = (p: Json, repId: string) => p.items.find((x: Json) => x.repId === repId);

  it("counts each rep's prospects and active customers refreshed in the club quarter", async () => {
    // now 2026-02-25 (Q1): the club and its customers are created this quarter
    r = await makeClub(t.url, "rfr");
    R1 = await newCustomer(t.url, r.rep1.token, { name: "Refresh Active", status: "active" });
    R2 = await newCustomer(t.url, r.rep1.token, { name: "Refresh Prospect" });
    const dropped = await newCustomer(t.url, r.rep1.token, { name: "Refresh Dropped" });
    await call(t.url, "PATCH", `/customers/${dropped.id}`, { token: r.manager.token, body: { status: "dropped" } });
    S1 = await newCustomer(t.url, r.rep2.token, { name: "Refresh Rep2", status: "active" });
    const churned = await newCustomer(t.url, r.rep2.token, { name: "Refresh Churned", status: "active" });
    await call(t.url, "PATCH", `/customers/${churned.id}`, { token: r.rep2.token, body: { status: "churned" } });
    // created this quarter: fresh
    expect(row(await progress(r.manager.token), r.rep1.id)).toEqual({ repId: r.rep1.id, name: "rep1", total: 2, refreshed: 2, stale: 0 });

    t.clock.set("2026-04-10T10:00:00+08:00");
    for (const club of [c, other, r]) await signIn(club);
    // the quarter-end sweep for Q1: pln's customers (from Q4) went unrefreshed; rfr's were new
    await runJobsOnce(t.server.deps, ["refresh-alarms"]);
    const plnAlarms = await call(t.url, "GET", "/alarms?kind=refresh", { token: c.manager.token });
    expect(plnAlarms.body.items.map((a: Json) => [a.repId, a.data.quarter, a.data.stale, a.data.total]).sort()).toEqual(
      [
        [c.rep1.id, "2026-Q1", 6, 6],
        [c.rep2.id, "2026-Q1", 1, 1],
      ].sort(),
    );
    expect((await call(t.url, "GET", "/alarms?kind=refresh", { token: r.manager.token })).body.items).toEqual([]);

    const q2 = await progress(r.manager.token);
    expect(q2.quarter).toBe("2026-Q2");
    expect(row(q2, r.rep1.id)).toEqual({ repId: r.rep1.id, name: "rep1", total: 2, refreshed: 0, stale: 2 });
    expect(row(q2, r.rep2.id)).toEqual({ repId: r.rep2.id, name: "rep2", total: 1, refreshed: 0, stale: 1 });
    expect(q2.totals).toEqual({ total: 3, refreshed: 0, stale: 3 });

    expect((await call(t.url, "POST", `/customers/${R1.id}/refresh`, { token: r.rep1.token })).status).toBe(200);
    expect(
      (await call(t.url, "PATCH", `/customers/${S1.id}`, { token: r.rep2.token, body: { profile: { address: "新地址" } } })).status,
    ).toBe(200);
    await newCustomer(t.url, r.rep2.token, { name: "Refresh New", status: "active" });
    const after = await progress(r.manager.token);
    expect(row(after, r.rep1.id)).toMatchObject({ total: 2, refreshed: 1, stale: 1 });
    expect(row(after, r.rep2.id)).toMatchObject({ total: 2, refreshed: 2, stale: 0 });
  });

  it("lists stale customers, stalest first; reps see their own row and list", async () => {
    const stale = await call(t.url, "GET", "/refresh/stale", { token: r.manager.token });
    expect(stale.body).toMatchObject({ quarter: "2026-Q2", nextCursor: null });
    expect(stale.body.items.map((x: Json) => x.customerId)).toEqual([R2.id]);
    expect((await call(t.url, "GET", "/refresh/stale", { token: r.rep2.token })).body.items).toEqual([]);
    expect((await call(t.url, "GET", "/refresh/stale", { token: r.rep1.token })).body.items.map((x: Json) => x.customerId)).toEqual([
      R2.id,
    ]);
    expectErrorShape(await call(t.url, "GET", `/refresh/stale?ownerId=${r.rep1.id}`, { token: r.rep2.token }), 404);
    const own = await progress(r.rep1.token);
    expect(own.items).toEqual([{ repId: r.rep1.id, name: "rep1", total: 2, refreshed: 1, stale: 1 }]);
    expect(JSON.stringify(await progress(other.admin.token))).not.toContain(r.rep1.id);
    expectErrorShape(await call(t.url, "GET", "/refresh/progress?quarter=2026-Q3", { token: r.manager.token }), 422);
    expectErrorShape(await call(t.url, "GET", "/refresh/progress?quarter=2026-Q5", { token: r.manager.token }), 400);
  });

  it("at the quarter's end the stale ones raise one alarm per rep, once", async () => {
    t.clock.set("2026-07-01T00:05:00+08:00");
    for (const club of [c, other, r]) await signIn(club);
    // refreshed only after the quarter ended: still stale for Q2
    await call(t.url, "POST", `/customers/${R2.id}/refresh`, { token: r.rep1.token });
    await runJobsOnce(t.server.deps, ["refresh-alarms"]);
    await runJobsOnce(t.server.deps, ["refresh-alarms"]);
    const alarms = await call(t.url, "GET", "/alarms?kind=refresh", { token: r.manager.token });
    expect(alarms.body.items.length).toBe(1);
    expect(alarms.body.items[0]).toMatchObject({
      kind: "refresh",
      repId: r.rep1.id,
      data: { quarter: "2026-Q2", total: 2, refreshed: 1, stale: 1, customers: [{ id: R2.id, name: "Refresh Prospect" }] },
    });
    expect(alarms.body.items[0].message).toMatch(/1 of 2 .*2026-Q2/);
    expect((await call(t.url, "GET", "/alarms?kind=refresh", { token: r.rep2.token })).body.items).toEqual([]);
    // Q2 is judged by the refreshes made in it, whatever happened since
    expect(row(await progress(r.manager.token, "?quarter=2026-Q2"), r.rep1.id)).toMatchObject({ total: 2, refreshed: 1, stale: 1 });
    expect(row(await progress(r.manager.token), r.rep1.id)).toMatchObject({ total: 2, refreshed: 1, stale: 1 });
  });
});
