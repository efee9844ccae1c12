import parsePrometheus from "parse-prometheus-text-format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJobsOnce } from "../../server/src/jobs/scheduler.ts";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, startTestServer, type TestServer } from "../support/harness.ts";
import { connected, eventually } from "../support/live.ts";

// GET /metrics (docs/metrics.md): Prometheus text behind METRICS_TOKEN, parsed by a
// Prometheus text-format parser, and figures that move when the server works.
// /healthz and /readyz answer for the process and what it depends on.
const TOKEN = "metrics-token-0123456789";
let t: TestServer;
let off: TestServer;
let c: Club;

beforeAll(async () => {
  t = await startTestServer({ METRICS_TOKEN: TOKEN }, "2026-02-10T10:00:00+08:00");
  off = await startTestServer({}, "2026-02-10T10:00:00+08:00");
  c = await makeClub(t.url, "metrics");
});
afterAll(async () => {
  await t?.close();
  await off?.close();
});

type Families = ReturnType<typeof parsePrometheus> & { text: string };

async function scrape(): Promise<Families> {
  const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  return Object.assign(parsePrometheus(text), { text });
}

/**
 * A histogram's observation count for these labels, from its `_count` line (the
 * parser keeps a histogram's buckets but not its labels or count).
 */
function observed(all: Families, name: string, labels: Record<string, string> = {}): number {
  for (const line of all.text.split("\n")) {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== `${name}_count`) continue;
    const have = Object.fromEntries([...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return 0;
}

function family(all: Families, name: string) {
  const f = all.find((x) => x.name === name);
  expect(f, `metric ${name}`).toBeTruthy();
  return f!;
}

/** The value of a counter or gauge sample with these labels (0 when there is none yet). */
function value(all: Families, name: string, labels: Record<string, string> = {}): number {
  const f = all.find((x) => x.name === name);
  const s = f?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return s ? Number(s.value) : 0;
}

describe("GET /metrics", () => {
  it("is not there without METRICS_TOKEN, and refuses a missing or wrong token", async () => {
    expect((await fetch(`${off.url}/metrics`)).status).toBe(404);
    const none = await fetch(`${t.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await none.json()).error.code).toBe("unauthorized");
    const wrong = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    // a club's session is not a metrics token
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${c.manager.token}` } })).status).toBe(401);
  });

  it("parses as Prometheus text and has every family the operator's dashboard reads", async () => {
    const all = await scrape();
    for (const name of [
      "clubhouse_http_requests_total",
      "clubhouse_http_request_duration_seconds",
      "clubhouse_db_pool_size",
      "clubhouse_db_pool_in_use",
      "clubhouse_db_pool_waiting",
      "clubhouse_db_transactions_total",
      "clubhouse_db_pool_wait_seconds_total",
      "clubhouse_live_sockets",
      "clubhouse_live_clubs",
      "clubhouse_nodejs_eventloop_lag_p99_seconds",
      "clubhouse_process_resident_memory_bytes",
      "clubhouse_nodejs_heap_size_used_bytes",
    ])
      family(all, name);
    expect(family(all, "clubhouse_http_request_duration_seconds").type).toBe("HISTOGRAM");
    expect(value(all, "clubhouse_process_resident_memory_bytes")).toBeGreaterThan(1_000_000);
  });

  it("counts requests by route pattern and status (never a raw id), with their latency", async () => {
    const before = await scrape();
    const route = { method: "GET", route: "/api/v1/customers", status: "200" };
    const was = value(before, "clubhouse_http_requests_total", route);
    const wasTx = value(before, "clubhouse_db_transactions_total");
    const wasTimed = observed(before, "clubhouse_http_request_duration_seconds", { method: "GET", route: "/api/v1/customers" });
    for (let i = 0; i < 3; i++) expect((await call(t.url, "GET", "/customers", { token: c.manager.token })).status).toBe(200);
    const cu = await newCustomer(t.url, c.manager.token, { name: "度量公司", ownerId: c.rep1.id, status: "active" });
    expect((await call(t.url, "GET", `/customers/${cu.id}`, { token: c.manager.token })).status).toBe(200);
    expect((await call(t.url, "GET", "/customers/00000000-0000-4000-8000-000000000000", { token: c.manager.token })).status).toBe(404);
    expect((await call(t.url, "GET", "/no-such-thing", { token: c.manager.token })).status).toBe(404);
    const after = await scrape();
    expect(value(after, "clubhouse_http_requests_total", route)).toBe(was + 3);
    expect(observed(after, "clubhouse_http_request_duration_seconds", { method: "GET", route: "/api/v1/customers" })).toBe(wasTimed + 3);
    expect(value(after, "clubhouse_http_requests_total", { method: "GET", route: "/api/v1/customers/:id", status: "200" })).toBe(1);
    expect(value(after, "clubhouse_http_requests_total", { method: "GET", route: "/api/v1/customers/:id", status: "404" })).toBe(1);
    expect(value(after, "clubhouse_http_requests_total", { method: "GET", route: "/api/*", status: "404" })).toBe(1);
    expect(value(after, "clubhouse_db_transactions_total")).toBeGreaterThan(wasTx + 3);
    const routes = family(after, "clubhouse_http_requests_total").metrics.map((m) => m.labels?.route ?? "");
    expect(routes.filter((r) => /[0-9a-f]{8}-[0-9a-f]{4}-/.test(r))).toEqual([]);
    // nothing waits for a connection when idle
    expect(value(after, "clubhouse_db_pool_waiting")).toBe(0);
  });

  it("shows open sockets and their clubs, and each coalesced board recompute with its push lag", async () => {
    const before = await scrape();
    const { socket } = await connected(t.url, c.manager.token);
    const other = await makeClub(t.url, "metrics-two");
    const { socket: second } = await connected(t.url, other.manager.token);
    try {
      const now = await scrape();
      expect(value(now, "clubhouse_live_sockets")).toBe(value(before, "clubhouse_live_sockets") + 2);
      expect(value(now, "clubhouse_live_clubs")).toBe(value(before, "clubhouse_live_clubs") + 2);
      const cu = await newCustomer(t.url, c.manager.token, { name: "推送公司", ownerId: c.rep1.id, status: "active" });
      await addRevenue(t.url, c.manager.token, { customerId: cu.id, amount: 1000, occurredAt: "2026-02-10T09:00:00+08:00" });
      const after = await eventually(async () => {
        const s = await scrape();
        expect(value(s, "clubhouse_live_board_recomputes_total", { result: "ok" })).toBeGreaterThan(
          value(now, "clubhouse_live_board_recomputes_total", { result: "ok" }),
        );
        return s;
      });
      expect(value(after, "clubhouse_live_board_changes_total")).toBeGreaterThan(value(now, "clubhouse_live_board_changes_total"));
      expect(observed(after, "clubhouse_live_push_lag_seconds")).toBeGreaterThan(observed(now, "clubhouse_live_push_lag_seconds"));
    } finally {
      socket.disconnect();
      second.disconnect();
    }
    await eventually(async () => expect(value(await scrape(), "clubhouse_live_sockets")).toBe(value(before, "clubhouse_live_sockets")));
  });

  it("counts background job runs by job and result", async () => {
    const before = await scrape();
    await runJobsOnce(t.server.deps);
    const after = await scrape();
    const runs = family(after, "clubhouse_job_runs_total").metrics.filter((m) => m.labels?.result === "ok");
    expect(runs.length).toBeGreaterThan(0);
    const total = (s: Families) =>
      (s.find((f) => f.name === "clubhouse_job_runs_total")?.metrics ?? []).reduce((n, m) => n + Number(m.value), 0);
    expect(total(after)).toBeGreaterThan(total(before));
    expect(value(after, "clubhouse_job_runs_total", { result: "failed" })).toBe(0);
  });
});

describe("health", () => {
  it("/healthz: alive; /readyz: the database answers and no Redis is configured", async () => {
    const alive = await fetch(`${t.url}/healthz`);
    expect(alive.status).toBe(200);
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true, database: "up", redis: "off" });
  });

  it("/readyz is 503 while the configured Redis cannot be reached", async () => {
    const away = await startTestServer({ REDIS_URL: "redis://127.0.0.1:1" }, "2026-02-10T10:00:00+08:00");
    try {
      const res = await fetch(`${away.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ ok: false, database: "up", redis: "down" });
      // still alive: the process answers
      expect((await fetch(`${away.url}/healthz`)).status).toBe(200);
    } finally {
      await away.close();
    }
  });
});
