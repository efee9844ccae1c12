import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, call, expectErrorShape, signupClub, startTestServer, type TestServer } from "../support/harness.ts";

let t: TestServer;
let a: Awaited<ReturnType<typeof signupClub>>;
let b: Awaited<ReturnType<typeof signupClub>>;
let aRep: { id: string };
beforeAll(async () => {
  t = await startTestServer();
  a = await signupClub(t.url, "alpha");
  b = await signupClub(t.url, "bravo");
  aRep = await addUser(t.url, a.token, "rep", "rep@alpha.test");
});
afterAll(() => t?.close());

describe("one club never sees another", () => {
  it("cannot read, list, edit or guess another club's users (404, not 403)", async () => {
    expectErrorShape(await call(t.url, "GET", `/users/${aRep.id}`, { token: b.token }), 404, "not_found");
    expectErrorShape(await call(t.url, "GET", `/users/${a.user.id}`, { token: b.token }), 404, "not_found");
    expectErrorShape(await call(t.url, "PATCH", `/users/${aRep.id}`, { token: b.token, body: { disabled: true } }), 404, "not_found");
    expectErrorShape(await call(t.url, "GET", `/users/${crypto.randomUUID()}`, { token: b.token }), 404, "not_found");
    const list = await call(t.url, "GET", "/users?limit=200", { token: b.token });
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(aRep.id);
    expect(text).not.toContain("alpha");
    // and the rep is untouched
    expect((await call(t.url, "GET", `/users/${aRep.id}`, { token: a.token })).body.disabled).toBe(false);
  });

  it("a token cannot be replayed against another club by swapping the club id", async () => {
    const [, id, secret] = a.token.split(".");
    expectErrorShape(await call(t.url, "GET", "/me", { token: `${b.tenant.id}.${id}.${secret}` }), 401);
  });

  it("settings are per club", async () => {
    await call(t.url, "PATCH", "/settings", { token: a.token, body: { tierA: 30000 } });
    expect((await call(t.url, "GET", "/settings", { token: b.token })).body.tierA).toBe(10000);
    expect((await call(t.url, "GET", "/settings", { token: a.token })).body.tierA).toBe(30000);
  });

  it("/me names only the caller's club", async () => {
    const me = await call(t.url, "GET", "/me", { token: b.token });
    expect(me.body.tenant.id).toBe(b.tenant.id);
    expect(JSON.stringify(me.body)).not.toContain(a.tenant.id);
  });
});
