import type { Tx } from "@clubhouse/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyTotals } from "../../server/src/revenue/ledger.ts";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, startTestServer, type TestServer } from "../support/harness.ts";

let t: TestServer;
let c: Club;
let other: Club;
let customer: { id: string };
beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  c = await makeClub(t.url, "money");
  other = await makeClub(t.url, "money-other");
  customer = await newCustomer(t.url, c.rep1.token, { name: "Ledger Co", status: "active" });
});
afterAll(() => t?.close());

const verify = () => t.db.database.db.transaction((tx) => verifyTotals(tx as unknown as Tx));

describe("money validation (SPEC §1)", () => {
  const cases: [string, unknown, number][] = [
    ["zero", 0, 400],
    ["negative", -5, 400],
    ["three decimals", 1.234, 400],
    ["a string", "100", 400],
    ["over 1e12", 1e12 + 1, 400],
    ["exponent form", 1e21, 400],
    ["null", null, 400],
    ["two decimals", 9999.99, 201],
    ["one decimal", 0.1, 201],
    ["exactly 1e12", 1e12, 201],
  ];
  for (const [name, amount, status] of cases) {
    it(`${name} → ${status}`, async () => {
      const res = await call(t.url, "POST", "/revenue", {
        token: c.rep1.token,
        body: { customerId: customer.id, amount, businessLine: "spa", occurredAt: "2026-03-10T12:00:00+08:00" },
      });
      if (status === 400) {
        expectErrorShape(res, 400, "validation_failed");
        expect(Object.keys(res.body.error.fields)).toEqual(["amount"]);
      } else {
        expect(res.status).toBe(201);
        expect(res.body.amount).toBe(amount);
      }
    });
  }

  it("refuses an unknown business line, a time without an offset, and unknown fields", async () => {
    const res = await call(t.url, "POST", "/revenue", {
      token: c.rep1.token,
      body: { customerId: customer.id, amount: 10, businessLine: "casino", occurredAt: "2026-03-10T12:00:00", fee: 5 },
    });
    expectErrorShape(res, 400);
    expect(Object.keys(res.body.error.fields).sort()).toEqual(["body", "occurredAt"]);
    const line = await call(t.url, "POST", "/revenue", {
      token: c.rep1.token,
      body: { customerId: customer.id, amount: 10, businessLine: "casino", occurredAt: "2026-03-10T12:00:00+08:00" },
    });
    expectErrorShape(line, 400);
    expect(line.body.error.fields.businessLine).toMatch(/membership/);
  });
});

