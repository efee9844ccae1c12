import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub } from "../support/club.ts";
import { call, type Json, startTestServer, type TestServer } from "../support/harness.ts";

// What GET /users and GET /users/:id show (docs/users.md): managers and admins every field;
// a rep their own full record and only a colleague's id, name and role.
let t: TestServer;
let c: Club;
let disabled: Json;

beforeAll(async () => {
  t = await startTestServer();
  c = await makeClub(t.url, "uservis");
  const res = await call(t.url, "POST", "/users", {
    token: c.manager.token,
    body: { email: "gone@uservis.test", name: "Gone Rep", role: "rep", password: "gone rep pass 1" },
  });
  expect(res.status).toBe(201);
  disabled = res.body;
  expect((await call(t.url, "PATCH", `/users/${disabled.id}`, { token: c.manager.token, body: { disabled: true } })).status).toBe(200);
});
afterAll(() => t?.close());

const FULL = ["createdAt", "disabled", "email", "id", "name", "role", "teamId"];

describe("who sees whose email", () => {
  it("a rep's list has colleagues' id, name and role only, and the rep's own full record", async () => {
    const res = await call(t.url, "GET", "/users?limit=200", { token: c.rep1.token });
    expect(res.status).toBe(200);
    const items = res.body.items as Json[];
    expect(items.length).toBe(5);
    const text = JSON.stringify(res.body);
    for (const email of ["mgr@uservis.test", "rep2@uservis.test", "gone@uservis.test"]) expect(text).not.toContain(email);
    for (const u of items) {
      if (u.id === c.rep1.id) {
        expect(Object.keys(u).sort()).toEqual(FULL);
        expect(u.email).toBe("rep1@uservis.test");
      } else {
        expect(Object.keys(u).sort()).toEqual(["id", "name", "role"]);
      }
    }
    expect(items.find((u) => u.id === c.manager.id)).toMatchObject({ role: "manager" });
  });

  it("a rep's list pages like anyone's", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: Json } = await call(t.url, "GET", `/users?limit=2${cursor ? `&cursor=${cursor}` : ""}`, {
        token: c.rep2.token,
      });
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((u: Json) => u.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(5);
  });

  it("a rep reading one colleague gets id, name and role; reading themself, everything", async () => {
    for (const id of [c.manager.id, c.rep2.id, c.admin.id, disabled.id]) {
      const res = await call(t.url, "GET", `/users/${id}`, { token: c.rep1.token });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(["id", "name", "role"]);
    }
    const own = await call(t.url, "GET", `/users/${c.rep1.id}`, { token: c.rep1.token });
    expect(own.body).toMatchObject({ id: c.rep1.id, email: "rep1@uservis.test", disabled: false, role: "rep" });
  });

  it("managers and admins see every field of everyone", async () => {
    for (const token of [c.manager.token, c.admin.token]) {
      const list = await call(t.url, "GET", "/users?limit=200", { token });
      for (const u of list.body.items as Json[]) expect(Object.keys(u).sort()).toEqual(FULL);
      expect((list.body.items as Json[]).map((u) => u.email)).toEqual(
        expect.arrayContaining(["mgr@uservis.test", "rep1@uservis.test", "rep2@uservis.test", "gone@uservis.test"]),
      );
      const one = await call(t.url, "GET", `/users/${disabled.id}`, { token });
      expect(one.body).toMatchObject({ email: "gone@uservis.test", disabled: true });
    }
  });
});
