import { describe, expect, it } from "vitest";
import type { AuthContext } from "./session.ts";
import { SessionCache } from "./session-cache.ts";

const auth = (tenant: string, user: string, session: string): AuthContext => ({
  sessionId: session,
  user: { id: user, email: `${user}@x`, name: user, role: "rep" },
  tenant: { id: tenant, slug: tenant, name: tenant, timezone: "Asia/Shanghai" },
});
const t0 = new Date("2026-03-01T00:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

describe("session cache", () => {
  it("keeps an entry for its TTL and never past the session's own expiry", () => {
    const c = new SessionCache(2_000);
    c.set("a", auth("t", "u", "s1"), t0, t0.getTime() + 60_000);
    c.set("b", auth("t", "u", "s2"), t0, t0.getTime() + 500);
    expect(c.get("a", at(1_999))?.sessionId).toBe("s1");
    expect(c.get("a", at(2_000))).toBeUndefined();
    expect(c.get("b", at(499))?.sessionId).toBe("s2");
    expect(c.get("b", at(500))).toBeUndefined();
  });

  it("evicts one session, or every session of a user, and nobody else's", () => {
    const c = new SessionCache(60_000);
    c.set("a", auth("t", "u", "s1"), t0, Infinity);
    c.set("b", auth("t", "u", "s2"), t0, Infinity);
    c.set("c", auth("t", "v", "s3"), t0, Infinity);
    c.set("d", auth("other", "u", "s4"), t0, Infinity);
    c.evict("t", "u", "s1");
    expect([c.get("a", t0), c.get("b", t0)?.sessionId]).toEqual([undefined, "s2"]);
    c.evict("t", "u");
    expect([c.get("b", t0), c.get("c", t0)?.sessionId, c.get("d", t0)?.sessionId]).toEqual([undefined, "s3", "s4"]);
  });

  it("holds a bounded number of entries, dropping the oldest; a TTL of 0 keeps nothing", () => {
    const c = new SessionCache(60_000, 2);
    for (const k of ["a", "b", "c"]) c.set(k, auth("t", k, k), t0, Infinity);
    expect([c.get("a", t0), c.get("b", t0)?.sessionId, c.get("c", t0)?.sessionId]).toEqual([undefined, "b", "c"]);
    const off = new SessionCache(0);
    off.set("a", auth("t", "u", "s"), t0, Infinity);
    expect(off.get("a", t0)).toBeUndefined();
  });
});

describe("session cache after an eviction", () => {
  it("caches none of the evicted user's sessions for one TTL (a look-up begun before the change cannot put the old answer back)", async () => {
    const c = new SessionCache(80);
    c.set("a", auth("t", "u", "s1"), t0, Infinity);
    c.evict("t", "u");
    // A look-up that read the old row before the eviction finishes now.
    c.set("a", auth("t", "u", "s1"), t0, Infinity);
    c.set("c", auth("t", "v", "s3"), t0, Infinity);
    expect(c.get("a", t0)).toBeUndefined();
    expect(c.get("c", t0)?.sessionId).toBe("s3"); // other users are cached as before
    await new Promise((r) => setTimeout(r, 100));
    c.set("a", auth("t", "u", "s1"), t0, Infinity);
    expect(c.get("a", t0)?.sessionId).toBe("s1");
  });
});
