import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";

/**
 * Totals stay exact (SPEC §1: storage is exact): a club books at most ¥10 trillion
 * (1e15 fen) in a club year, reversals counted by their size, so every sum the app
 * reads — a rep's month, quarter and year, a month across customers — stays below
 * 2^53 fen and reads back to the cent. A write that would pass the cap is a 422.
 */
let t: TestServer;
let c: Club;
let other: Club;
let a: { id: string };
let b: { id: string };
const CAP_YUAN = 1e13;

beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  c = await makeClub(t.url, "totals");
  other = await makeClub(t.url, "totals-other");
  a = await newCustomer(t.url, c.manager.token, { name: "Whale A", ownerId: c.rep1.id, status: "active" });
  b = await newCustomer(t.url, c.manager.token, { name: "Whale B", ownerId: c.rep2.id, status: "active" });
});
afterAll(() => t?.close());

const post = (club: Club, customerId: string, amount: number, occurredAt: string) =>
  call(t.url, "POST", "/revenue", { token: club.manager.token, body: { customerId, amount, businessLine: "golf", occurredAt } });
const get = async (path: string, token = c.manager.token) => {
  const res = await call(t.url, "GET", path, { token });
  expect(res.status).toBe(200);
  return res.body as Json;
};

describe("totals at the edge of the exact range", () => {
  const entries: string[] = [];
  it("books up to one fen under the year's cap across reps, months and customers", async () => {
    // rep1: 5 × 1e12 in January and March; rep2: 4 × 1e12 + 999,999,999,999.99 in February
    for (const [cu, at] of [
      [a, "2026-01-10T12:00:00+08:00"],
      [a, "2026-01-11T12:00:00+08:00"],
      [a, "2026-03-01T12:00:00+08:00"],
      [a, "2026-03-02T12:00:00+08:00"],
      [a, "2026-03-03T12:00:00+08:00"],
      [b, "2026-02-01T12:00:00+08:00"],
      [b, "2026-02-02T12:00:00+08:00"],
      [b, "2026-02-03T12:00:00+08:00"],
      [b, "2026-02-04T12:00:00+08:00"],
    ] as const) {
      const res = await post(c, cu.id, 1e12, at);
      expect(res.status).toBe(201);
      entries.push(res.body.id);
    }
    const last = await post(c, b.id, 999_999_999_999.99, "2026-02-05T12:00:00+08:00");
    expect(last.status).toBe(201);
    expect(last.body.amount).toBe(999_999_999_999.99);
  });

  it("reads the year back to the cent: leaderboard, quota and tier analysis", async () => {
    const year = await get("/leaderboard?period=year&at=2026-03");
    const rev = Object.fromEntries((year.rows as Json[]).map((r) => [r.repId, r.revenue]));
    expect(rev[c.rep1.id]).toBe(5e12);
    expect(rev[c.rep2.id]).toBe(4_999_999_999_999.99);
    const quarter = await get("/leaderboard?period=quarter&at=2026-03");
    expect((quarter.rows as Json[]).reduce((s, r) => s + Math.round(r.revenue * 100), 0)).toBe(CAP_YUAN * 100 - 1);
    const feb = await get("/quota?month=2026-02");
    expect((feb.reps as Json[]).find((r) => r.repId === c.rep2.id)?.achieved).toBe(4_999_999_999_999.99);
    const tiers = await get("/analysis/tiers?month=2026-02");
    expect(tiers.customers.find((x: Json) => x.customerId === b.id)?.spend).toBe(4_999_999_999_999.99);
    const total = (["A", "B", "C"] as const).reduce((s, k) => s + Math.round(tiers.totals[k].spend * 100), 0);
    expect(total).toBe(499_999_999_999_999);
  });

  it("takes the last fen, reaching the cap exactly, and refuses one fen more (422, nothing stored)", async () => {
    const lastFen = await post(c, a.id, 0.01, "2026-03-04T12:00:00+08:00");
    expect(lastFen.status).toBe(201);
    const year = await get("/leaderboard?period=year&at=2026-03");
    expect((year.rows as Json[]).reduce((s, r) => s + Math.round(r.revenue * 100), 0)).toBe(CAP_YUAN * 100);
    expect((year.rows as Json[]).find((r) => r.repId === c.rep1.id)?.revenue).toBe(5_000_000_000_000.01);

    const before = (await get("/revenue?limit=200")).items.length;
    const over = await post(c, a.id, 0.01, "2026-03-05T12:00:00+08:00");
    expectErrorShape(over, 422, "rule_violation");
    expect(Object.keys(over.body.error.fields)).toEqual(["amount"]);
    const big = await post(c, b.id, 1e12, "2026-03-12T12:00:00+08:00");
    expectErrorShape(big, 422, "rule_violation");
    expect((await get("/revenue?limit=200")).items.length).toBe(before);
    const march = await get("/quota?month=2026-03");
    expect((march.reps as Json[]).find((r) => r.repId === c.rep1.id)?.achieved).toBe(3_000_000_000_000.01);
  });

  it("a CSV import that would pass the cap is refused whole", async () => {
    const csv = `customerId,amount,businessLine,occurredAt\n${a.id},1,golf,2025-06-01T10:00:00+08:00\n${a.id},1,golf,2026-03-06T10:00:00+08:00\n`;
    const res = await fetch(`${t.url}/api/v1/revenue/import`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.manager.token}`, "content-type": "text/csv" },
      body: csv,
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as Json).error.code).toBe("rule_violation");
    expect((await get("/revenue?limit=200")).items.filter((e: Json) => e.month === "2025-06")).toHaveLength(0);
  });

  it("a card sale that would pass the cap is refused, and the customer is left as it was", async () => {
    const type = await call(t.url, "POST", "/card-types", { token: c.manager.token, body: { name: "Gold", listPrice: 38000 } });
    const p = await newCustomer(t.url, c.rep1.token, { name: "Late Prospect" });
    const sale = await call(t.url, "POST", "/card-sales", { token: c.rep1.token, body: { customerId: p.id, cardTypeId: type.body.id } });
    expectErrorShape(sale, 422, "rule_violation");
    expect((await get(`/customers/${p.id}`)).status).toBe("prospect");
  });

  it("at the cap a reversal, which counts by its size, is refused too; another year and another club have their own", async () => {
    expectErrorShape(
      await call(t.url, "POST", `/revenue/${entries[0]}/reverse`, { token: c.manager.token, body: { reason: "typed twice" } }),
      422,
      "rule_violation",
    );
    expect((await post(c, a.id, 1e12, "2025-12-31T12:00:00+08:00")).status).toBe(201);
    const mine = await newCustomer(t.url, other.manager.token, { name: "Other Co", ownerId: other.rep1.id, status: "active" });
    expect((await post(other, mine.id, 1e12, "2026-03-10T12:00:00+08:00")).status).toBe(201);
  });
});
