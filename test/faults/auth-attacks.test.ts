import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub } from "../support/club.ts";
import { call, expectErrorShape, loginAs, startTestServer, type TestServer } from "../support/harness.ts";
import { liveClient } from "../support/live.ts";

let t: TestServer;
let c: Club;
beforeAll(async () => {
  t = await startTestServer();
  c = await makeClub(t.url, "attack");
});
afterAll(() => t?.close());

function connects(token: string): Promise<boolean> {
  const s = liveClient(t.url, { token, reconnection: false });
  return new Promise((resolve) => {
    s.on("connect", () => {
      s.disconnect();
      resolve(true);
    });
    s.on("connect_error", () => resolve(false));
    s.connect();
  });
}

describe("auth attacks", () => {
  it("password spraying across accounts from one address is throttled (429) and the block expires", async () => {
    let status = 0;
    let tries = 0;
    for (; tries < 40; tries++) {
      const r = await call(t.url, "POST", "/auth/login", {
        body: { club: "attack", email: `victim${tries}@attack.test`, password: "Winter2026!" },
      });
      status = r.status;
      if (status === 429) {
        expectErrorShape(r, 429, "rate_limited");
        break;
      }
    }
    expect(status).toBe(429);
    expect(tries).toBe(30);
    // even the right password from that address waits
    expectErrorShape(
      await call(t.url, "POST", "/auth/login", { body: { club: "attack", email: "rep1@attack.test", password: "rep one pass 1" } }),
      429,
    );
    t.clock.advance(16 * 60_000);
    expect(
      (await call(t.url, "POST", "/auth/login", { body: { club: "attack", email: "rep1@attack.test", password: "rep one pass 1" } }))
        .status,
    ).toBe(200);
  });

  it("a revoked session cannot be used on HTTP or the socket", async () => {
    const token = await loginAs(t.url, "attack", "rep2@attack.test", "rep two pass 2");
    expect(await connects(token)).toBe(true);
    expect((await call(t.url, "POST", "/auth/logout", { token })).status).toBe(204);
    expectErrorShape(await call(t.url, "GET", "/me", { token }), 401);
    expect(await connects(token)).toBe(false);
  });

  it("an expired session cannot be used on HTTP or the socket", async () => {
    const token = await loginAs(t.url, "attack", "mgr@attack.test", "manager pass 1");
    expect(await connects(token)).toBe(true);
    t.clock.advance(8 * 24 * 3600_000);
    expectErrorShape(await call(t.url, "GET", "/me", { token }), 401);
    expect(await connects(token)).toBe(false);
  });

  it("a disabled user's socket is refused", async () => {
    const token = await loginAs(t.url, "attack", "rep1@attack.test", "rep one pass 1");
    const admin = await loginAs(t.url, "attack", "admin@attack.test", "correct horse battery");
    expect((await call(t.url, "PATCH", `/users/${c.rep1.id}`, { token: admin, body: { disabled: true } })).status).toBe(200);
    expect(await connects(token)).toBe(false);
  });
});
