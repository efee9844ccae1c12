import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJobsOnce } from "../../server/src/jobs/scheduler.ts";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, loginAs, startTestServer, type TestServer } from "../support/harness.ts";

let t: TestServer;
let c: Club;
let other: Club;
beforeAll(async () => {
  t = await startTestServer({}, "2026-04-10T10:00:00+08:00");
  c = await makeClub(t.url, "cards");
  other = await makeClub(t.url, "cards-other");
});
afterAll(() => t?.close());

describe("card sales (第五条 一)", () => {
  let gold: { id: string };
  it("a manager sets card types with list prices; reps may not", async () => {
    const res = await call(t.url, "POST", "/card-types", { token: c.manager.token, body: { name: "Gold 金卡", listPrice: 38000 } });
    expect(res.status).toBe(201);
    gold = res.body;
    expectErrorShape(await call(t.url, "POST", "/card-types", { token: c.rep1.token, body: { name: "Cheap", listPrice: 1 } }), 403);
    expectErrorShape(await call(t.url, "POST", "/card-types", { token: c.manager.token, body: { name: "gold 金卡", listPrice: 1 } }), 409);
  });

  it("a sale at the list price makes a prospect a new card customer and books the revenue", async () => {
    const p = await newCustomer(t.url, c.rep1.token, { name: "New Card Co" });
    const sale = await call(t.url, "POST", "/card-sales", { token: c.rep1.token, body: { customerId: p.id, cardTypeId: gold.id } });
    expect(sale.status).toBe(201);
    expect(sale.body).toMatchObject({ price: 38000, listPrice: 38000, newCardCustomer: true, approvedBy: null, repId: c.rep1.id });
    expect(sale.body.revenueEntry).toMatchObject({ amount: 38000, businessLine: "membership", source: "card_sale", customerId: p.id });
    const cu = await call(t.url, "GET", `/customers/${p.id}`, { token: c.rep1.token });
    expect(cu.body.status).toBe("active");
    expect(cu.body.transaction.cardsHeld).toEqual(["Gold 金卡"]);
    const again = await call(t.url, "POST", "/card-sales", { token: c.rep1.token, body: { customerId: p.id, cardTypeId: gold.id } });
    expect(again.body.newCardCustomer).toBe(false);
  });

  it("another price needs a manager's recorded approval; no extra fee field exists", async () => {
    const p = await newCustomer(t.url, c.rep1.token, { name: "Discount Co" });
    const rep = await call(t.url, "POST", "/card-sales", {
      token: c.rep1.token,
      body: { customerId: p.id, cardTypeId: gold.id, price: 30000 },
    });
    expectErrorShape(rep, 422, "rule_violation");
    expect(rep.body.error.fields.price).toMatch(/38000/);
    expectErrorShape(
      await call(t.url, "POST", "/card-sales", { token: c.manager.token, body: { customerId: p.id, cardTypeId: gold.id, price: 30000 } }),
      422,
    );
    const fee = await call(t.url, "POST", "/card-sales", {
      token: c.rep1.token,
      body: { customerId: p.id, cardTypeId: gold.id, fee: 500 },
    });
    expectErrorShape(fee, 400);
    const ok = await call(t.url, "POST", "/card-sales", {
      token: c.manager.token,
      body: { customerId: p.id, cardTypeId: gold.id, price: 30000, approvalNote: "GM approved: corporate bundle" },
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      price: 30000,
      listPrice: 38000,
      approvedBy: c.manager.id,
      approvalNote: "GM approved: corporate bundle",
      repId: c.rep1.id,
    });
  });

  it("refuses a dropped prospect and another club's card type", async () => {
    const p = await newCustomer(t.url, c.rep1.token, { name: "Dropped Co" });
    await call(t.url, "PATCH", `/customers/${p.id}`, { token: c.manager.token, body: { status: "dropped" } });
    expectErrorShape(
      await call(t.url, "POST", "/card-sales", { token: c.manager.token, body: { customerId: p.id, cardTypeId: gold.id } }),
      422,
    );
    const mine = await newCustomer(t.url, other.rep1.token, { name: "Other Co" });
    expectErrorShape(
      await call(t.url, "POST", "/card-sales", { token: other.rep1.token, body: { customerId: mine.id, cardTypeId: gold.id } }),
      400,
    );
    expect((await call(t.url, "GET", "/card-types", { token: other.rep1.token })).body.items).toEqual([]);
  });
});

