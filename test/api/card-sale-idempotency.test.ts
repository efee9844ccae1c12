import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, type Res, startTestServer, type TestServer } from "../support/harness.ts";

// A rep's phone that lost the answer to a card sale retries it: with an
// Idempotency-Key the retry answers the first sale and sells nothing twice.
let t: TestServer;
let c: Club;
let gold: Json;
beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  c = await makeClub(t.url, "csi");
  gold = (await call(t.url, "POST", "/card-types", { token: c.manager.token, body: { name: "金卡", listPrice: 38000 } })).body;
});
afterAll(() => t?.close());

const sell = (token: string, body: Record<string, unknown>, key?: string): Promise<Res<Json>> =>
  call(t.url, "POST", "/card-sales", { token, body, headers: key === undefined ? {} : { "Idempotency-Key": key } });

const salesOf = async (customerId: string) =>
  (await call(t.url, "GET", `/card-sales?customerId=${customerId}`, { token: c.manager.token })).body.items as Json[];
const revenueOf = async (customerId: string) =>
  (await call(t.url, "GET", `/revenue?customerId=${customerId}`, { token: c.manager.token })).body.items as Json[];

describe("selling a card with an Idempotency-Key", () => {
  it("a retry, and racing retries, sell once and answer the same sale", async () => {
    const p = await newCustomer(t.url, c.rep1.token, { name: "京东方科技集团", status: "prospect" });
    const key = crypto.randomUUID();
    const body = { customerId: p.id, cardTypeId: gold.id };
    const first = await sell(c.rep1.token, body, key);
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await Promise.all([1, 2, 3].map(() => sell(c.rep1.token, body, key)));
    for (const r of again) {
      expect(r.status).toBe(201);
      expect(r.body).toEqual(first.body);
      expect(r.headers.get("idempotent-replayed")).toBe("true");
    }
    expect(await salesOf(p.id)).toHaveLength(1);
    expect(await revenueOf(p.id)).toHaveLength(1);
  });

  it("the same key with another body is a 409 naming the key; a refused sale gives its key up", async () => {
    const p = await newCustomer(t.url, c.rep1.token, { name: "小米科技市场部", status: "prospect" });
    const key = crypto.randomUUID();
    const refused = await sell(c.rep1.token, { customerId: p.id, cardTypeId: gold.id, price: 1000 }, key);
    expectErrorShape(refused, 422, "rule_violation");
    const ok = await sell(c.rep1.token, { customerId: p.id, cardTypeId: gold.id }, key);
    expect(ok.status).toBe(201);
    const other = await sell(c.rep1.token, { customerId: p.id, cardTypeId: gold.id, occurredAt: "2026-03-14T10:00:00+08:00" }, key);
    expectErrorShape(other, 409, "conflict");
    expect(other.body.error.fieldCodes["Idempotency-Key"]).toEqual({ code: "key_reused" });
    expect(await salesOf(p.id)).toHaveLength(1);
  });

  it("the same key used by a colleague is their own sale; without a key nothing changes", async () => {
    const p = await newCustomer(t.url, c.manager.token, { name: "国贸大酒店", status: "prospect", ownerId: c.rep1.id });
    const key = crypto.randomUUID();
    expect((await sell(c.rep1.token, { customerId: p.id, cardTypeId: gold.id }, key)).status).toBe(201);
    expect((await sell(c.manager.token, { customerId: p.id, cardTypeId: gold.id }, key)).status).toBe(201);
    expect((await sell(c.manager.token, { customerId: p.id, cardTypeId: gold.id })).status).toBe(201);
    expect(await salesOf(p.id)).toHaveLength(3);
  });
});