describe("the ledger", () => {
  it("puts an entry at 23:30 on the last day of a month, club time, in that month", async () => {
    const e = await addRevenue(t.url, c.rep1.token, { customerId: customer.id, amount: 100, occurredAt: "2026-01-31T23:30:00+08:00" });
    expect(e.month).toBe("2026-01");
    const utc = await addRevenue(t.url, c.rep1.token, { customerId: customer.id, amount: 100, occurredAt: "2026-01-31T16:30:00Z" });
    expect(utc.month).toBe("2026-02");
  });

  it("credits the owner at the time by default, and a rep only themself", async () => {
    const cu = await newCustomer(t.url, c.manager.token, { name: "Owned Twice", ownerId: c.rep1.id, status: "active" });
    t.clock.advance(3600_000);
    await call(t.url, "PATCH", `/customers/${cu.id}`, { token: c.manager.token, body: { ownerId: c.rep2.id } });
    const before = await addRevenue(t.url, c.manager.token, { customerId: cu.id, amount: 50, occurredAt: "2026-03-15T10:30:00+08:00" });
    const after = await addRevenue(t.url, c.manager.token, { customerId: cu.id, amount: 60, occurredAt: t.clock.now().toISOString() });
    expect(before.repId).toBe(c.rep1.id);
    expect(after.repId).toBe(c.rep2.id);
    expectErrorShape(
      await call(t.url, "POST", "/revenue", {
        token: c.rep2.token,
        body: { customerId: cu.id, amount: 1, businessLine: "spa", occurredAt: "2026-03-15T10:45:00+08:00", repId: c.rep1.id },
      }),
      403,
    );
    expectErrorShape(
      await call(t.url, "POST", "/revenue", {
        token: c.rep1.token,
        body: { customerId: cu.id, amount: 1, businessLine: "spa", occurredAt: "2026-03-15T10:45:00+08:00" },
      }),
      404,
    );
  });

  it("corrects by reversal only: both stay visible, once, never a reversal of a reversal", async () => {
    const e = await addRevenue(t.url, c.rep1.token, { customerId: customer.id, amount: 777.77, occurredAt: "2026-02-10T10:00:00+08:00" });
    const r = await call(t.url, "POST", `/revenue/${e.id}/reverse`, { token: c.manager.token, body: { reason: "keyed twice" } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ amount: -777.77, reversesId: e.id, reason: "keyed twice", month: "2026-02", source: "reversal" });
    expectErrorShape(
      await call(t.url, "POST", `/revenue/${e.id}/reverse`, { token: c.manager.token, body: { reason: "again" } }),
      409,
      "conflict",
    );
    expectErrorShape(await call(t.url, "POST", `/revenue/${r.body.id}/reverse`, { token: c.manager.token, body: { reason: "undo" } }), 422);
    expectErrorShape(await call(t.url, "POST", `/revenue/${e.id}/reverse`, { token: c.manager.token, body: {} }), 400);
    const list = await call(t.url, "GET", `/revenue?customerId=${customer.id}&month=2026-02&limit=200`, { token: c.manager.token });
    const ids = list.body.items.map((x: { id: string }) => x.id);
    expect(ids).toEqual(expect.arrayContaining([e.id, r.body.id]));
    expect(list.body.items.find((x: { id: string }) => x.id === e.id).reversedById).toBe(r.body.id);
    expectErrorShape(
      await call(t.url, "POST", `/revenue/${e.id}/reverse`, { token: other.admin.token, body: { reason: "not yours" } }),
      404,
    );
  });

  it("there is no way to edit or delete an entry", async () => {
    const e = await addRevenue(t.url, c.rep1.token, { customerId: customer.id, amount: 5, occurredAt: "2026-03-01T10:00:00+08:00" });
    expectErrorShape(await call(t.url, "PATCH", `/revenue/${e.id}`, { token: c.admin.token, body: { amount: 1 } }), 404);
    expectErrorShape(await call(t.url, "DELETE", `/revenue/${e.id}`, { token: c.admin.token }), 404);
  });

  it("lists by rep and month, paged; a rep sees their own; another club sees none", async () => {
    const page1 = await call(t.url, "GET", `/revenue?repId=${c.rep1.id}&limit=3`, { token: c.manager.token });
    expect(page1.body.items).toHaveLength(3);
    const page2 = await call(t.url, "GET", `/revenue?repId=${c.rep1.id}&limit=3&cursor=${page1.body.nextCursor}`, {
      token: c.manager.token,
    });
    expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);
    const rep2 = await call(t.url, "GET", "/revenue?limit=200", { token: c.rep2.token });
    expect(rep2.body.items.length).toBeGreaterThan(0);
    expect(rep2.body.items.some((x: { customerId: string }) => x.customerId === customer.id)).toBe(false);
    expect((await call(t.url, "GET", "/revenue?limit=200", { token: other.admin.token })).body.items).toEqual([]);
    expectErrorShape(await call(t.url, "GET", "/revenue?month=2026-13", { token: c.manager.token }), 400);
  });

  it("an Idempotency-Key makes a retried write book the money once", async () => {
    const body = { customerId: customer.id, amount: 321, businessLine: "rooms", occurredAt: "2026-03-12T10:00:00+08:00" };
    const headers = { "idempotency-key": "till-42" };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => call(t.url, "POST", "/revenue", { token: c.rep1.token, body, headers })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const booked = await call(t.url, "GET", `/revenue?customerId=${customer.id}&month=2026-03&limit=200`, { token: c.manager.token });
    expect(booked.body.items.filter((x: { amount: number }) => x.amount === 321)).toHaveLength(1);
    expectErrorShape(await call(t.url, "POST", "/revenue", { token: c.rep1.token, body: { ...body, amount: 322 }, headers }), 409);
  });

  it("maintained totals always agree with the ledger", async () => {
    expect(await verify()).toEqual({ customers: [], reps: [] });
  });
});
