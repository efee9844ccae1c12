import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectErrorShape, signupClub, startTestServer, type TestServer } from "../support/harness.ts";

let t: TestServer;
let token: string;
beforeAll(async () => {
  t = await startTestServer();
  token = (await signupClub(t.url)).token;
});
afterAll(() => t?.close());

describe("every failure has the error shape", () => {
  it("healthz answers 200 when ready", async () => {
    const res = await call(t.url, "GET", "/healthz");
    expect(res.status).toBe(200);
  });

  it("malformed JSON is a 400", async () => {
    const res = await call(t.url, "POST", "/users", { token, raw: '{"email": ', headers: { "content-type": "application/json" } });
    expectErrorShape(res, 400, "bad_request");
  });

  it("a body that is not JSON at all is a 400", async () => {
    const res = await call(t.url, "POST", "/users", {
      token,
      raw: "email=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect([400, 415]).toContain(res.status);
    expectErrorShape(res, res.status);
  });

  it("wrong types and unknown fields are a 400 naming the fields", async () => {
    const res = await call(t.url, "POST", "/users", { token, body: { email: 5, name: ["x"], role: "boss", password: true, admin: true } });
    expectErrorShape(res, 400, "validation_failed");
    expect(Object.keys(res.body.error.fields).sort()).toEqual(["body", "email", "name", "password", "role"]);
  });

  it("an oversized body is refused with 413", async () => {
    const res = await call(t.url, "POST", "/users", {
      token,
      raw: JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) }),
      headers: { "content-type": "application/json" },
    });
    expectErrorShape(res, 413, "payload_too_large");
  });

  it("a chunked body (no Content-Length) is counted as it streams: over the limit a 413, under it read as usual", async () => {
    /** POST /users with the body sent in 64 kB chunks, so that no Content-Length is sent. */
    const chunked = (text: string) =>
      new Promise<{ status: number; body: { error?: { code: string } } }>((done, fail) => {
        const req = request(
          `${t.url}/api/v1/users`,
          { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } },
          (res) => {
            let data = "";
            res.on("data", (d) => {
              data += d;
            });
            res.on("end", () => done({ status: res.statusCode ?? 0, body: JSON.parse(data) }));
          },
        );
        req.on("error", (err) => ((err as NodeJS.ErrnoException).code === "EPIPE" ? undefined : fail(err)));
        for (let i = 0; i < text.length; i += 65536) req.write(text.slice(i, i + 65536));
        req.end();
      });
    const big = await chunked(JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) }));
    expect([big.status, big.body.error?.code]).toEqual([413, "payload_too_large"]);
    const small = await chunked(JSON.stringify({ email: "chunked@x.test", name: "Chunked", role: "rep", password: "chunked password 1" }));
    expect(small.status).toBe(201);
  });

  it("a bad id in the path is a 400, an unknown one a 404", async () => {
    expectErrorShape(await call(t.url, "GET", "/users/not-a-uuid", { token }), 400, "validation_failed");
    expectErrorShape(await call(t.url, "GET", `/users/${crypto.randomUUID()}`, { token }), 404, "not_found");
  });

  it("an unknown endpoint is a 404 with the shape", async () => {
    expectErrorShape(await call(t.url, "GET", "/nope", { token }), 404, "not_found");
    expectErrorShape(await call(t.url, "DELETE", "/users", { token }), 404, "not_found");
  });

  it("no session is a 401", async () => {
    expectErrorShape(await call(t.url, "GET", "/users"), 401, "unauthorized");
  });

  it("deeply nested and huge strings are refused, never a 500", async () => {
    const depth = 100_000;
    const deep = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    const r1 = await call(t.url, "POST", "/users", { token, raw: deep, headers: { "content-type": "application/json" } });
    expectErrorShape(r1, 400);
    const r2 = await call(t.url, "POST", "/users", {
      token,
      body: { email: `${"a".repeat(5000)}@x.test`, name: "x".repeat(10_000), role: "rep", password: "y".repeat(10_000) },
    });
    expectErrorShape(r2, 400, "validation_failed");
    const r3 = await call(t.url, "POST", "/auth/login", { body: { club: "\u0000\ud800", email: "\u0000", password: "x" } });
    expect(r3.status).toBeGreaterThanOrEqual(400);
    expect(r3.status).toBeLessThan(500);
    expectErrorShape(r3, r3.status);
  });

  it("serves the OpenAPI document", async () => {
    const res = await call(t.url, "GET", "/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(["/signup", "/auth/login", "/users", "/users/{id}", "/settings"]));
  });
});
