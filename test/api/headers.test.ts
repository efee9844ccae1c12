import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTrustProxy } from "../../server/src/http/forwarded.ts";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, startTestServer, type TestServer } from "../support/harness.ts";

// Security headers (http/headers.ts): a strict CSP on the app shell, the API's own on JSON
// answers, the certificate page's with its style sheet by hash; nosniff and Referrer-Policy
// everywhere; HSTS only over HTTPS.
let t: TestServer;
let behindProxy: TestServer;
let c: Club;
let winner: string;

beforeAll(async () => {
  t = await startTestServer({}, "2026-02-10T10:00:00+08:00");
  // one trusted hop (the test client on loopback plays the proxy): X-Forwarded-Proto counts
  behindProxy = await startTestServer({ TRUST_PROXY: parseTrustProxy("1") }, "2026-02-10T10:00:00+08:00");
  c = await makeClub(t.url, "headers");
  const cu = await newCustomer(t.url, c.manager.token, { name: "Header Co", ownerId: c.rep1.id, status: "active" });
  expect((await call(t.url, "PUT", `/targets/${c.rep1.id}/2025-03`, { token: c.manager.token, body: { amount: 1000 } })).status).toBe(200);
  await addRevenue(t.url, c.manager.token, { customerId: cu.id, amount: 5000, occurredAt: "2025-03-10T10:00:00+08:00" });
  winner = c.rep1.id;
});
afterAll(async () => {
  await t?.close();
  await behindProxy?.close();
});

/** A header's directives, by name. */
function csp(res: Response): Map<string, string> {
  const value = res.headers.get("content-security-policy");
  expect(value, "a Content-Security-Policy header").toBeTruthy();
  return new Map(
    value!
      .split(";")
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...rest] = d.split(/\s+/);
        return [name!, rest.join(" ")];
      }),
  );
}

function expectCommon(res: Response) {
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  // plain HTTP: no HSTS
  expect(res.headers.get("strict-transport-security")).toBeNull();
}

describe("security headers", () => {
  it("the app shell and its files carry the app's strict CSP", async () => {
    for (const path of ["/", "/board", "/manager/analysis?month=2026-02", "/sw.js", "/manifest.webmanifest", "/icon.svg"]) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status, path).toBe(200);
      const d = csp(res);
      expect(d.get("default-src"), path).toBe("'self'");
      expect(d.get("script-src")).toBe("'self'");
      expect(d.get("style-src")).toBe("'self'");
      expect(d.get("object-src")).toBe("'none'");
      expect(d.get("base-uri")).toBe("'none'");
      expect(d.get("frame-ancestors")).toBe("'none'");
      expect(d.get("form-action")).toBe("'self'");
      expect(d.get("connect-src")).toBe("'self'");
      // nothing inline, nothing from elsewhere
      expect(res.headers.get("content-security-policy")).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
      expectCommon(res);
    }
  });

  it("API answers (success, error, not found) carry default-src 'none'", async () => {
    const answers = [
      await fetch(`${t.url}/api/v1/me`, { headers: { authorization: `Bearer ${c.rep1.token}` } }),
      await fetch(`${t.url}/api/v1/me`),
      await fetch(`${t.url}/api/v1/customers?cursor=forged`, { headers: { authorization: `Bearer ${c.rep1.token}` } }),
      await fetch(`${t.url}/api/v1/no-such-thing`),
      await fetch(`${t.url}/api/v1/openapi.json`),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 401, 400, 404, 200]);
    for (const res of answers) {
      const d = csp(res);
      expect([...d.keys()].sort()).toEqual(["default-src", "frame-ancestors"]);
      expect(d.get("default-src")).toBe("'none'");
      expect(d.get("frame-ancestors")).toBe("'none'");
      expectCommon(res);
    }
  });

  it("the certificate page allows its own style sheet by hash and nothing else", async () => {
    const res = await fetch(`${t.url}/api/v1/awards/2025/certificate/${winner}`, { headers: { authorization: `Bearer ${c.rep1.token}` } });
    expect(res.status).toBe(200);
    const html = await res.text();
    const d = csp(res);
    expect(d.get("default-src")).toBe("'none'");
    expect(d.get("frame-ancestors")).toBe("'none'");
    expect(d.get("base-uri")).toBe("'none'");
    expect(d.get("script-src")).toBeUndefined();
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
    expect(style).toBeDefined();
    const hash = Buffer.from(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(style))).toString("base64");
    expect(d.get("style-src")).toBe(`'sha256-${hash}'`);
    expect(html).not.toMatch(/style="|<script/);
    expectCommon(res);
  });

  it("HSTS only on a request that came over HTTPS through a trusted proxy", async () => {
    for (const path of ["/", "/api/v1/no-such-thing", "/healthz"]) {
      const plain = await fetch(`${behindProxy.url}${path}`);
      expect(plain.headers.get("strict-transport-security"), path).toBeNull();
      const secure = await fetch(`${behindProxy.url}${path}`, { headers: { "x-forwarded-proto": "https" } });
      expect(secure.headers.get("strict-transport-security"), path).toMatch(/^max-age=\d{7,}/);
    }
    // a server that trusts no proxy ignores the header: the request itself was plain HTTP
    const forged = await fetch(`${t.url}/`, { headers: { "x-forwarded-proto": "https" } });
    expect(forged.headers.get("strict-transport-security")).toBeNull();
  });
});
