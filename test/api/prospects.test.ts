import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";

let t: TestServer;
let c: Club;
let other: Club;
beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  c = await makeClub(t.url, "prs");
  other = await makeClub(t.url, "prs-other");
});
afterAll(() => t?.close());

async function contact(token: string, customerId: string, channel = "visit") {
  const res = await call(t.url, "POST", "/contacts", {
    token,
    body: { customerId, channel },
    headers: { "idempotency-key": crypto.randomUUID() },
  });
  if (res.status !== 201) throw new Error(`contact: ${res.status} ${JSON.stringify(res.body)}`);
  t.clock.advance(60_000);
  return res.body as Json;
}

const queue = async (token = c.manager.token) => {
  const res = await call(t.url, "GET", "/prospects/review?limit=200", { token });
  expect(res.status).toBe(200);
  return res.body.items as Json[];
};
const inQueue = async (id: string) => (await queue()).find((x) => x.customerId === id);
const decide = (id: string, body: Record<string, unknown>, token = c.manager.token) =>
  call(t.url, "POST", `/prospects/${id}/review`, { token, body });

describe("the prospect review queue (SPEC §5, 第四条 2②)", () => {
  it("a prospect enters at its third in-person contact; calls and letters do not count", async () => {
    const p = await newCustomer(t.url, c.rep1.token, { name: "Three Visits" });
    await contact(c.rep1.token, p.id, "visit");
    await contact(c.rep1.token, p.id, "phone");
    await contact(c.rep1.token, p.id, "demo");
    await contact(c.rep1.token, p.id, "letter");
    expect(await inQueue(p.id)).toBeUndefined();
    const third = await contact(c.rep1.token, p.id, "visit");
    expect(await inQueue(p.id)).toMatchObject({
      customerId: p.id,
      name: "Three Visits",
      ownerId: c.rep1.id,
      contacts: 3,
      lastContactAt: third.occurredAt,
    });
  });

  it("voided contacts do not count, and active customers never queue", async () => {
    const p = await newCustomer(t.url, c.rep1.token, { name: "Voided Visits" });
    const a = await contact(c.rep1.token, p.id);
    await contact(c.rep1.token, p.id);
    await contact(c.rep1.token, p.id);
    expect((await inQueue(p.id))?.contacts).toBe(3);
    await call(t.url, "POST", `/contacts/${a.id}/void`, { token: c.rep1.token, body: { reason: "never happened" } });
    expect(await inQueue(p.id)).toBeUndefined();
    const act = await newCustomer(t.url, c.rep1.token, { name: "Active Visits", status: "active" });
    for (let i = 0; i < 4; i++) await contact(c.rep1.token, act.id);
    expect(await inQueue(act.id)).toBeUndefined();
    expectErrorShape(await decide(act.id, { decision: "continue" }), 422, "rule_violation");
  });

  it("is for managers; a decision on a customer not in the queue is a 422", async () => {
    expectErrorShape(await call(t.url, "GET", "/prospects/review", { token: c.rep1.token }), 403, "forbidden");
    const p = await newCustomer(t.url, c.rep1.token, { name: "Not Yet" });
    await contact(c.rep1.token, p.id);
    expectErrorShape(await decide(p.id, { decision: "continue" }, c.rep1.token), 403);
    const early = await decide(p.id, { decision: "continue" });
    expectErrorShape(early, 422, "rule_violation");
    expect(early.body.error.fields.customerId).toMatch(/1 in-person/);
    expectErrorShape(await decide(p.id, { decision: "maybe" }), 400, "validation_failed");
    expectErrorShape(await decide(crypto.randomUUID(), { decision: "drop" }), 404);
    expectErrorShape(await decide(p.id, { decision: "drop" }, other.admin.token), 404);
    expect(JSON.stringify(await queue(other.admin.token))).not.toContain(p.id);
  });

  it("continue records who, when and the count, and the count starts again", async () => {
    const p = await newCustomer(t.url, c.rep1.token, { name: "Keep Going" });
    for (let i = 0; i < 3; i++) await contact(c.rep1.token, p.id);
    const res = await decide(p.id, { decision: "continue" });
    expect(res.status).toBe(201);
    expect(res.body.review).toMatchObject({
      customerId: p.id,
      decision: "continue",
      fromOwnerId: c.rep1.id,
      toOwnerId: null,
      contactsCounted: 3,
      decidedBy: c.manager.id,
      decidedAt: t.clock.now().toISOString(),
    });
    expect(res.body.customer).toMatchObject({ id: p.id, status: "prospect", ownerId: c.rep1.id });
    expect(await inQueue(p.id)).toBeUndefined();
    expectErrorShape(await decide(p.id, { decision: "continue" }), 422);
    t.clock.advance(60_000);
    await contact(c.rep1.token, p.id);
    await contact(c.rep1.token, p.id);
    expect(await inQueue(p.id)).toBeUndefined();
    await contact(c.rep1.token, p.id);
    expect((await inQueue(p.id))?.contacts).toBe(3);
    const history = await call(t.url, "GET", `/prospects/reviews?customerId=${p.id}`, { token: c.manager.token });
    expect(history.body.items.map((r: Json) => r.decision)).toEqual(["continue"]);
  });

  it("reassign needs an owner, moves the prospect and starts the count again", async () => {
    const p = await newCustomer(t.url, c.rep1.token, { name: "Fresh Eyes" });
    for (let i = 0; i < 3; i++) await contact(c.rep1.token, p.id);
    const missing = await decide(p.id, { decision: "reassign" });
    expectErrorShape(missing, 400, "validation_failed");
    expect(missing.body.error.fields.ownerId).toBeDefined();
    expectErrorShape(await decide(p.id, { decision: "reassign", ownerId: other.rep1.id }), 400);
    expectErrorShape(await decide(p.id, { decision: "reassign", ownerId: c.rep1.id }), 422);
    const res = await decide(p.id, { decision: "reassign", ownerId: c.rep2.id });
    expect(res.status).toBe(201);
    expect(res.body.review).toMatchObject({ decision: "reassign", fromOwnerId: c.rep1.id, toOwnerId: c.rep2.id, contactsCounted: 3 });
    expect(res.body.customer.ownerId).toBe(c.rep2.id);
    expect(await inQueue(p.id)).toBeUndefined();
    // the old owner loses it; the new one works it and needs three more
    const refused = await call(t.url, "POST", "/contacts", {
      token: c.rep1.token,
      body: { customerId: p.id, channel: "visit" },
      headers: { "idempotency-key": crypto.randomUUID() },
    });
    expectErrorShape(refused, 404);
    t.clock.advance(60_000);
    await contact(c.rep2.token, p.id);
    await contact(c.rep2.token, p.id);
    expect(await inQueue(p.id)).toBeUndefined();
    await contact(c.rep2.token, p.id);
    expect(await inQueue(p.id)).toMatchObject({ ownerId: c.rep2.id, contacts: 3 });
    const h = await call(t.url, "GET", `/customers/${p.id}/history`, { token: c.manager.token });
    expect(h.body.items[0].changes).toEqual([{ field: "ownerId", old: c.rep1.id, new: c.rep2.id }]);
  });

  it("drop makes it dropped: contacts are refused until a manager reopens it, and the count starts again", async () => {
    const p = await newCustomer(t.url, c.rep1.token, { name: "Let Go" });
    for (let i = 0; i < 4; i++) await contact(c.rep1.token, p.id);
    const res = await decide(p.id, { decision: "drop" });
    expect(res.status).toBe(201);
    expect(res.body.review).toMatchObject({ decision: "drop", contactsCounted: 4 });
    expect(res.body.customer.status).toBe("dropped");
    expect(await inQueue(p.id)).toBeUndefined();
    const refused = await call(t.url, "POST", "/contacts", {
      token: c.rep1.token,
      body: { customerId: p.id, channel: "visit" },
      headers: { "idempotency-key": crypto.randomUUID() },
    });
    expectErrorShape(refused, 422, "rule_violation");
    t.clock.advance(60_000);
    expect((await call(t.url, "PATCH", `/customers/${p.id}`, { token: c.manager.token, body: { status: "prospect" } })).body.status).toBe(
      "prospect",
    );
    await contact(c.rep1.token, p.id);
    await contact(c.rep1.token, p.id);
    expect(await inQueue(p.id)).toBeUndefined();
    await contact(c.rep1.token, p.id);
    expect((await inQueue(p.id))?.contacts).toBe(3);
  });

  it("two managers deciding at once: one decision, the other a 422", async () => {
    const p = await newCustomer(t.url, c.rep1.token, { name: "Contested" });
    for (let i = 0; i < 3; i++) await contact(c.rep1.token, p.id);
    const [a, b] = await Promise.all([decide(p.id, { decision: "continue" }), decide(p.id, { decision: "drop" }, c.admin.token)]);
    expect([a.status, b.status].sort()).toEqual([201, 422]);
    const history = await call(t.url, "GET", `/prospects/reviews?customerId=${p.id}`, { token: c.manager.token });
    expect(history.body.items.length).toBe(1);
  });

  it("pages the queue, longest waiting first", async () => {
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) {
      const p = await newCustomer(t.url, c.rep2.token, { name: `Queue ${n}` });
      for (let i = 0; i < 3; i++) await contact(c.rep2.token, p.id);
      ids.push(p.id);
    }
    const all = (await queue()).map((x) => x.customerId);
    expect(all.filter((id) => ids.includes(id))).toEqual(ids);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Json = await call(t.url, "GET", `/prospects/review?limit=2${cursor ? `&cursor=${cursor}` : ""}`, {
        token: c.manager.token,
      });
      seen.push(...res.body.items.map((x: Json) => x.customerId));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });
});
