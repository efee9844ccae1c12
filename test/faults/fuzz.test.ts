import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRoutes } from "../../server/src/app.ts";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { startTestServer, type TestServer } from "../support/harness.ts";

/**
 * Every endpoint of the app, found from its routes (a new route is fuzzed without
 * anyone listing it), gets random bodies, queries, path values and headers: the
 * answer is always below 500 and, when it is an error, in the error shape.
 */
let t: TestServer;
let c: Club;
let routes: { method: string; path: string }[];
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const fuzzStats = { requests: 0 };

beforeAll(async () => {
  t = await startTestServer();
  c = await makeClub(t.url, "fuzz");
  await newCustomer(t.url, c.rep1.token, { name: "Fuzz Co" });
  const seen = new Set<string>();
  routes = apiRoutes(t.server.deps)
    .routes.filter((r) => r.method !== "ALL")
    .map((r) => ({ method: r.method, path: r.path }))
    .filter((r) => {
      const k = `${r.method} ${r.path}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
});
afterAll(() => t?.close());

const jsonish = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.record({
    customerId: fc.oneof(fc.uuid(), fc.string()),
    amount: fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(1e308)),
    businessLine: fc.string(),
    occurredAt: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.string(),
    ),
    channel: fc.constantFrom("visit", "demo", "phone", "letter", "fax"),
    name: fc.string({ maxLength: 300 }),
    email: fc.string(),
    password: fc.string(),
    role: fc.constantFrom("admin", "manager", "rep", "root"),
    status: fc.string(),
    reason: fc.string(),
  }),
);
const rawBody = fc.oneof(
  jsonish.map((v) => JSON.stringify(v) ?? "null"),
  fc.string({ maxLength: 200 }),
  fc.constant('{"a":'),
  fc.constant(`${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`),
  fc.constant("\u0000\ud800\udfff"),
  fc.constant("x".repeat(200_000)),
);
const pathValue = fc.oneof(
  fc.uuid(),
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.constantFrom("2026-03", "2026-13", "2026-02-30", "2026", "-1", "%00", "..%2F"),
);
const queryString = fc
  .dictionary(
    fc.constantFrom(
      "limit",
      "cursor",
      "month",
      "status",
      "tier",
      "q",
      "period",
      "at",
      "repId",
      "customerId",
      "stale",
      "overdue",
      "year",
      "date",
    ),
    fc.oneof(fc.string({ maxLength: 50 }), fc.integer().map(String), fc.uuid()),
    { maxKeys: 4 },
  )
  .map((d) => new URLSearchParams(d).toString());
const contentType = fc.constantFrom(
  "application/json",
  "text/csv",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "",
);

function fill(path: string, value: string) {
  return path.replace(/:[A-Za-z]+(\{[^}]*\})?/g, () => encodeURIComponent(value));
}

describe("fuzzing every endpoint", () => {
  it("never answers 500 and always uses the error shape", async () => {
    expect(routes.length).toBeGreaterThan(20);
    const failures: string[] = [];
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(
          pathValue,
          queryString,
          rawBody,
          contentType,
          fc.boolean(),
          fc.option(fc.string({ maxLength: 300 })),
          async (pv, qs, body, type, asRep, idemKey) => {
            const url = `${t.url}/api/v1${fill(route.path, pv)}${qs ? `?${qs}` : ""}`;
            const headers: Record<string, string> = { authorization: `Bearer ${asRep ? c.rep1.token : c.admin.token}` };
            if (type) headers["content-type"] = type;
            if (idemKey !== null) headers["idempotency-key"] = idemKey.replace(/[^\x20-\x7e]/g, "");
            const hasBody = route.method !== "GET" && route.method !== "HEAD";
            const send = () => fetch(url, { method: route.method, headers, body: hasBody ? body : undefined });
            // A kept-alive socket that the server closed after an early answer (it drains an
            // unread body for at most 500 ms, less on a loaded CI machine) fails the next
            // request on it: such a transport error is retried; a 5xx never is.
            let res: Response | undefined;
            let lastError: unknown;
            for (let attempt = 0; attempt < 3 && !res; attempt++) {
              try {
                res = await send();
              } catch (err) {
                lastError = err;
                await new Promise((r) => setTimeout(r, 100));
              }
            }
            if (!res) {
              failures.push(
                `${route.method} ${route.path} → no answer (${(lastError as Error).cause ?? lastError}) body ${body.length} bytes ${type}`,
              );
              return true;
            }
            fuzzStats.requests++;
            const text = await res.text();
            if (res.status >= 500) failures.push(`${route.method} ${route.path} → ${res.status} ${text.slice(0, 200)}`);
            if (res.status >= 400) {
              let parsed: { error?: { code?: unknown; message?: unknown } } | undefined;
              try {
                parsed = JSON.parse(text);
              } catch {}
              if (typeof parsed?.error?.code !== "string" || typeof parsed.error.message !== "string") {
                failures.push(`${route.method} ${route.path} → ${res.status} not the error shape: ${text.slice(0, 200)}`);
              }
              if (/\n\s+at\s/.test(text)) failures.push(`${route.method} ${route.path} → stack trace`);
            }
            return true;
          },
        ),
        { numRuns: RUNS },
      );
    }
    console.log(`fuzz: ${fuzzStats.requests} requests over ${routes.length} routes, ${failures.length} failures`);
    expect(failures).toEqual([]);
  }, 600_000);
});
