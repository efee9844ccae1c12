import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";

// GET /analysis/tiers is served from the per-process cache of derived reads, keyed by the
// club's data generation: these prove a cached answer never outlives a write that changes it.
let t: TestServer;
let a: Club;
let b: Club;
const MONTH = "2026-03";

beforeAll(async () => {
  t = await startTestServer({}, "2026-03-20T10:00:00+08:00");
  a = await makeClub(t.url, "tiers-cache-a");
  b = await makeClub(t.url, "tiers-cache-b");
  for (const [club, name, amount] of [
    [a, "A-big", 12000],
    [a, "A-small", 300],
    [b, "B-only", 7000],
  ] as const) {
    const cu = await newCustomer(t.url, club.manager.token, { name, ownerId: club.rep1.id, status: "active" });
    await addRevenue(t.url, club.manager.token, { customerId: cu.id, amount, occurredAt: "2026-03-05T10:00:00+08:00" });
  }
});
afterAll(() => t?.close());

const tiers = (club: Club, headers: Record<string, string> = {}) =>
  call(t.url, "GET", `/analysis/tiers?month=${MONTH}`, { token: club.manager.token, headers });
const names = (body: Json) => body.customers.map((r: { name: string }) => r.name);
const row = (body: Json, name: string) => body.customers.find((r: { name: string }) => r.name === name);

describe("tier analysis served from the cache", () => {
  it("answers with an ETag; a matching If-None-Match is a 304; the answer is cached", async () => {
    const first = await tiers(a);
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers.get("cache-control")).toBe("private, no-cache");
    expect((await tiers(a)).headers.get("etag")).toBe(etag);
    const notModified = await tiers(a, { "if-none-match": etag! });
    expect(notModified.status).toBe(304);
    // cached for real: a change behind the services' backs is not seen until a write moves the generation
    await t.db.database.db.execute(sql`update customers set name = 'A-renamed-behind' where name = 'A-small'`);
    expect(names((await tiers(a)).body)).toContain("A-small");
    await t.db.database.db.execute(sql`update customers set name = 'A-small' where name = 'A-renamed-behind'`);
  });

  it("a revenue write in the month shows at once", async () => {
    const before = await tiers(a);
    const small = row(before.body, "A-small");
    await addRevenue(t.url, a.rep1.token, { customerId: small.customerId, amount: 9700, occurredAt: "2026-03-06T10:00:00+08:00" });
    const after = await tiers(a);
    expect(after.headers.get("etag")).not.toBe(before.headers.get("etag"));
    expect(row(after.body, "A-small").spend).toBe(10000);
    expect(row(after.body, "A-small").tier).toBe("A");
    expect(after.body.total).toBe(before.body.total + 9700);
  });

  it("a customer created or renamed shows at once", async () => {
    const created = await newCustomer(t.url, a.manager.token, { name: "A-new", ownerId: a.rep2.id, status: "active" });
    expect(names((await tiers(a)).body)).toContain("A-new");
    const renamed = await call(t.url, "PATCH", `/customers/${created.id}`, { token: a.manager.token, body: { name: "A-new-name" } });
    expect(renamed.status).toBe(200);
    const body = (await tiers(a)).body;
    expect(names(body)).toContain("A-new-name");
    expect(names(body)).not.toContain("A-new");
  });

  it("an imported customer shows at once", async () => {
    const before = names((await tiers(a)).body);
    const csv = "name,kind,status,ownerEmail\nA-imported,individual,active,rep1@tiers-cache-a.test\n";
    const res = await call(t.url, "POST", "/customers/import", {
      token: a.manager.token,
      raw: csv,
      headers: { "content-type": "text/csv; charset=utf-8" },
    });
    if (res.status !== 201 && res.status !== 200) {
      // the import's columns are its own contract (customers tests); here only the cache matters
      expect.soft(res.status, JSON.stringify(res.body)).toBe(201);
      return;
    }
    expect(before).not.toContain("A-imported");
    expect(names((await tiers(a)).body)).toContain("A-imported");
  });

  it("new tier thresholds show at once", async () => {
    const res = await call(t.url, "PATCH", "/settings", { token: a.admin.token, body: { tierA: 20000, tierB: 8000 } });
    expect(res.status).toBe(200);
    const body = (await tiers(a)).body;
    expect(body.thresholds).toEqual({ A: 20000, B: 8000 });
    expect(row(body, "A-big").tier).toBe("B");
  });

  it("a club never gets another club's cached analysis", async () => {
    await tiers(a);
    const other = await tiers(b);
    expect(other.status).toBe(200);
    expect(names(other.body)).toEqual(["B-only"]);
    expect(names((await tiers(a)).body)).not.toContain("B-only");
  });

  it("is still for managers only, cached or not", async () => {
    await tiers(a);
    const res = await call(t.url, "GET", `/analysis/tiers?month=${MONTH}`, { token: a.rep1.token });
    expectErrorShape(res, 403);
  });
});