describe("tiers and analysis (第五条 三.3)", () => {
  it("tiers the month's active customers by spend at the edges, shares add up to 1", async () => {
    const spends: [string, number][] = [
      ["T-A 10000", 10000],
      ["T-B 9999.99", 9999.99],
      ["T-B 5000", 5000],
      ["T-C 4999.99", 4999.99],
    ];
    const ids: Record<string, string> = {};
    for (const [name, amount] of spends) {
      const cu = await newCustomer(t.url, c.manager.token, { name, ownerId: c.rep2.id, status: "active", expectedMonthlySpend: 6000 });
      ids[name] = cu.id;
      // two entries across lines in March 2026, club time; one at 23:30 on the 31st
      await addRevenue(t.url, c.manager.token, {
        customerId: cu.id,
        amount: Math.round(amount * 50) / 100,
        businessLine: "spa",
        occurredAt: "2026-03-05T10:00:00+08:00",
      });
      await addRevenue(t.url, c.manager.token, {
        customerId: cu.id,
        amount: Math.round((amount - Math.round(amount * 50) / 100) * 100) / 100,
        businessLine: "golf",
        occurredAt: "2026-03-31T23:30:00+08:00",
      });
    }
    // active since early March with no spend: a C customer of March, not absent
    t.clock.set("2026-03-02T10:00:00+08:00");
    const zero = await newCustomer(t.url, c.manager.token, { name: "T-C zero", ownerId: c.rep2.id, status: "active" });
    t.clock.set("2026-04-10T10:00:00+08:00");
    await newCustomer(t.url, c.manager.token, { name: "T-late April", ownerId: c.rep2.id, status: "active" });
    const res = await call(t.url, "GET", "/analysis/tiers?month=2026-03", { token: c.manager.token });
    expect(res.status).toBe(200);
    const rows = res.body.customers.filter((r: { name: string }) => r.name.startsWith("T-"));
    expect(rows.map((r: { name: string; tier: string; spend: number }) => [r.name, r.tier, r.spend])).toEqual([
      ["T-A 10000", "A", 10000],
      ["T-B 9999.99", "B", 9999.99],
      ["T-B 5000", "B", 5000],
      ["T-C 4999.99", "C", 4999.99],
      ["T-C zero", "C", 0],
    ]);
    expect(res.body.thresholds).toEqual({ A: 10000, B: 5000 });
    const shares = res.body.customers.reduce((s: number, r: { share: number }) => s + r.share, 0);
    expect(shares).toBeCloseTo(1, 9);
    expect(res.body.customers.at(-1).cumulativeShare).toBe(1);
    expect(res.body.totals.A.count + res.body.totals.B.count + res.body.totals.C.count).toBe(res.body.customers.length);
    expect(res.body.totals.A.share + res.body.totals.B.share + res.body.totals.C.share).toBeCloseTo(1, 9);
    // the current tier (last complete month) shows on the customer
    expect((await call(t.url, "GET", `/customers/${ids["T-A 10000"]}`, { token: c.manager.token })).body.tier).toBe("A");
    expect(
      (await call(t.url, "GET", "/customers?tier=B&limit=200", { token: c.manager.token })).body.items
        .map((x: { name: string }) => x.name)
        .sort(),
    ).toEqual(["T-B 5000", "T-B 9999.99"]);
    expect((await call(t.url, "GET", `/customers/${zero.id}`, { token: c.manager.token })).body.tier).toBe("C");
    // custom thresholds move the edges
    await call(t.url, "PATCH", "/settings", { token: c.admin.token, body: { tierA: 9999.99, tierB: 4999.99 } });
    const custom = await call(t.url, "GET", "/analysis/tiers?month=2026-03", { token: c.manager.token });
    const tierOf = (n: string) => custom.body.customers.find((r: { name: string }) => r.name === n).tier;
    expect([tierOf("T-B 9999.99"), tierOf("T-C 4999.99")]).toEqual(["A", "B"]);
    await call(t.url, "PATCH", "/settings", { token: c.admin.token, body: { tierA: 10000, tierB: 5000 } });

    const csv = await fetch(`${t.url}/api/v1/analysis/tiers.csv?month=2026-03`, {
      headers: { authorization: `Bearer ${c.manager.token}` },
    });
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    const text = await csv.text();
    expect(text).toContain("T-A 10000");
    expect(text.split("\n")[0]).toContain("rank,customerId,name,spend");

    const share = await call(t.url, "GET", "/analysis/share?month=2026-03", { token: c.manager.token });
    const below = share.body.customers.filter((r: { belowExpected: boolean }) => r.belowExpected).map((r: { name: string }) => r.name);
    expect(below.sort()).toEqual(["T-B 5000", "T-C 4999.99"]);

    const mix = await call(t.url, "GET", `/analysis/mix?month=2026-03&customerId=${ids["T-A 10000"]}`, { token: c.manager.token });
    expect(
      mix.body.lines
        .filter((l: { spend: number }) => l.spend > 0)
        .map((l: { line: string }) => l.line)
        .sort(),
    ).toEqual(["golf", "spa"]);
    expect(mix.body.unused).toEqual(["membership", "catering", "rooms", "fitness"]);
    expect(mix.body.total).toBe(10000);

    expectErrorShape(await call(t.url, "GET", "/analysis/tiers?month=2026-03", { token: c.rep1.token }), 403);
    expectErrorShape(await call(t.url, "GET", "/analysis/tiers?month=March", { token: c.manager.token }), 400);
    const otherClub = await call(t.url, "GET", "/analysis/tiers?month=2026-03", { token: other.admin.token });
    expect(otherClub.body.customers).toEqual([]);
  });

  it("freezes each closed month's tiers into the history", async () => {
    const cu = await newCustomer(t.url, c.manager.token, { name: "Frozen", ownerId: c.rep1.id, status: "active" });
    await addRevenue(t.url, c.manager.token, { customerId: cu.id, amount: 12000, occurredAt: "2026-03-10T10:00:00+08:00" });
    await runJobsOnce(t.server.deps, ["freeze-tiers"]);
    await runJobsOnce(t.server.deps, ["freeze-tiers"]);
    const h = await call(t.url, "GET", `/customers/${cu.id}/tiers?months=2`, { token: c.manager.token });
    expect(h.body.months[0]).toMatchObject({ month: "2026-03", spend: 12000, tier: "A", frozen: true });
  });
});

