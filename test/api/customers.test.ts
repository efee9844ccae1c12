import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, loginAs, startTestServer, type TestServer } from "../support/harness.ts";

let t: TestServer;
let c: Club;
let other: Club;
beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  c = await makeClub(t.url, "cust");
  other = await makeClub(t.url, "cust-other");
});
afterAll(() => t?.close());

describe("customers", () => {
  it("a rep adds a prospect they own, with every profile group", async () => {
    const res = await call(t.url, "POST", "/customers", {
      token: c.rep1.token,
      body: {
        name: "华夏实业集团",
        kind: "group",
        expectedMonthlySpend: 12000.5,
        profile: {
          address: "上海市",
          postcode: "200000",
          legalRepresentative: "王总",
          contacts: [{ name: "李秘书", phone: "138" }],
          customerSince: "2024-05-01",
        },
        personal: { personality: "稳重", hobbies: "高尔夫", age: 52 },
        features: { enterpriseNature: "民营", size: "500人" },
        transaction: { cardsHeld: [], needs: "团体会籍" },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: "华夏实业集团",
      kind: "group",
      status: "prospect",
      ownerId: c.rep1.id,
      tier: null,
      expectedMonthlySpend: 12000.5,
      personal: { personality: "稳重", hobbies: "高尔夫", age: 52 },
      customerSince: "2024-05-01",
      stale: false,
    });
  });

  it("reps see and edit only their own customers; managers see all; other clubs see nothing (404)", async () => {
    const mine = await newCustomer(t.url, c.rep1.token, { name: "Only Mine" });
    expectErrorShape(await call(t.url, "GET", `/customers/${mine.id}`, { token: c.rep2.token }), 404, "not_found");
    expectErrorShape(await call(t.url, "PATCH", `/customers/${mine.id}`, { token: c.rep2.token, body: { name: "x" } }), 404);
    expectErrorShape(await call(t.url, "GET", `/customers/${mine.id}/history`, { token: c.rep2.token }), 404);
    expectErrorShape(await call(t.url, "GET", `/customers/${mine.id}`, { token: other.admin.token }), 404);
    expectErrorShape(await call(t.url, "PATCH", `/customers/${mine.id}`, { token: other.admin.token, body: { name: "x" } }), 404);
    const rep2List = await call(t.url, "GET", "/customers?limit=200", { token: c.rep2.token });
    expect(rep2List.body.items.map((x: { id: string }) => x.id)).not.toContain(mine.id);
    const mgrList = await call(t.url, "GET", "/customers?limit=200", { token: c.manager.token });
    expect(mgrList.body.items.map((x: { id: string }) => x.id)).toContain(mine.id);
    const otherList = await call(t.url, "GET", "/customers?limit=200", { token: other.admin.token });
    expect(JSON.stringify(otherList.body)).not.toContain(mine.id);
    expectErrorShape(
      await call(t.url, "POST", "/customers", { token: c.rep1.token, body: { name: "For Rep2", kind: "group", ownerId: c.rep2.id } }),
      403,
    );
    expectErrorShape(
      await call(t.url, "POST", "/customers", {
        token: c.manager.token,
        body: { name: "Bad owner", kind: "group", ownerId: other.rep1.id },
      }),
      400,
      "validation_failed",
    );
  });

  it("keeps who, when, and the old and new value of every edit", async () => {
    const cu = await newCustomer(t.url, c.rep1.token, { name: "Edit Me", profile: { address: "Old St" } });
    t.clock.advance(60_000);
    const res = await call(t.url, "PATCH", `/customers/${cu.id}`, {
      token: c.rep1.token,
      body: { name: "Edited", profile: { address: "New St" }, personal: { age: 40 }, expectedMonthlySpend: 800 },
    });
    expect(res.status).toBe(200);
    expect(res.body.profile.address).toBe("New St");
    const h = await call(t.url, "GET", `/customers/${cu.id}/history`, { token: c.manager.token });
    const edit = h.body.items[0];
    expect(edit.kind).toBe("edited");
    expect(edit.actorId).toBe(c.rep1.id);
    expect(edit.changes).toEqual(
      expect.arrayContaining([
        { field: "name", old: "Edit Me", new: "Edited" },
        { field: "profile.address", old: "Old St", new: "New St" },
        { field: "personal.age", old: null, new: 40 },
        { field: "expectedMonthlySpend", old: null, new: 800 },
      ]),
    );
    expect(h.body.items.at(-1).kind).toBe("created");
  });

  it("status moves follow the rules: a manager drops and reopens a prospect", async () => {
    const cu = await newCustomer(t.url, c.rep1.token, { name: "Status Co" });
    expectErrorShape(await call(t.url, "PATCH", `/customers/${cu.id}`, { token: c.rep1.token, body: { status: "dropped" } }), 403);
    expect((await call(t.url, "PATCH", `/customers/${cu.id}`, { token: c.manager.token, body: { status: "dropped" } })).body.status).toBe(
      "dropped",
    );
    const bad = await call(t.url, "PATCH", `/customers/${cu.id}`, { token: c.manager.token, body: { status: "active" } });
    expectErrorShape(bad, 422, "rule_violation");
    expect((await call(t.url, "PATCH", `/customers/${cu.id}`, { token: c.manager.token, body: { status: "prospect" } })).body.status).toBe(
      "prospect",
    );
    // only a card sale or a manager makes a prospect active (第五条 一 1.1; see card-doors.test.ts)
    expectErrorShape(await call(t.url, "PATCH", `/customers/${cu.id}`, { token: c.rep1.token, body: { status: "active" } }), 403);
    expect((await call(t.url, "PATCH", `/customers/${cu.id}`, { token: c.manager.token, body: { status: "active" } })).body).toMatchObject({
      status: "active",
      tier: "C",
    });
  });

  it("only a manager reassigns, and the old owner loses sight of it", async () => {
    const cu = await newCustomer(t.url, c.rep1.token, { name: "Move Me" });
    expectErrorShape(await call(t.url, "PATCH", `/customers/${cu.id}`, { token: c.rep1.token, body: { ownerId: c.rep2.id } }), 403);
    const moved = await call(t.url, "PATCH", `/customers/${cu.id}`, { token: c.manager.token, body: { ownerId: c.rep2.id } });
    expect(moved.body.ownerId).toBe(c.rep2.id);
    expectErrorShape(await call(t.url, "GET", `/customers/${cu.id}`, { token: c.rep1.token }), 404);
    expect((await call(t.url, "GET", `/customers/${cu.id}`, { token: c.rep2.token })).status).toBe(200);
  });

  it("records referrals as a tree and refuses a loop", async () => {
    const a = await newCustomer(t.url, c.manager.token, { name: "Ref A", ownerId: c.rep1.id });
    const b = await newCustomer(t.url, c.manager.token, { name: "Ref B", ownerId: c.rep2.id, referredById: a.id });
    const d = await newCustomer(t.url, c.manager.token, { name: "Ref D", ownerId: c.rep1.id, referredById: b.id });
    const tree = await call(t.url, "GET", `/customers/${a.id}/referrals`, { token: c.manager.token });
    expect(tree.body.customer.referrals[0].id).toBe(b.id);
    expect(tree.body.customer.referrals[0].referrals[0].id).toBe(d.id);
    const up = await call(t.url, "GET", `/customers/${d.id}/referrals`, { token: c.manager.token });
    expect(up.body.referredBy.map((n: { id: string }) => n.id)).toEqual([b.id, a.id]);
    // a rep sees other reps' links only as hidden nodes
    const repView = await call(t.url, "GET", `/customers/${a.id}/referrals`, { token: c.rep1.token });
    expect(repView.body.customer.referrals[0]).toMatchObject({ id: b.id, hidden: true, name: null });
    expectErrorShape(await call(t.url, "PATCH", `/customers/${a.id}`, { token: c.manager.token, body: { referredById: d.id } }), 422);
    expectErrorShape(await call(t.url, "PATCH", `/customers/${a.id}`, { token: c.manager.token, body: { referredById: a.id } }), 422);
  });

  it("filters by status, owner, q; pages with a cursor", async () => {
    for (let i = 0; i < 5; i++) await newCustomer(t.url, c.rep2.token, { name: `Paged ${i} 公司` });
    const q = await call(t.url, "GET", `/customers?q=${encodeURIComponent("paged")}&limit=2`, { token: c.manager.token });
    expect(q.body.items).toHaveLength(2);
    const seen = [...q.body.items];
    let cursor = q.body.nextCursor;
    while (cursor) {
      const next = await call(t.url, "GET", `/customers?q=paged&limit=2&cursor=${cursor}`, { token: c.manager.token });
      seen.push(...next.body.items);
      cursor = next.body.nextCursor;
    }
    expect(seen.map((x: { name: string }) => x.name)).toEqual([0, 1, 2, 3, 4].map((i) => `Paged ${i} 公司`));
    const byOwner = await call(t.url, "GET", `/customers?ownerId=${c.rep2.id}&status=prospect&limit=200`, { token: c.manager.token });
    expect(byOwner.body.items.every((x: { ownerId: string; status: string }) => x.ownerId === c.rep2.id && x.status === "prospect")).toBe(
      true,
    );
    expect((await call(t.url, "GET", "/customers?q=%25", { token: c.manager.token })).body.items).toEqual([]);
  });

  it("validates bodies and queries", async () => {
    const bad = await call(t.url, "POST", "/customers", {
      token: c.rep1.token,
      body: { name: "", kind: "company", expectedMonthlySpend: 1.234, personal: { age: -1 }, extra: true },
    });
    expectErrorShape(bad, 400, "validation_failed");
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(["body", "expectedMonthlySpend", "kind", "name", "personal.age"]);
    expectErrorShape(await call(t.url, "GET", "/customers?tier=D", { token: c.rep1.token }), 400);
    expectErrorShape(await call(t.url, "GET", "/customers?stale=yes", { token: c.rep1.token }), 400);
    expectErrorShape(await call(t.url, "PATCH", `/customers/${crypto.randomUUID()}`, { token: c.rep1.token, body: {} }), 400);
  });
});

describe("quarterly refresh and cadence flags", () => {
  it("a customer not refreshed this club quarter is stale; an edit or a confirmation refreshes it", async () => {
    const s = await startTestServer({}, "2026-03-20T10:00:00+08:00");
    try {
      const k = await makeClub(s.url, "stale");
      const a = await newCustomer(s.url, k.rep1.token, { name: "Stale A", status: "active" });
      const b = await newCustomer(s.url, k.rep1.token, { name: "Stale B" });
      expect((await call(s.url, "GET", "/customers?stale=true", { token: k.rep1.token })).body.items).toEqual([]);
      s.clock.set("2026-04-01T00:30:00+08:00"); // a new club quarter (still March 31 in UTC)
      k.rep1.token = await loginAs(s.url, "stale", "rep1@stale.test", "rep one pass 1"); // 12 days idle ended the session
      const stale = await call(s.url, "GET", "/customers?stale=true", { token: k.rep1.token });
      expect(stale.body.items.map((x: { name: string }) => x.name)).toEqual(["Stale A", "Stale B"]);
      await call(s.url, "POST", `/customers/${a.id}/refresh`, { token: k.rep1.token });
      await call(s.url, "PATCH", `/customers/${b.id}`, { token: k.rep1.token, body: { profile: { phone: "1" } } });
      expect((await call(s.url, "GET", "/customers?stale=true", { token: k.rep1.token })).body.items).toEqual([]);
      const h = await call(s.url, "GET", `/customers/${a.id}/history`, { token: k.rep1.token });
      expect(h.body.items[0].kind).toBe("refreshed");
      // cadence: an active C customer with no in-person contact is overdue after ⌊365/6⌋ = 60 days
      expect((await call(s.url, "GET", "/customers?overdue=true", { token: k.rep1.token })).body.items).toEqual([]);
      s.clock.set("2026-05-20T10:00:00+08:00");
      k.rep1.token = await loginAs(s.url, "stale", "rep1@stale.test", "rep one pass 1");
      expect(
        (await call(s.url, "GET", "/customers?overdue=true", { token: k.rep1.token })).body.items.map((x: { id: string }) => x.id),
      ).toEqual([a.id]);
    } finally {
      await s.close();
    }
  });
});
