import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTrustProxy } from "../../server/src/http/forwarded.ts";
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

/** A cookie's value from a response's Set-Cookie headers. */
function deviceOf(res: { headers: Headers }): string | undefined {
  for (const line of res.headers.getSetCookie()) {
    const m = /^device=([^;]*)/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

describe("lockout as a weapon (behind one trusted proxy)", () => {
  let p: TestServer;
  beforeAll(async () => {
    p = await startTestServer({ TRUST_PROXY: parseTrustProxy("1") });
    await makeClub(p.url, "siege");
  });
  afterAll(() => p?.close());

  const login = (who: { email: string; password: string }, from: string, device?: string) =>
    call(p.url, "POST", "/auth/login", {
      body: { club: "siege", ...who },
      headers: { "x-forwarded-for": from, ...(device ? { cookie: `device=${device}` } : {}) },
    });

  it("an attacker failing without end from ever new addresses never keeps the owner out of a known device, and checks at most 5 passwords per 15 minutes", async () => {
    const owner = { email: "admin@siege.test", password: "correct horse battery" };
    const first = await login(owner, "192.0.2.1");
    expect(first.status).toBe(200);
    const device = deviceOf(first);
    // the attacker's own account and its genuine device cookie: no use against the owner's account
    const mole = await login({ email: "rep1@siege.test", password: "rep one pass 1" }, "198.51.100.1");
    const moleDevice = deviceOf(mole);
    expect(moleDevice).toBeTruthy();

    const MINUTES = 3 * 60;
    let checked = 0; // answers that needed the password checked (401), as opposed to 429
    let addr = 0;
    for (let minute = 0; minute < MINUTES; minute++) {
      let blocked = false;
      for (let i = 0; i < 3; i++) {
        addr++;
        const r = await login(
          { email: owner.email, password: `guess ${minute}-${i}` },
          `10.${(addr >> 16) & 255}.${(addr >> 8) & 255}.${addr & 255}`,
          i === 2 ? moleDevice : undefined,
        );
        expect([401, 429]).toContain(r.status);
        if (r.status === 401) checked++;
        blocked = r.status === 429;
      }
      if (minute % 15 === 7) {
        // while the attacker is held back, so is every unknown device, even with the right password …
        if (blocked) expectErrorShape(await login(owner, "192.0.2.200"), 429, "rate_limited");
        // … but never the owner's known device
        const ok = await login(owner, "192.0.2.1", device);
        expect(ok.status).toBe(200);
      }
      p.clock.advance(60_000);
    }
    // documented rate (docs/auth.md): 5 per 15-minute window per account from unknown devices
    expect(checked).toBeGreaterThanOrEqual(5 * (MINUTES / 15) - 5);
    expect(checked).toBeLessThanOrEqual(5 * (MINUTES / 15 + 1));
  });
});
