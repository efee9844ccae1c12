import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, call, expectErrorShape, loginAs, signupClub, startTestServer, type TestServer } from "../support/harness.ts";

let t: TestServer;
let club: Awaited<ReturnType<typeof signupClub>>;
beforeAll(async () => {
  t = await startTestServer();
  club = await signupClub(t.url, "people");
});
afterAll(() => t?.close());

describe("users", () => {
  it("an admin adds managers and reps; a manager adds reps", async () => {
    const m = await addUser(t.url, club.token, "manager", "mgr@people.test", "manager pass 1");
    expect(m).toMatchObject({ email: "mgr@people.test", role: "manager", disabled: false });
    const mToken = await loginAs(t.url, "people", "mgr@people.test", "manager pass 1");
    const r = await addUser(t.url, mToken, "rep", "rep1@people.test");
    expect(r.role).toBe("rep");
  });

  it("a rep may not add users, and nobody may add an admin", async () => {
    await addUser(t.url, club.token, "rep", "rep2@people.test", "rep two pass");
    const rep = await loginAs(t.url, "people", "rep2@people.test", "rep two pass");
    expectErrorShape(
      await call(t.url, "POST", "/users", {
        token: rep,
        body: { email: "x@people.test", name: "X", role: "rep", password: "long enough pw" },
      }),
      403,
      "forbidden",
    );
    const admin = await call(t.url, "POST", "/users", {
      token: club.token,
      body: { email: "a2@people.test", name: "A2", role: "admin", password: "long enough pw" },
    });
    expectErrorShape(admin, 400, "validation_failed");
    expect(admin.body.error.fields.role).toBeDefined();
  });

  it("refuses a second user with the same email (any case) with 409", async () => {
    await addUser(t.url, club.token, "rep", "dup@people.test");
    const res = await call(t.url, "POST", "/users", {
      token: club.token,
      body: { email: "DUP@people.test", name: "D", role: "rep", password: "long enough pw" },
    });
    expectErrorShape(res, 409, "conflict");
    expect(res.body.error.fields).toEqual({ email: "is taken" });
  });

  it("lists users page by page with a cursor", async () => {
    for (let i = 0; i < 5; i++) await addUser(t.url, club.token, "rep", `page${i}@people.test`);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await call(t.url, "GET", `/users?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: club.token });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((u: { email: string }) => u.email));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(new Set(seen).size).toBe(seen.length);
    const all = await call(t.url, "GET", "/users?limit=200", { token: club.token });
    expect(seen.sort()).toEqual(all.body.items.map((u: { email: string }) => u.email).sort());
    expectErrorShape(await call(t.url, "GET", "/users?cursor=bogus", { token: club.token }), 400, "validation_failed");
    expectErrorShape(await call(t.url, "GET", "/users?limit=0", { token: club.token }), 400, "validation_failed");
  });

  it("disabling a user ends their sessions at once and keeps them out", async () => {
    const u = await addUser(t.url, club.token, "rep", "leaver@people.test", "leaver pass 1");
    const token = await loginAs(t.url, "people", "leaver@people.test", "leaver pass 1");
    expect((await call(t.url, "GET", "/me", { token })).status).toBe(200);
    const res = await call(t.url, "PATCH", `/users/${u.id}`, { token: club.token, body: { disabled: true } });
    expect(res.status).toBe(200);
    expect(res.body.disabled).toBe(true);
    expectErrorShape(await call(t.url, "GET", "/me", { token }), 401);
    expectErrorShape(
      await call(t.url, "POST", "/auth/login", { body: { club: "people", email: "leaver@people.test", password: "leaver pass 1" } }),
      401,
    );
    await call(t.url, "PATCH", `/users/${u.id}`, { token: club.token, body: { disabled: false } });
    expect(
      (await call(t.url, "POST", "/auth/login", { body: { club: "people", email: "leaver@people.test", password: "leaver pass 1" } }))
        .status,
    ).toBe(200);
  });

  it("a manager may not change an admin; an admin may not disable themself", async () => {
    await addUser(t.url, club.token, "manager", "mgr2@people.test", "manager pass 2");
    const m = await loginAs(t.url, "people", "mgr2@people.test", "manager pass 2");
    expectErrorShape(await call(t.url, "PATCH", `/users/${club.user.id}`, { token: m, body: { disabled: true } }), 403);
    expectErrorShape(
      await call(t.url, "PATCH", `/users/${club.user.id}`, { token: club.token, body: { disabled: true } }),
      422,
      "rule_violation",
    );
    expectErrorShape(await call(t.url, "PATCH", `/users/${club.user.id}`, { token: club.token, body: {} }), 400);
  });
});

describe("settings", () => {
  it("reads defaults; only an admin changes them; bad values are 400/422", async () => {
    const res = await call(t.url, "GET", "/settings", { token: club.token });
    expect(res.body).toEqual({
      timezone: "Asia/Shanghai",
      tierA: 10000,
      tierB: 5000,
      cadence: { A: 12, B: 8, C: 6 },
      alarmGraceDays: 7,
      businessLines: ["membership", "catering", "spa", "rooms", "golf", "fitness"],
      visitRadiusM: 300,
      positionRetentionDays: 90,
    });
    const patched = await call(t.url, "PATCH", "/settings", { token: club.token, body: { tierA: 12000.5, cadence: { C: 4 } } });
    expect(patched.status).toBe(200);
    expect(patched.body.tierA).toBe(12000.5);
    expect(patched.body.cadence).toEqual({ A: 12, B: 8, C: 4 });
    expectErrorShape(await call(t.url, "PATCH", "/settings", { token: club.token, body: { tierB: 20000 } }), 422, "rule_violation");
    const bad = await call(t.url, "PATCH", "/settings", { token: club.token, body: { tierA: 1.234, tierB: -1, alarmGraceDays: "7" } });
    expectErrorShape(bad, 400, "validation_failed");
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(["alarmGraceDays", "tierA", "tierB"]);
    await addUser(t.url, club.token, "manager", "mgr3@people.test", "manager pass 3");
    const m = await loginAs(t.url, "people", "mgr3@people.test", "manager pass 3");
    expectErrorShape(await call(t.url, "PATCH", "/settings", { token: m, body: { tierA: 20000 } }), 403);
  });
});
