import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub } from "../support/club.ts";
import { call, expectErrorShape, type Json, type Res, startTestServer, type TestServer } from "../support/harness.ts";

// A phone adds a prospect offline and replays the POST until it hears an answer:
// with an Idempotency-Key the replay answers the same customer and stores nothing new.
let t: TestServer;
let c: Club;
let other: Club;
beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  c = await makeClub(t.url, "cci");
  other = await makeClub(t.url, "cci-other");
});
afterAll(() => t?.close());

const create = (token: string, body: Record<string, unknown>, key?: string): Promise<Res<Json>> =>
  call(t.url, "POST", "/customers", { token, body, headers: key === undefined ? {} : { "Idempotency-Key": key } });

const named = async (token: string, name: string) =>
  ((await call(t.url, "GET", `/customers?limit=200`, { token })).body.items as Json[]).filter((x) => x.name === name);

describe("adding a customer with an Idempotency-Key", () => {
  it("a replay stores one customer and answers the same one", async () => {
    const key = crypto.randomUUID();
    const body = { name: "华润置地-新客", kind: "group", profile: { phone: "13800000001" }, transaction: { needs: "团体会籍" } };
    const first = await create(c.rep1.token, body, key);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ name: "华润置地-新客", kind: "group", status: "prospect", ownerId: c.rep1.id });
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await create(c.rep1.token, body, key);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    // Racing replays (the phone retried while the first answer was lost) store one too.
    const raced = await Promise.all([1, 2, 3].map(() => create(c.rep1.token, body, key)));
    for (const r of raced) expect(r.body.id).toBe(first.body.id);
    expect(await named(c.rep1.token, "华润置地-新客")).toHaveLength(1);
  });

  it("the same key with another body is a 409 naming the key, and stores nothing", async () => {
    const key = crypto.randomUUID();
    expect((await create(c.rep1.token, { name: "中信银行-新客", kind: "group" }, key)).status).toBe(201);
    const res = await create(c.rep1.token, { name: "中信银行-别的", kind: "group" }, key);
    expectErrorShape(res, 409);
    expect(res.body.error.fields).toHaveProperty("Idempotency-Key");
    expect(await named(c.rep1.token, "中信银行-别的")).toHaveLength(0);
  });

  it("another user's or another club's same key is their own customer", async () => {
    const key = crypto.randomUUID();
    const body = { name: "国贸-同一个键", kind: "individual" };
    const mine = await create(c.rep1.token, body, key);
    const colleague = await create(c.rep2.token, body, key);
    const elsewhere = await create(other.rep1.token, body, key);
    for (const r of [mine, colleague, elsewhere]) expect(r.status).toBe(201);
    expect(colleague.headers.get("idempotent-replayed")).toBeNull();
    expect(elsewhere.headers.get("idempotent-replayed")).toBeNull();
    expect(new Set([mine.body.id, colleague.body.id, elsewhere.body.id]).size).toBe(3);
    expect(colleague.body.ownerId).toBe(c.rep2.id);
    expect(elsewhere.body.ownerId).toBe(other.rep1.id);
    expect(await named(c.manager.token, "国贸-同一个键")).toHaveLength(2);
    expect(await named(other.manager.token, "国贸-同一个键")).toHaveLength(1);
  });

  it("a refused create gives the key back: fixed and resent with the same key, it is stored once", async () => {
    const key = crypto.randomUUID();
    const bad = await create(c.rep1.token, { name: "  ", kind: "group" }, key);
    expectErrorShape(bad, 400);
    expect(bad.body.error.fields).toHaveProperty("name");
    const badKey = await create(c.rep1.token, { name: "键不对", kind: "group" }, "key with spaces");
    expectErrorShape(badKey, 400);
    expect(badKey.body.error.fields).toHaveProperty("Idempotency-Key");
    const ok = await create(c.rep1.token, { name: "小米-修好了", kind: "group" }, key);
    expect(ok.status).toBe(201);
    expect(await named(c.rep1.token, "小米-修好了")).toHaveLength(1);
  });

  it("without a key every POST is a new customer, as before", async () => {
    const body = { name: "没有键", kind: "group" };
    const a = await create(c.rep1.token, body);
    const b = await create(c.rep1.token, body);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.body.id).not.toBe(b.body.id);
  });
});
