import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTrustProxy } from "../../server/src/http/forwarded.ts";
import { call, expectErrorShape, type Json, loginAs, type Res, signupClub, startTestServer, type TestServer } from "../support/harness.ts";

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
    const s = await startTestServer({ TRUST_PROXY: parseTrustProxy("true") });
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

// ——— behind a proxy: device cookies, spoofed forwarding headers, sign-up limits ———

const PW = "correct horse battery";
const WRONG = "wrong wrong wrong";

/** A cookie's value from a response's Set-Cookie headers. */
function cookieOf(res: Res<Json>, name: string): string | undefined {
  for (const line of res.headers.getSetCookie()) {
    const m = new RegExp(`^${name}=([^;]*)`).exec(line);
    if (m) return m[1];
  }
  return undefined;
}

function setCookieLine(res: Res<Json>, name: string): string {
  return res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`)) ?? "";
}

/** A sign-in through a proxy that appends `from` to X-Forwarded-For (the client may have sent `spoof` before it). */
function signIn(
  url: string,
  who: { club: string; email: string; password: string },
  opts: { from?: string; spoof?: string; device?: string; deviceHeader?: string; proto?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (opts.from) headers["x-forwarded-for"] = opts.spoof ? `${opts.spoof}, ${opts.from}` : opts.from;
  if (opts.device) headers.cookie = `device=${opts.device}`;
  if (opts.deviceHeader) headers["x-device-token"] = opts.deviceHeader;
  if (opts.proto) headers["x-forwarded-proto"] = opts.proto;
  return call(url, "POST", "/auth/login", { body: who, headers });
}

async function signupFrom(url: string, slug: string, from: string) {
  return call(url, "POST", "/signup", {
    headers: { "x-forwarded-for": from },
    body: { club: { name: `Club ${slug}`, slug }, admin: { email: `admin@${slug}.test`, password: PW, name: "Admin" } },
  });
}

let ip = 0;
/** A fresh client address (203.0.113.0/24 and beyond) per call. */
const nextAddress = () => {
  ip++;
  return `198.18.${(ip >> 8) & 255}.${ip & 255}`;
};

describe("behind one proxy (TRUST_PROXY=1)", () => {
  let p: TestServer;
  beforeAll(async () => {
    p = await startTestServer({ TRUST_PROXY: parseTrustProxy("1"), SIGNUP_PER_HOUR: 5 });
  });
  afterAll(() => p?.close());

  async function club(slug: string) {
    const res = await signupFrom(p.url, slug, nextAddress());
    expect(res.status).toBe(201);
    return { club: slug, email: `admin@${slug}.test`, password: PW };
  }

  describe("device cookies", () => {
    it("a successful sign-in issues a long-lived HttpOnly device cookie, Secure over HTTPS", async () => {
      const owner = await club("dev-cookie");
      const res = await signIn(p.url, owner, { from: nextAddress(), proto: "https" });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ user: expect.any(Object), tenant: expect.any(Object), token: expect.any(String) });
      const line = setCookieLine(res, "device");
      expect(cookieOf(res, "device")).toMatch(/^[0-9a-f]{40}$/);
      expect(line).toMatch(/HttpOnly/i);
      expect(line).toMatch(/SameSite=Lax/i);
      expect(line).toMatch(/Secure/);
      expect(line).toMatch(/Max-Age=31536000/);
      const plain = await signIn(p.url, owner, { from: nextAddress() });
      expect(setCookieLine(plain, "device")).not.toMatch(/Secure/);
    });

    it("an attacker's failures from many addresses lock out unknown devices but never the owner's known device", async () => {
      const owner = await club("dev-owner");
      const device = cookieOf(await signIn(p.url, owner, { from: "192.0.2.10" }), "device");
      expect(device).toBeTruthy();
      for (let minute = 0; minute < 120; minute += 5) {
        for (let i = 0; i < 6; i++) {
          const r = await signIn(p.url, { ...owner, password: `${WRONG} ${minute} ${i}` }, { from: nextAddress() });
          expect([401, 429]).toContain(r.status);
        }
        // unknown devices, even with the right password, are held back …
        expectErrorShape(await signIn(p.url, owner, { from: nextAddress() }), 429, "rate_limited");
        // … the owner's known device is not
        const ok = await signIn(p.url, owner, { from: "192.0.2.10", device });
        expect(ok.status).toBe(200);
        expect(cookieOf(ok, "device")).toBe(device);
        p.clock.advance(5 * 60_000);
      }
    });

    it("an API client may present the device token in the X-Device-Token header", async () => {
      const owner = await club("dev-header");
      const device = cookieOf(await signIn(p.url, owner, { from: nextAddress() }), "device");
      for (let i = 0; i < 5; i++) await signIn(p.url, { ...owner, password: `${WRONG} ${i}` }, { from: nextAddress() });
      expectErrorShape(await signIn(p.url, owner, { from: nextAddress() }), 429);
      expect((await signIn(p.url, owner, { from: nextAddress(), deviceHeader: device })).status).toBe(200);
    });

    it("a known device that guesses wrong locks out only itself", async () => {
      const owner = await club("dev-self");
      const device = cookieOf(await signIn(p.url, owner, { from: nextAddress() }), "device");
      for (let i = 0; i < 5; i++) {
        expectErrorShape(await signIn(p.url, { ...owner, password: `${WRONG} ${i}` }, { from: nextAddress(), device }), 401);
      }
      const blocked = await signIn(p.url, owner, { from: nextAddress(), device });
      expectErrorShape(blocked, 429, "rate_limited");
      expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
      // the account's budget for other clients is untouched
      expect((await signIn(p.url, owner, { from: nextAddress() })).status).toBe(200);
      p.clock.advance(16 * 60_000);
      expect((await signIn(p.url, owner, { from: nextAddress(), device })).status).toBe(200);
    });

    it("a forged device cookie, or one issued to another account, counts as none", async () => {
      const victim = await club("dev-forged");
      // the attacker's own account in the same club, and its genuine device cookie
      const admin = await loginAs(p.url, "dev-forged", victim.email, PW);
      expect(
        (
          await call(p.url, "POST", "/users", {
            token: admin,
            body: { email: "mole@dev-forged.test", name: "Mole", role: "rep", password: "mole password 1" },
          })
        ).status,
      ).toBe(201);
      const moleDevice = cookieOf(
        await signIn(p.url, { club: "dev-forged", email: "mole@dev-forged.test", password: "mole password 1" }, { from: nextAddress() }),
        "device",
      );
      const victimDevice = cookieOf(await signIn(p.url, victim, { from: nextAddress() }), "device");
      expect(moleDevice).toMatch(/^[0-9a-f]{40}$/);
      const forged = [moleDevice, "0".repeat(40), `${victimDevice?.slice(0, 39)}x`, "not-a-token", moleDevice, moleDevice];
      for (const [i, device] of forged.entries()) {
        const r = await signIn(p.url, { ...victim, password: `${WRONG} ${i}` }, { from: nextAddress(), device });
        expect(r.status).toBe(i < 5 ? 401 : 429);
      }
      // the untrusted budget is spent: another account's cookie does not get past it
      expectErrorShape(await signIn(p.url, victim, { from: nextAddress(), device: moleDevice }), 429);
      expectErrorShape(await signIn(p.url, victim, { from: nextAddress(), deviceHeader: moleDevice }), 429);
      // the victim's own device still gets in, and the mole's device still works for the mole
      expect((await signIn(p.url, victim, { from: nextAddress(), device: victimDevice })).status).toBe(200);
      expect(
        (
          await signIn(
            p.url,
            { club: "dev-forged", email: "mole@dev-forged.test", password: "mole password 1" },
            { from: nextAddress(), device: moleDevice },
          )
        ).status,
      ).toBe(200);
    });
  });

  describe("forwarding headers", () => {
    it("spoofed left-most X-Forwarded-For values neither escape the address limit nor block the address they name", async () => {
      await club("xff-spoof");
      const attacker = "192.0.2.66";
      let first429 = 0;
      for (let i = 1; i <= 35; i++) {
        // a new account each time (so only the address limit can stop it) and a new spoofed address each time
        const r = await signIn(
          p.url,
          { club: "xff-spoof", email: `victim${i}@xff-spoof.test`, password: WRONG },
          { from: attacker, spoof: `10.9.${i}.1, 192.0.2.77` },
        );
        if (r.status === 429) {
          first429 = i;
          break;
        }
        expectErrorShape(r, 401);
      }
      expect(first429).toBe(31);
      // the address the attacker named on the left is not blocked
      expect((await signIn(p.url, { club: "xff-spoof", email: "admin@xff-spoof.test", password: PW }, { from: "192.0.2.77" })).status).toBe(
        200,
      );
      expectErrorShape(
        await signIn(p.url, { club: "xff-spoof", email: "admin@xff-spoof.test", password: PW }, { from: attacker, spoof: "192.0.2.77" }),
        429,
      );
    });

    it("X-Forwarded-Proto `http, https` (the proxy appended https) makes the cookies Secure", async () => {
      const owner = await club("proto-append");
      const res = await signIn(p.url, owner, { from: nextAddress(), proto: "http, https" });
      expect(res.status).toBe(200);
      expect(setCookieLine(res, "session")).toMatch(/Secure/);
      expect(setCookieLine(res, "device")).toMatch(/Secure/);
      const spoofed = await signIn(p.url, owner, { from: nextAddress(), proto: "https, http" });
      expect(setCookieLine(spoofed, "session")).not.toMatch(/Secure/);
    });

    it("the CSRF origin check takes the proxy's own entries of X-Forwarded-Proto / -Host", async () => {
      const slug = "csrf-proxy";
      expect((await signupFrom(p.url, slug, nextAddress())).status).toBe(201);
      const token = await loginAs(p.url, slug, `admin@${slug}.test`, PW);
      const write = (origin: string, proto: string, host: string) =>
        call(p.url, "POST", "/auth/logout", {
          headers: { cookie: `session=${token}`, origin, "x-forwarded-proto": proto, "x-forwarded-host": host },
        });
      // the client put evil values on the left; the proxy appended the real ones
      expectErrorShape(await write("http://evil.example", "http, https", "evil.example, club.example.com"), 403);
      expect((await write("https://club.example.com", "http, https", "evil.example, club.example.com")).status).toBe(204);
    });
  });

  describe("sign-up limit", () => {
    it("the 6th sign-up from one address within the hour is 429, while another address still signs up", async () => {
      const from = "192.0.2.50";
      for (let i = 1; i <= 5; i++) expect((await signupFrom(p.url, `limit-${i}`, from)).status).toBe(201);
      const sixth = await signupFrom(p.url, "limit-6", from);
      expectErrorShape(sixth, 429, "rate_limited");
      const retry = Number(sixth.headers.get("retry-after"));
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(3600);
      // a spoofed left part does not help
      expectErrorShape(await signupFrom(p.url, "limit-6", `10.1.1.1, ${from}`), 429);
      expect((await signupFrom(p.url, "limit-other", "192.0.2.51")).status).toBe(201);
      p.clock.advance(61 * 60_000);
      expect((await signupFrom(p.url, "limit-6", from)).status).toBe(201);
    });

    it("a parallel burst from one address gets exactly the limit through", async () => {
      const from = "192.0.2.52";
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => signupFrom(p.url, `burst-${i}`, from)));
      expect(results.filter((r) => r.status === 201)).toHaveLength(5);
      for (const r of results.filter((r) => r.status !== 201)) expectErrorShape(r, 429, "rate_limited");
    });
  });
});

describe("TRUST_PROXY settings", () => {
  /** 30 failures from `headers` (new account each time) must block the 31st, whatever else varies. */
  async function addressBlockedAfter30(url: string, xff: (i: number) => string) {
    for (let i = 1; i <= 30; i++) {
      const r = await call(url, "POST", "/auth/login", {
        body: { club: "nope", email: `u${i}@nope.test`, password: WRONG },
        headers: { "x-forwarded-for": xff(i) },
      });
      expectErrorShape(r, 401);
    }
    return call(url, "POST", "/auth/login", {
      body: { club: "nope", email: "u31@nope.test", password: WRONG },
      headers: { "x-forwarded-for": xff(31) },
    });
  }

  it("off: the forwarding headers are ignored", async () => {
    const s = await startTestServer({ TRUST_PROXY: parseTrustProxy("false") });
    try {
      expectErrorShape(await addressBlockedAfter30(s.url, (i) => `10.0.${i}.1`), 429);
      s.clock.advance(16 * 60_000);
      const club = await signupClub(s.url, "off-proto");
      const res = await signIn(s.url, { club: "off-proto", email: club.user.email, password: PW }, { from: "10.0.0.1", proto: "https" });
      expect(res.status).toBe(200);
      expect(setCookieLine(res, "session")).not.toMatch(/Secure/);
    } finally {
      await s.close();
    }
  });

  it("a hop count of 2 takes the second entry from the right", async () => {
    const s = await startTestServer({ TRUST_PROXY: parseTrustProxy("2") });
    try {
      const blocked = await addressBlockedAfter30(s.url, (i) => `10.0.${i}.1, 192.0.2.90, 10.255.0.${i}`);
      expectErrorShape(blocked, 429);
      // another client behind the same two proxies is not blocked
      const other = await call(s.url, "POST", "/auth/login", {
        body: { club: "nope", email: "x@nope.test", password: WRONG },
        headers: { "x-forwarded-for": "192.0.2.90, 192.0.2.91, 10.255.0.1" },
      });
      expectErrorShape(other, 401);
    } finally {
      await s.close();
    }
  });

  it("a list of proxies skips exactly those addresses", async () => {
    const s = await startTestServer({ TRUST_PROXY: parseTrustProxy("127.0.0.1, ::1, 10.0.0.0/8") });
    try {
      const blocked = await addressBlockedAfter30(s.url, (i) => `172.16.${i}.1, 192.0.2.95, 10.${i}.0.1`);
      expectErrorShape(blocked, 429);
      const other = await call(s.url, "POST", "/auth/login", {
        body: { club: "nope", email: "x@nope.test", password: WRONG },
        headers: { "x-forwarded-for": "192.0.2.95, 192.0.2.96, 10.0.0.1" },
      });
      expectErrorShape(other, 401);
    } finally {
      await s.close();
    }
  });
});
