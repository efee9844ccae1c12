import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, startTestServer, type TestServer } from "../support/harness.ts";

const HOUR = 3_600_000;
let t: TestServer;
let c: Club;

beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  c = await makeClub(t.url, "complaint-clock");
});
afterAll(() => t?.close());

const log = async (token: string, customerId: string, summary: string) => {
  const res = await call(t.url, "POST", "/complaints", { token, body: { customerId, channel: "phone", summary } });
  expect(res.status).toBe(201);
  return res.body as Json;
};

// 受理客户投诉: the list carries each complaint's 48-hour clock and its rep, and reads oldest first on request.
describe("complaints: the 48-hour clock in the list", () => {
  it("gives dueAt (openedAt + 48 h), overdue and time left, the owner, oldest first", async () => {
    const a = await newCustomer(t.url, c.rep1.token, { name: "Clock Old", status: "active" });
    const b = await newCustomer(t.url, c.rep2.token, { name: "Clock New", status: "active" });
    const old = await log(c.manager.token, a.id, "old one");
    t.clock.advance(40 * HOUR);
    const fresh = await log(c.manager.token, b.id, "new one");
    t.clock.advance(10 * HOUR); // old: 50 h open, new: 10 h open

    const res = await call(t.url, "GET", "/complaints?status=open&order=oldest", { token: c.manager.token });
    expect(res.status).toBe(200);
    const items = res.body.items as Json[];
    expect(items.map((i) => i.id)).toEqual([old.id, fresh.id]);
    const [first, second] = items as [Json, Json];
    expect(first.dueAt).toBe(new Date(new Date(old.openedAt).getTime() + 48 * HOUR).toISOString());
    expect(first.overdue).toBe(true);
    expect(first.msLeft).toBe(-2 * HOUR);
    expect(first.ownerId).toBe(c.rep1.id);
    expect(typeof first.ownerName).toBe("string");
    expect(second.overdue).toBe(false);
    expect(second.msLeft).toBe(38 * HOUR);
    expect(second.ownerId).toBe(c.rep2.id);

    // newest first stays the default
    const byDefault = await call(t.url, "GET", "/complaints?status=open", { token: c.manager.token });
    expect((byDefault.body.items as Json[]).map((i) => i.id)).toEqual([fresh.id, old.id]);

    // oldest first pages forward with its cursor
    const p1 = await call(t.url, "GET", "/complaints?status=open&order=oldest&limit=1", { token: c.manager.token });
    expect((p1.body.items as Json[])[0]?.id).toBe(old.id);
    const p2 = await call(t.url, "GET", `/complaints?status=open&order=oldest&limit=1&cursor=${p1.body.nextCursor}`, {
      token: c.manager.token,
    });
    expect((p2.body.items as Json[]).map((i) => i.id)).toEqual([fresh.id]);

    // resolved: no clock running, not overdue
    const r = await call(t.url, "POST", `/complaints/${old.id}/resolve`, { token: c.manager.token, body: { resolution: "回电致歉" } });
    expect(r.status).toBe(200);
    const done = await call(t.url, "GET", "/complaints?status=resolved", { token: c.manager.token });
    const resolved = (done.body.items as Json[]).find((i) => i.id === old.id) as Json;
    expect(resolved.overdue).toBe(false);
    expect(resolved.msLeft).toBeNull();
  });

  it("refuses an unknown order as a 400 naming the field", async () => {
    const res = await call(t.url, "GET", "/complaints?order=sideways", { token: c.manager.token });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty("order");
  });
});
