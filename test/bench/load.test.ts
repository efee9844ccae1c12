import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedLoad, httpLoad } from "./load.ts";
import { wrkPath } from "./wrk.ts";

// The bench's load generators against a tiny server that checks what they send: a GET
// answered 200, a POST answered 201 the first time its Idempotency-Key is seen and 409
// after (so a generator that repeats keys shows up as non-2xx), a body without "ok" 400.
let server: Server;
let url = "";
const keys = new Set<string>();
let posts = 0;
let repeats = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => {
      body += d;
    });
    req.on("end", () => {
      if (req.method === "GET") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ path: req.url, auth: req.headers.authorization }));
        return;
      }
      posts++;
      if (!body.includes('"ok"')) return res.writeHead(400).end("{}");
      const key = String(req.headers["idempotency-key"] ?? "");
      if (keys.has(key)) {
        repeats++;
        return res.writeHead(409).end("{}");
      }
      keys.add(key);
      res.writeHead(201).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const generators = [...(wrkPath() ? (["wrk"] as const) : []), "autocannon" as const];

describe.each(generators)("load generator: %s", (generator) => {
  const withGenerator = async <T>(fn: () => Promise<T>) => {
    const before = process.env.BENCH_HTTP;
    process.env.BENCH_HTTP = generator;
    try {
      return await fn();
    } finally {
      if (before === undefined) delete process.env.BENCH_HTTP;
      else process.env.BENCH_HTTP = before;
    }
  };

  it("repeats one request and counts its answers", async () => {
    const r = await withGenerator(() =>
      fixedLoad({ url, connections: 4, durationS: 1, spec: { method: "GET", path: "/api/x?y=1", headers: { authorization: "Bearer t" } } }),
    );
    expect(r.generator).toBe(generator);
    expect(r.ok).toBeGreaterThan(100);
    expect(r.non2xx).toBe(0);
    expect(r.errors).toBe(0);
    expect(r.p99).toBeGreaterThan(0);
    expect(r.p50).toBeLessThanOrEqual(r.p99);
  });

  it("goes round the requests of `next` with every Idempotency-Key used once, and counts by status", async () => {
    keys.clear();
    repeats = 0;
    posts = 0;
    let i = 0;
    // 1 in 10 refused (400), the rest written once each
    const next = () => {
      i++;
      return {
        method: "POST",
        path: "/w",
        headers: { "content-type": "application/json", "idempotency-key": `k-${i}` },
        body: i % 10 === 0 ? '{"bad":1}' : '{"ok":1}',
      };
    };
    const r = await withGenerator(() => httpLoad({ url, connections: 4, durationS: 1, warmupS: 1, next }));
    expect(r.generator).toBe(generator);
    expect(repeats).toBe(0);
    // wrk goes round its list of 4,096 requests: past one pass, keys were still new
    if (generator === "wrk") expect(posts).toBeGreaterThan(4096);
    expect(r.ok).toBeGreaterThan(100);
    expect(r.non2xx).toBeGreaterThan(0);
    expect(r.ok / (r.ok + r.non2xx)).toBeCloseTo(0.9, 1);
    expect(r.statuses["201"]).toBe(r.ok);
  });

  it("counts the answers it is told to (the floor: 400s)", async () => {
    const r = await withGenerator(() =>
      httpLoad({
        url,
        connections: 2,
        durationS: 1,
        counted: (status) => status === 400,
        next: () => ({ method: "POST", path: "/w", body: "{}" }),
      }),
    );
    expect(r.ok).toBeGreaterThan(10);
    expect(r.non2xx).toBe(0);
  });
});
