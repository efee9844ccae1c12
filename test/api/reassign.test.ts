import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { addUser, call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";

let t: TestServer;
let c: Club;
let other: Club;
beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  c = await makeClub(t.url, "reassign");
  other = await makeClub(t.url, "reassign-other");
});
afterAll(() => t?.close());

const owners = async (token: string, ids: string[]) => {
  const out: Record<string, string> = {};
  for (const id of ids) {
    const res = await call(t.url, "GET", `/customers/${id}`, { token });
    expect(res.status).toBe(200);
    out[id] = res.body.ownerId;
  }
  return out;
};
const history = async (token: string, id: string): Promise<Json[]> =>
  (await call(t.url, "GET", `/customers/${id}/history`, { token })).body.items;

describe("POST /customers/reassign", () => {
  it("moves chosen customers to another rep, each with a history entry naming who, when, old and new owner and the reason", async () => {
    const a = await newCustomer(t.url, c.rep1.token, { name: "华润置地" });
    const b = await newCustomer(t.url, c.rep1.token, { name: "中信银行" });
    const stays = await newCustomer(t.url, c.rep1.token, { name: "国贸大酒店" });
    const res = await call(t.url, "POST", "/customers/reassign", {
      token: c.manager.token,
      body: { customerIds: [a.id, b.id], toRepId: c.rep2.id, reason: "张伟离职，客户交接" },
    });
    expect(res.status).toBe(200);
    expect(res.body.moved).toBe(2);
    expect(await owners(c.manager.token, [a.id, b.id, stays.id])).toEqual({ [a.id]: c.rep2.id, [b.id]: c.rep2.id, [stays.id]: c.rep1.id });
    for (const id of [a.id, b.id]) {
      const entries = (await history(c.manager.token, id)).filter((h) => h.kind === "reassigned");
      expect(entries).toHaveLength(1);
      const latest = entries[0];
      expect(latest).toMatchObject({
        kind: "reassigned",
        actorId: c.manager.id,
        changes: [
          { field: "ownerId", old: c.rep1.id, new: c.rep2.id },
          { field: "reason", old: null, new: "张伟离职，客户交接" },
        ],
      });
      expect(typeof latest.at).toBe("string");
    }
    // the new owner sees them; the old one no longer does
    expect((await call(t.url, "GET", `/customers/${a.id}`, { token: c.rep2.token })).status).toBe(200);
    expect((await call(t.url, "GET", `/customers/${a.id}`, { token: c.rep1.token })).status).toBe(404);
    expect((await history(c.manager.token, stays.id)).some((h) => h.kind === "reassigned")).toBe(false);
  });

  it("moves every customer of one rep (admin too), and a second move of the same customers is recorded again", async () => {
    const rep3 = await addUser(t.url, c.admin.token, "rep", "rep3@reassign.test");
    const mine = [await newCustomer(t.url, c.rep2.token, { name: "联想集团" }), await newCustomer(t.url, c.rep2.token, { name: "京东方" })];
    const before = (await call(t.url, "GET", `/customers?ownerId=${c.rep2.id}&limit=200`, { token: c.manager.token })).body.items as Json[];
    expect(before.length).toBeGreaterThanOrEqual(2);
    const res = await call(t.url, "POST", "/customers/reassign", {
      token: c.admin.token,
      body: { fromRepId: c.rep2.id, toRepId: rep3.id, reason: "区域调整" },
    });
    expect(res.status).toBe(200);
    expect(res.body.moved).toBe(before.length);
    const left = await call(t.url, "GET", `/customers?ownerId=${c.rep2.id}`, { token: c.manager.token });
    expect(left.body.items).toEqual([]);
    const now = await call(t.url, "GET", `/customers?ownerId=${rep3.id}&limit=200`, { token: c.manager.token });
    expect((now.body.items as Json[]).map((x) => x.id).sort()).toEqual(before.map((x) => x.id).sort());
    // back again, at the same instant (the test clock stands still): still recorded, no error
    const back = await call(t.url, "POST", "/customers/reassign", {
      token: c.manager.token,
      body: { customerIds: mine.map((x) => x.id), toRepId: c.rep2.id, reason: "调回" },
    });
    expect(back.status).toBe(200);
    const h = await history(c.manager.token, mine[0]!.id);
    expect(h.filter((x) => x.kind === "reassigned").map((x) => x.changes[1].new)).toEqual(expect.arrayContaining(["区域调整", "调回"]));
  });

  it("another club's ids are 404 and nothing moves", async () => {
    const ours = await newCustomer(t.url, c.rep1.token, { name: "万达商业" });
    const theirs = await newCustomer(t.url, other.rep1.token, { name: "别家客户" });
    const res = await call(t.url, "POST", "/customers/reassign", {
      token: c.manager.token,
      body: { customerIds: [ours.id, theirs.id], toRepId: c.rep2.id, reason: "x" },
    });
    expectErrorShape(res, 404, "not_found");
    expect(await owners(c.manager.token, [ours.id])).toEqual({ [ours.id]: c.rep1.id });
    expect(await owners(other.manager.token, [theirs.id])).toEqual({ [theirs.id]: other.rep1.id });
    expect((await history(c.manager.token, ours.id)).some((h) => h.kind === "reassigned")).toBe(false);
    // another club's rep as the source is unknown here, too
    const from = await call(t.url, "POST", "/customers/reassign", {
      token: c.manager.token,
      body: { fromRepId: other.rep1.id, toRepId: c.rep2.id, reason: "x" },
    });
    expectErrorShape(from, 404, "not_found");
    expect(await owners(other.manager.token, [theirs.id])).toEqual({ [theirs.id]: other.rep1.id });
  });

  it("the new owner must be an active rep of this club (422)", async () => {
    const x = await newCustomer(t.url, c.rep1.token, { name: "小米科技" });
    const disabled = await addUser(t.url, c.admin.token, "rep", "gone@reassign.test");
    expect((await call(t.url, "PATCH", `/users/${disabled.id}`, { token: c.admin.token, body: { disabled: true } })).status).toBe(200);
    for (const toRepId of [disabled.id, c.manager.id, other.rep2.id]) {
      const res = await call(t.url, "POST", "/customers/reassign", {
        token: c.manager.token,
        body: { customerIds: [x.id], toRepId, reason: "x" },
      });
      expectErrorShape(res, 422, "rule_violation");
      expect(res.body.error.fields).toHaveProperty("toRepId");
    }
    expect(await owners(c.manager.token, [x.id])).toEqual({ [x.id]: c.rep1.id });
  });

  it("a rep may not reassign (403)", async () => {
    const x = await newCustomer(t.url, c.rep1.token, { name: "三里屯太古里" });
    const res = await call(t.url, "POST", "/customers/reassign", {
      token: c.rep1.token,
      body: { customerIds: [x.id], toRepId: c.rep2.id, reason: "x" },
    });
    expectErrorShape(res, 403, "forbidden");
    expect(await owners(c.manager.token, [x.id])).toEqual({ [x.id]: c.rep1.id });
  });

  it("bad bodies are 400 naming their fields", async () => {
    const x = await newCustomer(t.url, c.rep1.token, { name: "国航大客户部" });
    const cases: [Json, string[]][] = [
      [{ toRepId: c.rep2.id, reason: "x" }, ["customerIds", "fromRepId"]],
      [{ customerIds: [x.id], fromRepId: c.rep1.id, toRepId: c.rep2.id, reason: "x" }, ["customerIds", "fromRepId"]],
      [{ customerIds: [x.id], toRepId: c.rep2.id }, ["reason"]],
      [{ customerIds: [x.id], toRepId: c.rep2.id, reason: "   " }, ["reason"]],
      [{ customerIds: ["nope"], toRepId: c.rep2.id, reason: "x" }, ["customerIds.0"]],
      [{ customerIds: [], toRepId: c.rep2.id, reason: "x" }, ["customerIds"]],
      [{ customerIds: Array.from({ length: 1001 }, () => x.id), toRepId: c.rep2.id, reason: "x" }, ["customerIds"]],
      [{ customerIds: [x.id], toRepId: "bob", reason: "x" }, ["toRepId"]],
      [{ customerIds: [x.id], toRepId: c.rep2.id, reason: "x", extra: 1 }, ["body"]],
    ];
    for (const [body, fields] of cases) {
      const res = await call(t.url, "POST", "/customers/reassign", { token: c.manager.token, body });
      expectErrorShape(res, 400, "validation_failed");
      for (const f of fields) expect(Object.keys(res.body.error.fields), JSON.stringify(body)).toContain(f);
    }
    expect(await owners(c.manager.token, [x.id])).toEqual({ [x.id]: c.rep1.id });
  });
});