describe("complaints", () => {
  it("an open complaint over 48 hours raises one alarm; resolving clears it", async () => {
    const s = await startTestServer({}, "2026-04-10T10:00:00+08:00");
    try {
      const k = await makeClub(s.url, "complain");
      const cu = await newCustomer(s.url, k.rep1.token, { name: "Unhappy Co", status: "active" });
      const cp = await call(s.url, "POST", "/complaints", {
        token: k.rep1.token,
        body: { customerId: cu.id, channel: "phone", summary: "Locker broken" },
      });
      expect(cp.status).toBe(201);
      expect((await call(s.url, "GET", "/complaints?status=open", { token: k.rep2.token })).body.items).toEqual([]);
      s.clock.advance(47 * 3600_000);
      await runJobsOnce(s.server.deps, ["complaint-alarms"]);
      const mgr = () => call(s.url, "GET", "/alarms?kind=complaint", { token: k.manager.token });
      expect((await mgr()).body.items).toEqual([]);
      s.clock.advance(2 * 3600_000);
      await runJobsOnce(s.server.deps, ["complaint-alarms"]);
      await runJobsOnce(s.server.deps, ["complaint-alarms"]);
      const alarms = (await mgr()).body.items;
      expect(alarms).toHaveLength(1);
      expect(alarms[0]).toMatchObject({ kind: "complaint", repId: k.rep1.id, subjectId: cu.id, clearedAt: null });
      const rep1 = await loginAs(s.url, "complain", "rep1@complain.test", "rep one pass 1");
      expect((await call(s.url, "GET", "/alarms", { token: rep1 })).body.items).toHaveLength(1);
      expect((await call(s.url, "GET", "/alarms", { token: k.rep2.token })).body.items).toEqual([]);
      const res = await call(s.url, "POST", `/complaints/${cp.body.id}/resolve`, {
        token: rep1,
        body: { resolution: "Replaced the lock" },
      });
      expect(res.body.status).toBe("resolved");
      expect((await mgr()).body.items[0].clearedAt).not.toBeNull();
      const ack = await call(s.url, "POST", `/alarms/${alarms[0].id}/acknowledge`, { token: k.manager.token });
      expect(ack.body).toMatchObject({ acknowledgedBy: k.manager.id });
      expectErrorShape(await call(s.url, "POST", `/alarms/${alarms[0].id}/acknowledge`, { token: rep1 }), 403);
    } finally {
      await s.close();
    }
  });
});
