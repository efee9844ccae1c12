import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectErrorShape, loginAs, signupClub, startTestServer, type TestServer } from "../support/harness.ts";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

describe("signup", () => {
  it("creates a club and its admin, with a token that works", async () => {
    const res = await call(t.url, "POST", "/signup", {
      body: {
        club: { name: "Jade Club", slug: "jade", timezone: "Asia/Shanghai" },
        admin: { email: "Boss@Jade.test", password: "long enough pw", name: "Boss" },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.tenant).toEqual({ id: expect.any(String), slug: "jade", name: "Jade Club" });
    expect(res.body.user).toEqual({ id: expect.any(String), email: "boss@jade.test", name: "Boss", role: "admin" });
    const me = await call(t.url, "GET", "/me", { token: res.body.token });
    expect(me.status).toBe(200);
    expect(me.body.user.role).toBe("admin");
    expect(me.body.tenant.slug).toBe("jade");
  });

  it("refuses a taken slug with 409 and names the field", async () => {
    await signupClub(t.url, "taken");
    const res = await call(t.url, "POST", "/signup", {
      body: { club: { name: "Other", slug: "taken" }, admin: { email: "x@y.test", password: "long enough pw", name: "X" } },
    });
    expectErrorShape(res, 409, "conflict");
    expect(res.body.error.fields).toEqual({ "club.slug": "is taken" });
  });

  it("validates every field", async () => {
    const res = await call(t.url, "POST", "/signup", {
      body: { club: { name: "", slug: "Bad Slug", timezone: "Mars/Base" }, admin: { email: "no", password: "short", name: "" }, extra: 1 },
    });
    expectErrorShape(res, 400, "validation_failed");
    expect(Object.keys(res.body.error.fields).sort()).toEqual(
      ["admin.email", "admin.name", "admin.password", "body", "club.name", "club.slug", "club.timezone"].sort(),
    );
  });
});

describe("login", () => {
  it("answers every failure with the same 401", async () => {
    const club = await signupClub(t.url, "samefail");
    const wrongPw = await call(t.url, "POST", "/auth/login", {
      body: { club: "samefail", email: club.user.email, password: "nope nope nope" },
    });
    const noUser = await call(t.url, "POST", "/auth/login", {
      body: { club: "samefail", email: "ghost@x.test", password: "nope nope nope" },
    });
    const noClub = await call(t.url, "POST", "/auth/login", {
      body: { club: "no-such-club", email: club.user.email, password: "correct horse battery" },
    });
    for (const r of [wrongPw, noUser, noClub]) expectErrorShape(r, 401, "unauthorized");
    expect(new Set([wrongPw, noUser, noClub].map((r) => r.body.error.message)).size).toBe(1);
  });

  it("gives a new token at every login (no session fixation) and sets a safe cookie", async () => {
    const club = await signupClub(t.url, "fixation");
    const a = await call(t.url, "POST", "/auth/login", {
      body: { club: "fixation", email: club.user.email, password: "correct horse battery" },
    });
    const b = await call(t.url, "POST", "/auth/login", {
      body: { club: "fixation", email: club.user.email, password: "correct horse battery" },
    });
    expect(a.body.token).not.toBe(b.body.token);
    expect(a.body.token).not.toBe(club.token);
    const cookie = a.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
  });

  it("marks the cookie Secure behind an HTTPS proxy", async () => {
    const s = await startTestServer({ TRUST_PROXY: true });
    try {
      const club = await signupClub(s.url, "secure");
      const res = await call(s.url, "POST", "/auth/login", {
        body: { club: "secure", email: club.user.email, password: "correct horse battery" },
        headers: { "x-forwarded-proto": "https" },
      });
      expect(res.headers.get("set-cookie")).toMatch(/Secure/);
    } finally {
      await s.close();
    }
  });

  it("throttles repeated failures on one account with 429, then lets the owner back in", async () => {
    const club = await signupClub(t.url, "brute");
    for (let i = 0; i < 5; i++) {
      const r = await call(t.url, "POST", "/auth/login", { body: { club: "brute", email: club.user.email, password: `guess ${i} wrong` } });
      expectErrorShape(r, 401);
    }
    const blocked = await call(t.url, "POST", "/auth/login", {
      body: { club: "brute", email: club.user.email, password: "correct horse battery" },
    });
    expectErrorShape(blocked, 429, "rate_limited");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(blocked.headers.get("retry-after"))).toBeLessThanOrEqual(15 * 60);
    t.clock.advance(16 * 60_000);
    const ok = await call(t.url, "POST", "/auth/login", {
      body: { club: "brute", email: club.user.email, password: "correct horse battery" },
    });
    expect(ok.status).toBe(200);
  });
});

describe("sessions", () => {
  it("works by Bearer token and by cookie", async () => {
    const club = await signupClub(t.url);
    const bearer = await call(t.url, "GET", "/me", { token: club.token });
    const cookie = await call(t.url, "GET", "/me", { headers: { cookie: `session=${club.token}` } });
    expect(bearer.status).toBe(200);
    expect(cookie.status).toBe(200);
    expect(cookie.body.user.id).toBe(club.user.id);
  });

  it("refuses missing, malformed and forged tokens", async () => {
    const club = await signupClub(t.url);
    const [tenantId, id] = club.token.split(".");
    for (const token of [
      undefined,
      "garbage",
      `${tenantId}.${id}.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`,
      club.token.replace(tenantId!, crypto.randomUUID()),
    ]) {
      expectErrorShape(await call(t.url, "GET", "/me", { token }), 401, "unauthorized");
    }
  });

  it("logout ends the session", async () => {
    const club = await signupClub(t.url);
    const token = await loginAs(t.url, club.tenant.slug, club.user.email, "correct horse battery");
    const out = await call(t.url, "POST", "/auth/logout", { token });
    expect(out.status).toBe(204);
    expectErrorShape(await call(t.url, "GET", "/me", { token }), 401);
    // the other session of the same user is untouched
    expect((await call(t.url, "GET", "/me", { token: club.token })).status).toBe(200);
  });

  it("expires after a week idle and after 30 days in any case", async () => {
    const club = await signupClub(t.url);
    const idle = await loginAs(t.url, club.tenant.slug, club.user.email, "correct horse battery");
    const busy = await loginAs(t.url, club.tenant.slug, club.user.email, "correct horse battery");
    for (let day = 1; day <= 8; day++) {
      t.clock.advance(24 * 3600_000);
      expect((await call(t.url, "GET", "/me", { token: busy })).status).toBe(200);
    }
    expectErrorShape(await call(t.url, "GET", "/me", { token: idle }), 401);
    for (let day = 9; day <= 31; day++) {
      t.clock.advance(24 * 3600_000);
      await call(t.url, "GET", "/me", { token: busy });
    }
    expectErrorShape(await call(t.url, "GET", "/me", { token: busy }), 401);
  });

  it("refuses a cookie-authenticated write from another site (CSRF)", async () => {
    const club = await signupClub(t.url);
    const evil = await call(t.url, "POST", "/users", {
      headers: { cookie: `session=${club.token}`, origin: "https://evil.example" },
      body: { email: "mole@x.test", name: "Mole", role: "manager", password: "long enough pw" },
    });
    expectErrorShape(evil, 403, "forbidden");
    const crossSite = await call(t.url, "POST", "/auth/logout", {
      headers: { cookie: `session=${club.token}`, "sec-fetch-site": "cross-site" },
    });
    expectErrorShape(crossSite, 403);
    const own = await call(t.url, "POST", "/users", {
      headers: { cookie: `session=${club.token}`, origin: t.url },
      body: { email: "ok@x.test", name: "Ok", role: "rep", password: "long enough pw" },
    });
    expect(own.status).toBe(201);
  });
});

describe("signup closed", () => {
  it("SIGNUP=closed turns sign-up off", async () => {
    const s = await startTestServer({ SIGNUP: "closed" });
    try {
      const res = await call(s.url, "POST", "/signup", {
        body: { club: { name: "X", slug: "closed-x" }, admin: { email: "a@b.test", password: "long enough pw", name: "A" } },
      });
      expectErrorShape(res, 403, "forbidden");
    } finally {
      await s.close();
    }
  });
});
